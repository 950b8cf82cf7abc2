"""The action plans' named lists (qms.core.evidence): the improvements that came from listening to people
(Qualiopi indicator 32) and the corrective actions (ISO 9001 10.2)."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from actionplans.choices import ActionKind, ActionStatus
from actionplans.models import Action
from qms.core import evidence
from qms.core.metrics import Period

# The apps whose objects are complaints, surveys and improvement councils: named by label, never imported.
LISTENING_APPS = ("complaints", "surveys")


def _worked_on(period: Period, unit_ids: list[int] | None):
    """Actions that existed during the period and were not finished before it (cancelled ones left out)."""
    actions = Action.objects.exclude(status=ActionStatus.CANCELLED).filter(created_at__date__lte=period.end)
    actions = actions.filter(Q(completed_on__isnull=True) | Q(completed_on__gte=period.start))
    return actions if unit_ids is None else actions.in_units(unit_ids)


@evidence.register(
    "actionplans.improvement_actions",
    title=_("Actions from complaints, surveys and councils"),
    description=_("Actions worked on in the period whose source is a request, a survey or an improvement council."),
)
def improvement_actions(period: Period, unit_ids: list[int] | None) -> evidence.ListFigure:
    actions = _worked_on(period, unit_ids).filter(sources__content_type__app_label__in=LISTENING_APPS).distinct()
    return evidence.ListFigure(count=actions.count(), url=reverse("actionplans:action-list"))


@evidence.register(
    "actionplans.corrective_actions",
    title=_("Corrective actions"),
    description=_("Corrective actions worked on in the period."),
)
def corrective_actions(period: Period, unit_ids: list[int] | None) -> evidence.ListFigure:
    actions = _worked_on(period, unit_ids).filter(kind=ActionKind.CORRECTIVE)
    return evidence.ListFigure(count=actions.count(), url=f"{reverse('actionplans:action-list')}?kind=corrective")

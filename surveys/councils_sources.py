"""A council decision can become an action: it registers as an action source whose actions land by default in
the plan of the programme it names (``ActionPlan.programme``), made when first needed."""

from __future__ import annotations

from django.utils.text import Truncator

from qms.core import sources


def _can_open(user, decision) -> bool:
    from surveys.councils_selectors import councils_visible_to

    return councils_visible_to(user).filter(pk=decision.council_id).exists()


def _visible(user):
    from surveys.councils_selectors import councils_visible_to
    from surveys.models import CouncilDecision

    return CouncilDecision.objects.filter(council__in=councils_visible_to(user).values("pk"))


def register() -> None:
    from surveys.models import CouncilDecision

    sources.register(
        CouncilDecision,
        reference=lambda decision: decision.reference,
        label=lambda decision: f"{decision.reference} — {Truncator(decision.text).chars(80)}",
        can_open=_can_open,
        related=("council__academic_year", "programme"),
        visible=_visible,
        default_unit=lambda decision: decision.programme.org_unit,
        # A council of several programmes: each decision names its own, whose plan receives its actions.
        default_programme=lambda decision: decision.programme,
    )

"""The reports of the action plans, built in the background (qms.core.reports); registered in AppConfig.ready()."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from actionplans.exports import PlanPdfReport
from actionplans.models import ActionPlan
from actionplans.selectors import plans_visible_to
from qms.core import reports

PLAN_PDF = "actionplans.plan_pdf"


def build_plan_pdf(plan: ActionPlan) -> tuple[str, str, bytes]:
    """The AEQES-style synthetic table of the plan: the same for whoever may see the plan."""
    return PlanPdfReport(plan).render()


def can_view_plan(user, plan: ActionPlan) -> bool:
    return plans_visible_to(user).filter(pk=plan.pk).exists()


reports.register(PLAN_PDF, builder=build_plan_pdf, can_view=can_view_plan, label=_("Action plan (PDF)"))

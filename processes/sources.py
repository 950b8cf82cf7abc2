"""Risks and review decisions are action sources (``qms.core.sources``): an action treating a risk, or carrying out
a decision, records it as its source, and action plans show those actions on their pages through the "Actions"
panel, and create or link them through their source-to-action page, without this app knowing action plans."""

from __future__ import annotations

from django.utils.translation import gettext as _

from qms.core import sources


def _risk_label(risk) -> str:
    return f"{risk.reference} — {risk.short_description}"


def _decision_label(decision) -> str:
    return str(decision)


def _refuse_for_archived_risk(risk) -> str | None:
    return _("This risk is archived: restore it before acting on it.") if risk.is_archived else None


def _refuse_for_withdrawn_decision(decision) -> str | None:
    return _("This decision has been withdrawn.") if decision.is_archived else None


def _visible_risks(user):
    from processes.selectors import risks_visible_to

    return risks_visible_to(user)


def register_sources() -> None:
    from processes.models import ReviewDecision, Risk
    from processes.permissions import can_edit_review, can_edit_risk, can_view_decision, can_view_risk

    sources.register(
        Risk,
        reference=lambda risk: risk.reference,
        label=_risk_label,
        can_open=can_view_risk,
        related=("process",),
        visible=_visible_risks,
        # Whoever edits the risk's process treats it; action plans check their own rights on top.
        can_attach=can_edit_risk,
        refuse_actions=_refuse_for_archived_risk,
        default_unit=lambda risk: risk.process.org_unit,
        default_process=lambda risk: risk.process,
    )
    sources.register(
        ReviewDecision,
        reference=lambda decision: decision.reference,
        label=_decision_label,
        can_open=can_view_decision,
        related=("review__process",),
        can_attach=lambda user, decision: can_edit_review(user, decision.review),
        refuse_actions=_refuse_for_withdrawn_decision,
        default_unit=lambda decision: decision.review.process.org_unit,
        default_process=lambda decision: decision.review.process,
    )

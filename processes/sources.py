"""Risks and review decisions are action sources (``qms.core.sources``): an action treating a risk, or carrying out
a decision, records it as its source, and action plans show those actions on their pages through the "Actions"
panel, without this app knowing action plans."""

from __future__ import annotations

from qms.core import sources


def _risk_label(risk) -> str:
    return f"{risk.reference} — {risk.short_description}"


def _decision_label(decision) -> str:
    return str(decision)


def register_sources() -> None:
    from processes.models import ReviewDecision, Risk
    from processes.permissions import can_view_decision, can_view_risk

    sources.register(
        Risk,
        reference=lambda risk: risk.reference,
        label=_risk_label,
        can_open=can_view_risk,
        default_unit=lambda risk: risk.process.org_unit,
    )
    sources.register(
        ReviewDecision,
        reference=lambda decision: decision.reference,
        label=_decision_label,
        can_open=can_view_decision,
        default_unit=lambda decision: decision.review.process.org_unit,
    )

"""The tables of allowed moves of a certification, an audit and a finding (qms.core.workflow)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from actionplans.choices import ActionStatus
from certifications.choices import AuditStatus, CertificationStatus, FindingStatus
from qms.core.choices import Actor
from qms.core.workflow import ANY, Move, Workflow


def _needs_reason(obj: Any, *, note: str = "", **context: Any) -> str | None:
    return None if note.strip() else _("Say why: a reason is required.")


def _has_certificate(certification: Any, **context: Any) -> str | None:
    if not certification.certificates.exists():
        return _("Record the certificate first: a certification is certified by a certificate.")
    return None


# in preparation → certified ⇄ suspended; withdrawn from anywhere, with a reason; a withdrawn one may start again.
CERTIFICATION_WORKFLOW = Workflow(
    choices=CertificationStatus,
    moves=[
        Move(
            (CertificationStatus.IN_PREPARATION, CertificationStatus.SUSPENDED),
            CertificationStatus.CERTIFIED,
            guard=_has_certificate,
        ),
        Move(CertificationStatus.CERTIFIED, CertificationStatus.SUSPENDED, guard=_needs_reason),
        Move(ANY, CertificationStatus.WITHDRAWN, guard=_needs_reason),
        Move(CertificationStatus.WITHDRAWN, CertificationStatus.IN_PREPARATION, guard=_needs_reason),
    ],
    terminal=frozenset({CertificationStatus.WITHDRAWN}),
)


def _report_guard(audit: Any, **context: Any) -> str | None:
    if not audit.is_internal and not audit.report_file:
        return _("Attach the certifying body's report first.")
    return None


# planned → in progress → report received → closed.
AUDIT_WORKFLOW = Workflow(
    choices=AuditStatus,
    moves=[
        Move(AuditStatus.PLANNED, AuditStatus.IN_PROGRESS),
        Move(AuditStatus.IN_PROGRESS, AuditStatus.REPORT_RECEIVED, guard=_report_guard),
        Move(AuditStatus.REPORT_RECEIVED, AuditStatus.CLOSED),
    ],
    terminal=frozenset({AuditStatus.CLOSED}),
)


def _has_actions(finding: Any, **context: Any) -> str | None:
    from certifications.selectors import finding_actions

    if not [action for action in finding_actions(finding) if action.status != ActionStatus.CANCELLED]:
        return _("Link an action to this finding first.")
    return None


def _actions_done(finding: Any, **context: Any) -> str | None:
    from certifications.selectors import finding_actions

    actions = [action for action in finding_actions(finding) if action.status != ActionStatus.CANCELLED]
    if not actions:
        return _("Link an action to this finding first.")
    if any(action.status != ActionStatus.DONE for action in actions):
        return _("Every action that answers this finding must be done first.")
    return None


def _actions_effective(finding: Any, **context: Any) -> str | None:
    from certifications.selectors import finding_closing_blockers

    blockers = finding_closing_blockers(finding)
    return blockers[0] if blockers else None


# open → action planned → awaiting verification → closed; back to "action planned" when the verification fails.
# Only a finding whose grade needs action moves: a strength has no status.
FINDING_WORKFLOW = Workflow(
    choices=FindingStatus,
    moves=[
        Move(FindingStatus.OPEN, FindingStatus.ACTION_PLANNED, guard=_has_actions, actors=(Actor.USER, Actor.SYSTEM)),
        Move(FindingStatus.ACTION_PLANNED, FindingStatus.AWAITING_VERIFICATION, guard=_actions_done),
        Move(FindingStatus.AWAITING_VERIFICATION, FindingStatus.ACTION_PLANNED, guard=_needs_reason),
        Move(FindingStatus.AWAITING_VERIFICATION, FindingStatus.CLOSED, guard=_actions_effective),
    ],
    terminal=frozenset({FindingStatus.CLOSED}),
)

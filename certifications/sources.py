"""Findings are action sources (qms.core.sources): their actions live in the action plans, which create and link
them through their source-to-action page and show them on the finding's page through their "Actions" panel; an
open finding moves to "action planned" once an action answers it; an auditor's grant on an audit opens its
findings' actions."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from certifications.choices import FindingStatus
from certifications.models import Finding
from qms.core import sources


def _label(finding: Finding) -> str:
    requirement = f" — {finding.requirement.reference}" if finding.requirement_id else ""
    return f"{finding.full_reference} — {finding.grade.label}{requirement} — {finding.audit.title}"


def _can_open(user, finding: Finding) -> bool:
    from certifications.selectors import findings_visible_to

    return findings_visible_to(user).filter(pk=finding.pk).exists()


def _visible(user):
    from certifications.selectors import findings_visible_to

    return findings_visible_to(user)


def _can_attach(user, finding: Finding) -> bool:
    from certifications.selectors import can_edit_finding

    return can_edit_finding(user, finding)


def _refusal(finding: Finding) -> str | None:
    """The finding's own rule: a strength calls for no action, and a closed finding for no more."""
    if not finding.grade.needs_action:
        return _("This finding needs no action.")
    if finding.status == FindingStatus.CLOSED:
        return _("This finding is closed.")
    return None


def _default_unit(finding: Finding):
    from certifications.selectors import finding_default_unit

    return finding_default_unit(finding)


def _default_process(finding: Finding):
    """The audited process, when the audit had exactly one."""
    processes = list(finding.audit.audited_processes.all()[:2])
    return processes[0] if len(processes) == 1 else None


def _answered(finding: Finding, by) -> None:
    """An open finding moves to "action planned" once an action answers it."""
    from certifications.services.findings import finding_answered

    finding_answered(finding=finding, by=by)


def _granted_ids(user):
    from certifications.selectors import granted_finding_ids

    return granted_finding_ids(user)


sources.register(
    Finding,
    reference=lambda finding: finding.full_reference,
    label=_label,
    can_open=_can_open,
    related=("audit", "grade", "requirement"),
    visible=_visible,
    can_attach=_can_attach,
    refuse_actions=_refusal,
    default_unit=_default_unit,
    default_process=_default_process,
    granted_ids=_granted_ids,
    on_answered=_answered,
    verbose_name=gettext_lazy("audit finding"),
)

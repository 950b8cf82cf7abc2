"""Findings are action sources (qms.core.sources): their actions live in the action plans, which show them on
the finding's page through their panel, and an auditor's grant on an audit opens its findings' actions."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from certifications.models import Finding
from qms.core import sources


def _label(finding: Finding) -> str:
    requirement = f" — {finding.requirement.reference}" if finding.requirement_id else ""
    return f"{finding.full_reference} — {finding.grade.label}{requirement} — {finding.audit.title}"


def _can_open(user, finding: Finding) -> bool:
    from certifications.selectors import findings_visible_to

    return findings_visible_to(user).filter(pk=finding.pk).exists()


def _default_unit(finding: Finding):
    from certifications.services.findings import finding_default_unit

    return finding_default_unit(finding)


def _granted_ids(user):
    from certifications.selectors import granted_finding_ids

    return granted_finding_ids(user)


sources.register(
    Finding,
    reference=lambda finding: finding.full_reference,
    label=_label,
    can_open=_can_open,
    default_unit=_default_unit,
    granted_ids=_granted_ids,
    verbose_name=_("audit finding"),
)

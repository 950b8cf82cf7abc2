"""Findings: their grade and its refusals, their three dates, their status, and regrading. Their actions are made
and linked by the action plans' source-to-action kit (``certifications/sources.py``)."""

from __future__ import annotations

import datetime
from typing import Any

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from actionplans.selectors import actions_for_source
from certifications.choices import AuditStatus, FindingStatus, GradeKind
from certifications.models import Audit, Finding, Grade, Requirement
from certifications.services.base import CertificationError, set_fields, signed_in_user, value_for_log
from certifications.workflows import FINDING_WORKFLOW
from qms.core.choices import Actor
from qms.core.models import User
from qms.core.services import log_activity
from qms.core.workflow import TransitionError, record_status

UNSET: Any = object()
DATE_FIELDS = ("action_plan_due", "implementation_due", "verification_due")
FINDING_FIELDS = ("requirement", "description", "evidence_seen", "root_cause", *DATE_FIELDS)


def default_dates(*, audit: Audit, grade: Grade, start: datetime.date | None = None) -> dict[str, datetime.date | None]:
    """The three dates of a finding of ``grade``, from the framework's rules, counted from the audit's last day
    (``start``): the action plan (when the framework sets it: a certifying body usually does), the
    implementation, and the verification (after the implementation, or at the next audit)."""
    from certifications.selectors import next_audit_date

    dates: dict[str, datetime.date | None] = dict.fromkeys(DATE_FIELDS)
    if not grade.needs_action:
        return dates
    start = start or audit.end_date
    if grade.action_plan_days:
        dates["action_plan_due"] = start + datetime.timedelta(days=grade.action_plan_days)
    if grade.implementation_months:
        dates["implementation_due"] = start + relativedelta(months=grade.implementation_months)
    if grade.verification_months and dates["implementation_due"]:
        dates["verification_due"] = dates["implementation_due"] + relativedelta(months=grade.verification_months)
    elif grade.verify_at_next_audit and audit.certification_id:
        dates["verification_due"] = next_audit_date(audit.certification, start)
    if (
        dates["verification_due"]
        and dates["implementation_due"]
        and dates["verification_due"] < dates["implementation_due"]
    ):
        # The next audit comes before the implementation is due: the one after it will verify; left to be set.
        dates["verification_due"] = None
    return dates


def _check_grade(audit: Audit, grade: Grade, requirement: Requirement | None) -> None:
    if grade.framework_id != audit.framework_id:
        raise CertificationError(_("This grade belongs to another framework's scale."), field="grade")
    if requirement is not None and requirement.framework_id != audit.framework_id:
        raise CertificationError(_("This requirement belongs to another framework version."), field="requirement")
    if requirement is not None and requirement.is_major_only and grade.kind == GradeKind.MINOR_NC:
        raise CertificationError(
            _("Indicator %(reference)s can only receive a major non-conformity.")
            % {"reference": requirement.reference},
            field="grade",
        )


def _check_dates(finding: Finding) -> None:
    if not finding.grade.needs_action and any(getattr(finding, name) for name in DATE_FIELDS):
        raise CertificationError(_("A finding that needs no action has no dates."))
    if (
        finding.implementation_due
        and finding.verification_due
        and finding.verification_due < finding.implementation_due
    ):
        raise CertificationError(_("The verification cannot come before the implementation."), field="verification_due")


def _next_reference(audit: Audit) -> str:
    taken = set(audit.findings.values_list("reference", flat=True))
    number = len(taken) + 1
    while f"C-{number:02d}" in taken:
        number += 1
    return f"C-{number:02d}"


@transaction.atomic
def finding_create(
    *,
    audit: Audit,
    grade: Grade,
    description: str,
    by: User | None,
    requirement: Requirement | None = None,
    evidence_seen: str = "",
    root_cause: str = "",
    reference: str = "",
    action_plan_due: datetime.date | None = UNSET,
    implementation_due: datetime.date | None = UNSET,
    verification_due: datetime.date | None = UNSET,
    at: datetime.datetime | None = None,
) -> Finding:
    """Record a finding in ``audit``. A grade that needs action opens the finding and gives it its three default
    dates (each may be given instead); a strength has no dates and no status."""
    audit = Audit.objects.select_for_update().get(pk=audit.pk)
    if audit.status == AuditStatus.CLOSED:
        raise CertificationError(_("This audit is closed: no finding can be added to it."))
    if not (description or "").strip():
        raise CertificationError(_("Describe the finding."), field="description")
    _check_grade(audit, grade, requirement)
    dates = default_dates(audit=audit, grade=grade)
    given = {
        "action_plan_due": action_plan_due,
        "implementation_due": implementation_due,
        "verification_due": verification_due,
    }
    for name, value in given.items():
        if value is not UNSET:
            dates[name] = value
    finding = Finding(
        audit=audit,
        reference=(reference or "").strip() or _next_reference(audit),
        requirement=requirement,
        grade=grade,
        description=description.strip(),
        evidence_seen=evidence_seen.strip(),
        root_cause=root_cause.strip(),
        status=FindingStatus.OPEN if grade.needs_action else "",
        created_by=signed_in_user(by),
        created_at=at or timezone.now(),
        **dates,
    )
    _check_dates(finding)
    if audit.findings.filter(reference=finding.reference).exists():
        raise CertificationError(
            _("Reference “%(reference)s” is already used in this audit.") % {"reference": finding.reference},
            field="reference",
        )
    finding.save()
    if finding.status:
        record_status(finding, "", finding.status, by=by, at=finding.created_at)
    log_activity(
        obj=finding,
        verb="created",
        by=by,
        details={"grade": grade.code, "requirement": requirement.reference if requirement else ""},
    )
    return finding


@transaction.atomic
def finding_update(*, finding: Finding, by: User | None, grade: Grade | None = None, **changes: Any) -> Finding:
    """Change a finding's texts, requirement and dates (every date stays editable). A new grade is checked
    like a first one; a finding that starts needing action opens with its default dates, one that stops needing
    action loses its dates and status."""
    finding = Finding.objects.select_for_update().select_related("audit", "grade").get(pk=finding.pk)
    changed = set_fields(finding, changes, FINDING_FIELDS)
    if grade is not None and grade.pk != finding.grade_id:
        changed["grade"] = [finding.grade.code, grade.code]
        needed_before = finding.grade.needs_action
        finding.grade = grade
        if grade.needs_action and not needed_before:
            for name, value in default_dates(audit=finding.audit, grade=grade).items():
                if name not in changes:
                    setattr(finding, name, value)
            finding.status = FindingStatus.OPEN
            finding.save()
            record_status(finding, "", finding.status, by=by)
        elif not grade.needs_action and needed_before:
            if finding.status not in ("", FindingStatus.OPEN) or actions_for_source(finding).exists():
                raise CertificationError(_("Actions answer this finding: its grade must keep needing action."))
            for name in DATE_FIELDS:
                setattr(finding, name, None)
            finding.status = ""
    _check_grade(finding.audit, finding.grade, finding.requirement)
    _check_dates(finding)
    if changed:
        finding.save()
        log_activity(obj=finding, verb="updated", by=by, details={"changes": changed})
    return finding


@transaction.atomic
def finding_transition(
    *,
    finding: Finding,
    to: str,
    by: User | None,
    note: str = "",
    actor: str = Actor.USER,
    at: datetime.datetime | None = None,
) -> Finding:
    """Move a finding through open → action planned → awaiting verification → closed. Closing needs every
    action that answers it, follow-ups included, done and checked effective."""
    finding = Finding.objects.select_for_update(of=("self",)).select_related("grade", "audit").get(pk=finding.pk)
    if not finding.grade.needs_action:
        raise CertificationError(_("This finding needs no action: it has no status to move."))
    previous = finding.status
    extra = ["updated_at"]
    if to == FindingStatus.CLOSED:
        finding.closed_on = timezone.localdate(at) if at else timezone.localdate()
        extra.append("closed_on")
    try:
        FINDING_WORKFLOW.apply(finding, to, by=by, actor=actor, note=note, at=at, update_fields=extra)
    except TransitionError as error:
        raise CertificationError(error.message) from None
    log_activity(
        obj=finding, verb="status_changed", by=by, actor=actor, details={"from": previous, "to": to, "note": note}
    )
    return finding


@transaction.atomic
def finding_answered(*, finding: Finding, by: User | None) -> Finding:
    """An action now answers ``finding`` (the action plans' kit says so through the sources registry): an open
    finding moves to "action planned". Any other status stays as it is."""
    finding = Finding.objects.select_related("grade").get(pk=finding.pk)
    if finding.status != FindingStatus.OPEN:
        return finding
    return finding_transition(
        finding=finding,
        to=FindingStatus.ACTION_PLANNED,
        by=by,
        actor=Actor.USER if signed_in_user(by) else Actor.SYSTEM,
        note=_("An action answers it."),
    )


@transaction.atomic
def regrade_open_findings(*, audit: Audit, by: User | None, at: datetime.datetime | None = None) -> list[Finding]:
    """At the close of ``audit``, regrade the findings of earlier audits of the same certification that are
    still open and whose grade says what it becomes (Qualiopi: a minor non-conformity becomes major). The
    earlier grade is kept in ``original_grade``, the move is logged, and the new grade's dates apply, counted
    from this audit's last day."""
    if audit.certification_id is None:
        return []
    findings = (
        Finding.objects.filter(audit__certification=audit.certification_id, grade__regrades_to__isnull=False)
        .filter(audit__start_date__lt=audit.start_date)
        .exclude(audit=audit)
        .exclude(status__in=["", FindingStatus.CLOSED])
        .select_related("grade__regrades_to", "audit")
        .select_for_update(of=("self",))
    )
    regraded = []
    for finding in findings:
        earlier = finding.grade
        target = earlier.regrades_to
        finding.original_grade = finding.original_grade or earlier
        finding.grade = target
        finding.regraded_at = at or timezone.now()
        finding.regraded_at_audit = audit
        dates = default_dates(audit=audit, grade=target, start=audit.end_date)
        for name in ("implementation_due", "verification_due"):
            setattr(finding, name, dates[name])
        finding.save()
        log_activity(
            obj=finding,
            verb="regraded",
            by=by,
            details={
                "from": earlier.code,
                "to": target.code,
                "audit": audit.pk,
                "implementation_due": value_for_log(finding.implementation_due),
                "verification_due": value_for_log(finding.verification_due),
            },
        )
        regraded.append(finding)
    return regraded

"""Reads of the certifications, shared by views, tasks, reports and other apps.

Who sees what:
- quality managers and directors see every certification, audit and finding;
- a certification's owner sees it, its audits and findings; a programme's owner sees its audits;
- a quality referent (or the head or director of a unit) sees the certifications held by their units and
  sub-units, with their audits and findings, when their group lets them view certifications;
- an auditor (external, ``Role.AUDITOR``, or internal, the role this app declares) sees the audit they hold a
  current access grant to, with its certification's matrix and evidence and its findings, and nothing once the
  grant has ended.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from dateutil.relativedelta import relativedelta
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from actionplans.choices import ActionStatus, EffectivenessResult
from actionplans.models import Action, EffectivenessCheck
from actionplans.selectors import actions_for_source
from certifications.choices import (
    ACTIVE_CERTIFICATION_STATUSES,
    NONCONFORMITY_KINDS,
    AuditStatus,
    CertificationStatus,
    ComplianceStatus,
    FindingDate,
    FindingStatus,
    LiveEvidenceKind,
)
from certifications.models import (
    Assessment,
    AssessmentSnapshot,
    Audit,
    Certificate,
    Certification,
    CertificationSettings,
    Evidence,
    Finding,
    Framework,
    InternalAuditProgramme,
    LiveEvidence,
    Requirement,
)
from processes.models import Process
from qms.core import evidence as named_lists
from qms.core import metrics
from qms.core.choices import MembershipRole
from qms.core.metrics import Period
from qms.core.models import AccessGrant, OrgUnit, User
from qms.core.selectors import granted_ids, is_quality_manager, scope_q, sees_everything, units_in_scope

# The memberships that put a unit's certifications in a person's scope.
SCOPE_ROLES = (MembershipRole.QUALITY_REFERENT, MembershipRole.HEAD, MembershipRole.DIRECTOR)

# Compliance scores of the readiness: not applicable is left out.
SCORES = {
    ComplianceStatus.COMPLIANT: Decimal(1),
    ComplianceStatus.PARTIAL: Decimal("0.5"),
    ComplianceStatus.NON_COMPLIANT: Decimal(0),
    ComplianceStatus.NOT_ASSESSED: Decimal(0),
}


def _signed_in(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def scope_units(user, perm: str) -> list[int]:
    """The units whose certifications ``user`` sees through a membership, if their groups grant ``perm``."""
    if not _signed_in(user) or not user.has_perm(perm):
        return []
    return units_in_scope(user, SCOPE_ROLES)


def granted_audit_ids(user) -> list[int]:
    """The audits ``user`` holds a current access grant to (an auditor's, ending after the audit)."""
    return granted_ids(user, Audit)


# --- Visibility ---------------------------------------------------------------------------------------------------


def certifications_visible_to(user) -> models.QuerySet[Certification]:
    """The certifications ``user`` may open (read)."""
    certifications = Certification.objects.select_related("framework", "holder", "owner")
    if not _signed_in(user):
        return certifications.none()
    audits = granted_audit_ids(user)
    query = scope_q(
        user,
        Certification,
        unit_field="holder",
        owner_fields=("owner",),
        unit_roles=SCOPE_ROLES,
        unit_perm="certifications.view_certification",
        # An auditor's grant on an audit opens its certification's matrix and evidence.
        extra=Q(audits__in=audits) if audits else None,
    )
    return certifications if query is None else certifications.filter(query).distinct()


def audits_visible_to(user) -> models.QuerySet[Audit]:
    """The audits ``user`` may open (read)."""
    audits = Audit.objects.select_related("certification", "framework", "programme", "lead_auditor")
    if not _signed_in(user):
        return audits.none()
    query = scope_q(
        user,
        Audit,
        unit_fields=("certification__holder", "audited_units"),
        owner_fields=("certification__owner", "programme__owner"),
        unit_roles=SCOPE_ROLES,
        unit_perm="certifications.view_audit",
        grants_through={"certification": Certification},
    )
    return audits if query is None else audits.filter(query).distinct()


def findings_visible_to(user) -> models.QuerySet[Finding]:
    """The findings of the audits ``user`` may open."""
    if not _signed_in(user):
        return Finding.objects.none()
    findings = Finding.objects.select_related("audit", "grade", "requirement", "audit__certification")
    if sees_everything(user):
        return findings
    return findings.filter(audit__in=audits_visible_to(user).values("pk"))


def programmes_visible_to(user) -> models.QuerySet[InternalAuditProgramme]:
    programmes = InternalAuditProgramme.objects.select_related("framework", "owner")
    if not _signed_in(user):
        return programmes.none()
    if sees_everything(user):
        return programmes
    if user.has_perm("certifications.view_internalauditprogramme"):
        return programmes
    return programmes.filter(owner=user)


def granted_finding_ids(user):
    """The findings of the audits ``user`` holds a current grant to: their actions open to that user (sources
    registry). A lazy ``values_list`` the action plans use as a subquery: it costs their pages no query."""
    if not _signed_in(user):
        return []
    grants = AccessGrant.objects.active().filter(user=user, content_type=ContentType.objects.get_for_model(Audit))
    return Finding.objects.filter(audit__in=grants.values("object_id")).values_list("pk", flat=True)


def can_list_certifications(user) -> bool:
    """Whom the register's pages open to: those whose group reads certifications, and owners of one."""
    if not _signed_in(user):
        return False
    return user.has_perm("certifications.view_certification") or Certification.objects.filter(owner=user).exists()


def can_list_audits(user) -> bool:
    if not _signed_in(user):
        return False
    return (
        user.has_perm("certifications.view_audit")
        or bool(granted_audit_ids(user))
        or Certification.objects.filter(owner=user).exists()
    )


# --- Object permissions -------------------------------------------------------------------------------------------


def can_manage(user) -> bool:
    """Frameworks, scales, the register's imports and the settings: the quality manager."""
    return _signed_in(user) and is_quality_manager(user)


def can_edit_certification(user, certification: Certification) -> bool:
    """Edit a certification, its certificates and version: the quality manager and the certification's owner."""
    return _signed_in(user) and (is_quality_manager(user) or certification.owner_id == user.pk)


def can_assess(user, certification: Certification) -> bool:
    """Fill the matrix (statuses, evidence, snapshots): its editors, and the referents of its holder unit."""
    if not _signed_in(user):
        return False
    if can_edit_certification(user, certification):
        return True
    return certification.holder_id in scope_units(user, "certifications.change_assessment")


def can_edit_audit(user, audit: Audit) -> bool:
    """Plan, edit and move an audit: the quality manager, the certification's owner, the programme's owner."""
    if not _signed_in(user):
        return False
    if is_quality_manager(user):
        return True
    if audit.certification_id and audit.certification.owner_id == user.pk:
        return True
    return bool(audit.programme_id and audit.programme.owner_id == user.pk)


def can_record_findings(user, audit: Audit) -> bool:
    """Record findings in an audit that is not closed: its editors, and internal auditors of its team."""
    if not _signed_in(user) or audit.status == AuditStatus.CLOSED:
        return False
    if can_edit_audit(user, audit):
        return True
    on_team = audit.lead_auditor_id == user.pk or audit.team.filter(pk=user.pk).exists()
    return bool(on_team and audit.pk in granted_audit_ids(user) and user.has_perm("certifications.add_finding"))


def can_edit_finding(user, finding: Finding) -> bool:
    """Edit a finding, its dates and root cause, link its actions and move it: whoever may edit its audit, and
    the referents of its certification's unit."""
    if not _signed_in(user):
        return False
    audit = finding.audit
    if can_edit_audit(user, audit):
        return True
    if audit.certification_id and audit.certification.holder_id in scope_units(user, "certifications.change_finding"):
        return True
    return can_record_findings(user, audit)


def can_edit_programme(user, programme: InternalAuditProgramme) -> bool:
    return _signed_in(user) and (is_quality_manager(user) or programme.owner_id == user.pk)


@dataclass
class ProcessCoverage:
    """A process of the map in a year's internal audit programme: the programme's audits of it, and when an
    internal audit last looked at it before the programme's year."""

    process: Process
    audits: list[Audit]
    last_audited: datetime.date | None


def programme_coverage(programme: InternalAuditProgramme, audits: Iterable[Audit]) -> list[ProcessCoverage]:
    """Every active process of the map with ``audits`` (the programme's, their processes prefetched) that cover
    it, so that the processes left out of the year stand out (ISO 9001 9.2.2). Two queries."""
    by_process: dict[int, list[Audit]] = {}
    for audit in audits:
        for process in audit.audited_processes.all():
            by_process.setdefault(process.pk, []).append(audit)
    last = dict(
        Audit.objects.filter(is_internal=True, end_date__lt=datetime.date(programme.year, 1, 1))
        .values_list("audited_processes")
        .annotate(last=models.Max("end_date"))
        .values_list("audited_processes", "last")
    )
    processes = Process.objects.filter(is_active=True).order_by("code")
    return [ProcessCoverage(process, by_process.get(process.pk, []), last.get(process.pk)) for process in processes]


# --- The people picker ------------------------------------------------------------------------------------------

PEOPLE_SCOPE = "certifications.people"


def may_pick_people(user, argument: str) -> bool:
    """Whether the form named by ``argument`` is one ``user`` may fill: "certification:new" and
    "programme:new" (the quality manager), "certification:<pk>" (its editors and assessors), "programme:<pk>",
    "audit:<pk>", "audit-for-certification:<pk>", "audit-for-programme:<pk>" (who may plan or edit the audit)."""
    kind, _sep, rest = (argument or "").partition(":")
    if not _signed_in(user):
        return False
    if rest == "new":
        return kind in ("certification", "programme") and can_manage(user)
    if not rest.isdigit():
        return False
    pk = int(rest)
    if kind in ("certification", "audit-for-certification"):
        certification = certifications_visible_to(user).filter(pk=pk).first()
        if certification is None:
            return False
        return (
            can_assess(user, certification) if kind == "certification" else can_edit_certification(user, certification)
        )
    if kind in ("programme", "audit-for-programme"):
        programme = programmes_visible_to(user).filter(pk=pk).first()
        return programme is not None and can_edit_programme(user, programme)
    if kind == "audit":
        audit = audits_visible_to(user).filter(pk=pk).first()
        return audit is not None and can_edit_audit(user, audit)
    return False


def people_for_picker(user, argument: str) -> models.QuerySet[User] | None:
    """The people the certifications' pickers offer (owners, auditors), to whoever may fill that form."""
    if not may_pick_people(user, argument):
        return None
    return User.objects.filter(is_active=True).order_by("last_name", "first_name", "username")


# --- Certificates and planned dates -------------------------------------------------------------------------------


def with_certificates(certifications: models.QuerySet[Certification]) -> models.QuerySet[Certification]:
    """``certifications`` with their certificates, categories and conditions prefetched (for ``expires_on``)."""
    return certifications.prefetch_related(
        Prefetch("certificates", queryset=Certificate.objects.order_by("-valid_from", "-pk")),
        "categories",
        "conditions",
    )


def latest_certificates(certifications: Iterable[Certification]) -> dict[int, Certificate]:
    """The latest certificate of each certification, in one query."""
    ids = [c.pk for c in certifications]
    latest: dict[int, Certificate] = {}
    for certificate in Certificate.objects.filter(certification__in=ids).order_by(
        "certification_id", "valid_from", "pk"
    ):
        latest[certificate.certification_id] = certificate
    return latest


def next_audit_date(certification: Certification, after: datetime.date) -> datetime.date | None:
    """When the next audit of ``certification`` falls after ``after``: a planned audit if any, else the end of
    the surveillance window of its latest certificate (unless an audit already took place in it), else that
    certificate's expiry (its renewal audit comes before)."""
    from certifications.services.register import surveillance_window

    planned = (
        certification.audits.filter(start_date__gt=after)
        .order_by("start_date")
        .values_list("start_date", flat=True)
        .first()
    )
    if planned:
        return planned
    latest = certification.certificates.order_by("-valid_from", "-pk").first()
    if latest is None:
        return None
    window = surveillance_window(latest)
    if (
        window
        and window[1] > after
        and not certification.audits.filter(start_date__gte=window[0], start_date__lte=window[1]).exists()
    ):
        return window[1]
    return latest.valid_until if latest.valid_until > after else None


@dataclass
class CalendarEvent:
    """A date of the calendar: an expiry, an audit, a surveillance window, a finding's due date."""

    date: datetime.date
    kind: str
    label: str
    certification: Certification | None = None
    url: str = ""
    end: datetime.date | None = None


def calendar_events(user, start: datetime.date, end: datetime.date) -> list[CalendarEvent]:
    """Every expiry, audit and surveillance window of the certifications ``user`` sees, from ``start`` to ``end``."""
    from certifications.services.register import surveillance_window

    certifications = list(with_certificates(certifications_visible_to(user)))
    events: list[CalendarEvent] = []
    for certification in certifications:
        latest = certification.latest_certificate
        if latest is None:
            continue
        if start <= latest.valid_until <= end:
            events.append(
                CalendarEvent(
                    latest.valid_until,
                    "expiry",
                    _("Certificate expires"),
                    certification,
                    certification.get_absolute_url(),
                )
            )
        window = surveillance_window(latest)
        if window and window[0] <= end and window[1] >= start:
            events.append(
                CalendarEvent(
                    window[0],
                    "window",
                    _("Surveillance audit window"),
                    certification,
                    certification.get_absolute_url(),
                    window[1],
                )
            )
    audits = audits_visible_to(user).filter(start_date__lte=end, end_date__gte=start)
    for audit in audits:
        events.append(
            CalendarEvent(
                audit.start_date, "audit", audit.title, audit.certification, audit.get_absolute_url(), audit.end_date
            )
        )
    return sorted(events, key=lambda event: (event.date, event.kind, event.label))


# --- For reminders ------------------------------------------------------------------------------------------------


def certificates_expiring_between(start: datetime.date, end: datetime.date) -> list[Certificate]:
    """The latest certificates of active certifications that end from ``start`` to ``end``."""
    certifications = Certification.objects.filter(status__in=ACTIVE_CERTIFICATION_STATUSES)
    latest = latest_certificates(certifications)
    found = [c for c in latest.values() if start <= c.valid_until <= end]
    by_id = {c.pk: c for c in certifications.select_related("owner", "holder", "framework")}
    for certificate in found:
        certificate.certification = by_id[certificate.certification_id]
    return sorted(found, key=lambda c: (c.valid_until, c.pk))


def audits_starting_between(start: datetime.date, end: datetime.date) -> models.QuerySet[Audit]:
    """Audits not closed whose first day falls from ``start`` to ``end``."""
    return (
        Audit.objects.exclude(status=AuditStatus.CLOSED)
        .filter(start_date__gte=start, start_date__lte=end)
        .select_related("certification", "certification__owner", "lead_auditor", "programme__owner")
        .order_by("start_date", "pk")
    )


@dataclass(frozen=True)
class FindingDue:
    finding: Finding
    kind: str  # a FindingDate value
    date: datetime.date


def finding_dates_due_between(start: datetime.date, end: datetime.date) -> list[FindingDue]:
    """The action plan, implementation and verification dates of open findings that fall from ``start`` to
    ``end``, nearest first."""
    query = Q()
    for name in FindingDate.values:
        query |= Q(**{f"{name}__gte": start, f"{name}__lte": end})
    findings = (
        Finding.objects.exclude(status__in=["", FindingStatus.CLOSED])
        .filter(query)
        .select_related("audit", "audit__certification", "audit__certification__owner", "grade")
    )
    due = []
    for finding in findings:
        for name in FindingDate.values:
            value = getattr(finding, name)
            if value and start <= value <= end:
                due.append(FindingDue(finding, name, value))
    return sorted(due, key=lambda item: (item.date, item.finding.pk, item.kind))


# --- Findings and their actions -----------------------------------------------------------------------------------


def finding_default_unit(finding: Finding) -> OrgUnit | None:
    """Whose continuous-improvement plan receives a finding's actions by default (the sources registry): the
    certification's holder, else the first audited unit."""
    audit = finding.audit
    if audit.certification_id:
        return audit.certification.holder
    return audit.audited_units.order_by("path").first()


def finding_actions(finding: Finding) -> list[Action]:
    """The actions that answer ``finding`` (follow-ups included, since they inherit their sources), with their
    effectiveness checks and the follow-ups those started."""
    checks = EffectivenessCheck.objects.select_related("follow_up").order_by("checked_on", "pk")
    return list(actions_for_source(finding).prefetch_related(Prefetch("effectiveness_checks", queryset=checks)))


def _answered(action: Action, seen: set[int]) -> str | None:
    """None when ``action`` is done and proved effective (or its follow-up did); else why not."""
    if action.pk in seen:
        return None
    seen.add(action.pk)
    if action.status != ActionStatus.DONE:
        return _("Action %(reference)s is not done yet.") % {"reference": action.reference}
    checks = sorted(action.effectiveness_checks.all(), key=lambda check: (check.checked_on, check.pk))
    if not checks:
        return _("The effectiveness of action %(reference)s has not been checked yet.") % {
            "reference": action.reference
        }
    last = checks[-1]
    if last.result == EffectivenessResult.EFFECTIVE:
        return None
    if last.follow_up is not None:
        return _answered(last.follow_up, seen)
    return _("Action %(reference)s was not effective: start a follow-up action.") % {"reference": action.reference}


def finding_closing_blockers(finding: Finding) -> list[str]:
    """Why ``finding`` cannot close yet: every action answering it, follow-ups included, must be done and checked
    effective. Empty when it may close."""
    actions = [action for action in finding_actions(finding) if action.status != ActionStatus.CANCELLED]
    if not actions:
        return [_("Link an action to this finding first.")]
    seen: set[int] = set()
    return [reason for action in actions if (reason := _answered(action, seen))]


def open_nonconformities(
    unit_ids: list[int] | None = None, at: datetime.date | None = None
) -> models.QuerySet[Finding]:
    """Non-conformities recorded by ``at`` and not closed by then, of certifications held in ``unit_ids``."""
    at = at or timezone.localdate()
    findings = Finding.objects.filter(grade__kind__in=NONCONFORMITY_KINDS, created_at__date__lte=at).filter(
        Q(closed_on__isnull=True) | Q(closed_on__gt=at)
    )
    if unit_ids is not None:
        findings = findings.filter(
            Q(audit__certification__holder__in=unit_ids) | Q(audit__audited_units__in=unit_ids)
        ).distinct()
    return findings


# --- The compliance matrix ----------------------------------------------------------------------------------------


def readiness_of(statuses: Iterable[str]) -> Decimal | None:
    """The readiness of leaves with these statuses, in percent (0.1): compliant 1, partially 0.5, non-compliant
    and not assessed 0; not applicable left out. None when no leaf counts."""
    scores = [SCORES[status] for status in statuses if status != ComplianceStatus.NOT_APPLICABLE]
    if not scores:
        return None
    value = sum(scores, Decimal(0)) / Decimal(len(scores)) * 100
    return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass
class LiveFigure:
    """One piece of live evidence computed now (or frozen in a snapshot)."""

    kind: str
    key: str
    label: str
    available: bool
    value: Decimal | None = None
    unit: str = ""
    count: int | None = None
    url: str = ""

    def as_json(self) -> dict:
        return {
            "kind": self.kind,
            "key": self.key,
            "label": self.label,
            "available": self.available,
            "value": str(self.value) if self.value is not None else None,
            "unit": self.unit,
            "count": self.count,
            "url": self.url,
        }


def evidence_period(today: datetime.date | None = None) -> Period:
    """The period live evidence covers: the twelve months up to today."""
    today = today or timezone.localdate()
    return Period(today - relativedelta(years=1) + datetime.timedelta(days=1), today)


def certification_unit_ids(certification: Certification) -> list[int] | None:
    """The scope of a certification's figures: its holder unit and sub-units (None: the whole institution)."""
    if certification.holder.parent_id is None:
        return None
    return metrics.expand_units([certification.holder_id])


def compute_live(item: LiveEvidence, period: Period, unit_ids: list[int] | None) -> LiveFigure:
    """A live evidence item's figure: a metric's value or a named list's count and link, or "unavailable" when
    no app registers that key (the surveys before their app exists, say)."""
    label = item.label
    if item.kind == LiveEvidenceKind.METRIC:
        if item.key not in metrics.registry:
            return LiveFigure(item.kind, item.key, label, available=False)
        metric = metrics.registry.get(item.key)
        value = metric.compute(period, unit_ids)
        return LiveFigure(
            item.kind,
            item.key,
            label or str(metric.label),
            available=True,
            value=value.value if value is not None else None,
            unit="%" if metric.unit == metrics.MetricUnit.PERCENT else "",
        )
    if item.key not in named_lists.registry:
        return LiveFigure(item.kind, item.key, label, available=False)
    named = named_lists.registry.get(item.key)
    figure = named.compute(period, unit_ids)
    return LiveFigure(
        item.kind,
        item.key,
        label or str(named.title),
        available=True,
        count=figure.count if figure is not None else None,
        url=figure.url if figure is not None else "",
    )


@dataclass
class MatrixRow:
    """A node of the matrix: a heading (criterion …) or an applicable leaf with its assessment and evidence."""

    requirement: Requirement
    assessment: Assessment | None = None
    evidence: list[Evidence] = field(default_factory=list)
    live: list[LiveFigure] = field(default_factory=list)
    old_evidence: int = 0
    obsolete_evidence: int = 0
    readiness: Decimal | None = None  # headings: the mean over their applicable leaves
    leaves: int = 0
    not_assessed: int = 0

    @property
    def is_leaf(self) -> bool:
        return self.requirement.is_leaf

    @property
    def status(self) -> str:
        return self.assessment.status if self.assessment else ComplianceStatus.NOT_ASSESSED

    @property
    def status_label(self) -> str:
        return str(ComplianceStatus(self.status).label)

    @property
    def badge(self) -> str:
        from certifications.choices import COMPLIANCE_BADGES

        return COMPLIANCE_BADGES.get(self.status, "light")

    @property
    def flagged(self) -> bool:
        return bool(self.old_evidence or self.obsolete_evidence)


@dataclass
class Matrix:
    """A certification's compliance matrix, with readiness by criterion and overall (over leaves only)."""

    certification: Certification
    framework: Framework
    rows: list[MatrixRow]
    criteria: list[MatrixRow]
    readiness: Decimal | None
    leaves: int
    not_assessed: int
    counts: dict[str, int]
    period: Period

    @property
    def leaf_rows(self) -> list[MatrixRow]:
        return [row for row in self.rows if row.is_leaf]

    @property
    def flagged(self) -> int:
        return sum(1 for row in self.rows if row.flagged)


def applicable(requirement: Requirement, category_ids: set[int], condition_ids: set[int]) -> bool:
    """Whether a leaf applies to a certification with these categories and declared conditions. A requirement
    tied to categories applies when the certification holds one of them (a certification that declares no
    category is not narrowed); one tied to a condition applies when that condition is declared. A new entrant
    drops nothing."""
    requirement_categories = {category.pk for category in requirement.categories.all()}
    if requirement_categories and category_ids and not requirement_categories & category_ids:
        return False
    return not (requirement.condition_id and requirement.condition_id not in condition_ids)


def compliance_matrix(
    certification: Certification,
    *,
    today: datetime.date | None = None,
    with_live: bool = True,
) -> Matrix:
    """The matrix of ``certification`` against its framework version, in a fixed number of queries whatever the
    number of requirements: the tree, the assessments, the evidence and the live evidence items."""
    today = today or timezone.localdate()
    framework = certification.framework
    category_ids = {category.pk for category in certification.categories.all()}
    condition_ids = {condition.pk for condition in certification.conditions.all()}
    requirements = list(
        framework.requirements.select_related("condition")
        .prefetch_related("categories", Prefetch("live_evidence", queryset=LiveEvidence.objects.order_by("position")))
        .order_by("position")
    )
    assessments = {
        a.requirement_id: a
        for a in Assessment.objects.filter(certification=certification, requirement__framework=framework)
        .select_related("owner", "reviewed_by")
        .prefetch_related(
            Prefetch(
                "evidence",
                queryset=Evidence.objects.select_related("document_version__document").order_by("-dated", "pk"),
            )
        )
    }
    max_age = CertificationSettings.get().evidence_max_age_months
    period = evidence_period(today)
    unit_ids = certification_unit_ids(certification) if with_live else None
    by_pk = {r.pk: r for r in requirements}
    rows: dict[int, MatrixRow] = {}
    leaf_statuses: dict[int, list[str]] = {}  # heading pk -> statuses of its applicable leaves
    for requirement in requirements:
        if requirement.is_leaf and not applicable(requirement, category_ids, condition_ids):
            continue
        row = MatrixRow(requirement=requirement)
        if requirement.is_leaf:
            row.assessment = assessments.get(requirement.pk)
            row.evidence = list(row.assessment.evidence.all()) if row.assessment else []
            row.old_evidence = sum(1 for e in row.evidence if e.is_old(max_age, today))
            row.obsolete_evidence = sum(1 for e in row.evidence if e.is_obsolete)
            ancestor = by_pk.get(requirement.parent_id)
            while ancestor is not None:
                leaf_statuses.setdefault(ancestor.pk, []).append(row.status)
                ancestor = by_pk.get(ancestor.parent_id)
        if with_live:
            row.live = [compute_live(item, period, unit_ids) for item in requirement.live_evidence.all()]
        rows[requirement.pk] = row
    # Headings with no applicable leaf under them are dropped.
    ordered = [row for row in rows.values() if row.is_leaf or row.requirement.pk in leaf_statuses]
    for row in ordered:
        if not row.is_leaf:
            statuses = leaf_statuses[row.requirement.pk]
            row.readiness = readiness_of(statuses)
            row.leaves = sum(1 for s in statuses if s != ComplianceStatus.NOT_APPLICABLE)
            row.not_assessed = sum(1 for s in statuses if s == ComplianceStatus.NOT_ASSESSED)
    leaves = [row for row in ordered if row.is_leaf]
    statuses = [row.status for row in leaves]
    criteria = []
    for row in ordered:
        if row.requirement.depth == 0:
            if row.is_leaf:
                # A flat framework: each top-level leaf is its own criterion.
                row.readiness = readiness_of([row.status])
                row.leaves = int(row.status != ComplianceStatus.NOT_APPLICABLE)
                row.not_assessed = int(row.status == ComplianceStatus.NOT_ASSESSED)
            criteria.append(row)
    counts = dict.fromkeys(ComplianceStatus.values, 0)
    for status in statuses:
        counts[status] += 1
    return Matrix(
        certification=certification,
        framework=framework,
        rows=ordered,
        criteria=criteria,
        readiness=readiness_of(statuses),
        leaves=sum(1 for s in statuses if s != ComplianceStatus.NOT_APPLICABLE),
        not_assessed=counts[ComplianceStatus.NOT_ASSESSED],
        counts=counts,
        period=period,
    )


def certification_detail(user, pk: int) -> Certification:
    """One certification visible to ``user``, with its certificates, categories and conditions prefetched.
    Raises ``Certification.DoesNotExist`` out of scope."""
    return with_certificates(certifications_visible_to(user)).get(pk=pk)


def snapshots_of(certification: Certification) -> models.QuerySet[AssessmentSnapshot]:
    return certification.snapshots.select_related("taken_by", "audit", "framework").order_by("taken_at", "pk")


def evidence_visible_to(user) -> models.QuerySet[Evidence]:
    """Evidence of the certifications ``user`` may open."""
    return Evidence.objects.filter(assessment__certification__in=certifications_visible_to(user).values("pk"))


def certification_readiness(certification: Certification, at: datetime.date | None = None) -> Decimal | None:
    """Readiness at ``at`` (today by default): from the latest snapshot taken by then when one exists, else
    from the matrix as it is now."""
    at = at or timezone.localdate()
    snapshot = (
        certification.snapshots.filter(taken_at__date__lte=at).order_by("-taken_at", "-pk").only("readiness").first()
    )
    if snapshot is not None:
        return snapshot.readiness
    return compliance_matrix(certification, today=at, with_live=False).readiness


def public_certifications(today: datetime.date | None = None) -> list[Certification]:
    """What the public page lists: certified certifications shown publicly, whose latest certificate is valid."""
    today = today or timezone.localdate()
    certifications = with_certificates(
        Certification.objects.filter(status=CertificationStatus.CERTIFIED, show_on_public_page=True).select_related(
            "framework", "holder"
        )
    ).order_by("name")
    current = []
    for certification in certifications:
        latest = certification.latest_certificate
        if latest is not None and latest.valid_from <= today <= latest.valid_until:
            current.append(certification)
    return current

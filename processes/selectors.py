"""Reads of the process map, shared by views, tasks, reports, the reminders and the dashboard.

Who sees what is written once in ``processes.permissions``; the querysets here apply it.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from processes.choices import (
    DocumentOrigin,
    IndicatorSource,
    ProcessType,
    ReviewStatus,
    RiskScore,
    VersionStatus,
)
from processes.models import (
    Document,
    DocumentVersion,
    Indicator,
    Measurement,
    Process,
    ProcessMapSettings,
    ProcessReview,
    ReadConfirmation,
    ReviewDecision,
    Risk,
)
from processes.periods import period_label, periods_to_measure
from processes.permissions import (
    can_edit_process,
    editable_process_q,
    readable_process_q,
    signed_in,
)
from qms.core.choices import MembershipRole
from qms.core.metrics import Period
from qms.core.models import Membership, OrgUnit, User
from qms.core.search import search
from qms.core.selectors import granted_ids, sees_everything

# How far back a measurement not entered is still listed as due.
DUE_WINDOW = datetime.timedelta(days=400)


def map_settings() -> ProcessMapSettings:
    """The process map's settings in force (cached)."""
    return ProcessMapSettings.get()


# --- Processes --------------------------------------------------------------------------------------------------


def _narrow(queryset: QuerySet, query: Q | None) -> QuerySet:
    """``queryset`` narrowed by ``query`` (None: untouched) without duplicates from many-to-many joins."""
    if query is None:
        return queryset
    return queryset.filter(pk__in=queryset.model._default_manager.filter(query).values("pk"))


def processes_visible_to(user) -> QuerySet[Process]:
    """The processes ``user`` may open."""
    processes = Process.objects.select_related("owner", "org_unit", "parent")
    if not signed_in(user):
        return processes.none()
    return _narrow(processes, readable_process_q(user))


def processes_editable_by(user) -> QuerySet[Process]:
    processes = Process.objects.select_related("owner", "org_unit")
    if not signed_in(user):
        return processes.none()
    return _narrow(processes, editable_process_q(user))


def process_list(processes: QuerySet[Process]) -> QuerySet[Process]:
    """``processes`` with what the list shows: counts of indicators, current threats and documents."""
    return processes.annotate(
        indicator_count=Count("indicators", filter=Q(indicators__is_active=True), distinct=True),
        risk_count=Count("risks", filter=Q(risks__is_archived=False, risks__kind="risk"), distinct=True),
        document_count=Count("documents", filter=Q(documents__is_active=True), distinct=True),
    )


@dataclass
class MapBox:
    """One process on the map: a link for those who may open it."""

    process: Process
    url: str | None


@dataclass
class ProcessMap:
    management: list[MapBox] = field(default_factory=list)
    operational: list[MapBox] = field(default_factory=list)
    support: list[MapBox] = field(default_factory=list)

    @property
    def bands(self) -> list[tuple[str, list[MapBox]]]:
        return [
            (ProcessType.MANAGEMENT, self.management),
            (ProcessType.OPERATIONAL, self.operational),
            (ProcessType.SUPPORT, self.support),
        ]

    @property
    def is_empty(self) -> bool:
        return not (self.management or self.operational or self.support)


def process_map(user) -> ProcessMap:
    """The institution's map: every active process in its band, linked for those who may open it (two queries)."""
    readable = set(processes_visible_to(user).values_list("pk", flat=True))
    result = ProcessMap()
    for process in Process.objects.filter(is_active=True, parent__isnull=True).select_related("owner").order_by("code"):
        box = MapBox(process, process.get_absolute_url() if process.pk in readable else None)
        getattr(result, process.type, result.support).append(box)
    return result


def process_detail(user, pk: int) -> Process:
    """One process the user may open, with its people and neighbours loaded; ``Process.DoesNotExist`` otherwise."""
    return (
        processes_visible_to(user)
        .select_related("owner", "org_unit", "parent")
        .prefetch_related("deputies", "children", "related_processes")
        .get(pk=pk)
    )


# --- Indicators ---------------------------------------------------------------------------------------------------


def indicators_visible_to(user) -> QuerySet[Indicator]:
    indicators = Indicator.objects.select_related("process", "owner", "process__owner", "org_unit")
    if not signed_in(user):
        return indicators.none()
    query = readable_process_q(user)
    if query is None:
        return indicators
    return indicators.filter(Q(process__in=Process.objects.filter(query).values("pk")) | Q(owner=user))


def indicator_measurements(indicator: Indicator) -> list[Measurement]:
    return list(indicator.measurements.select_related("entered_by").order_by("period_start"))


# --- Measurements due (the "to enter" list, and the reminders) ------------------------------------------------------


@dataclass(frozen=True)
class DueMeasurement:
    """A manual indicator's period that has closed without its measurement: who must enter it, and by when."""

    indicator: Indicator
    period: Period
    due_on: datetime.date
    responsible: User | None

    @property
    def label(self) -> str:
        return period_label(self.indicator.frequency, self.period)

    def is_overdue(self, today: datetime.date) -> bool:
        return self.due_on < today


def _due_measurements(indicators: Iterable[Indicator], today: datetime.date, grace: int) -> list[DueMeasurement]:
    """Every closed period of ``indicators`` (since their tracking started, ended a year back at most) with no
    measurement. ``indicators`` come with ``measured`` (their periods' starts) prefetched."""
    due = []
    for indicator in indicators:
        tracked_from = indicator.tracked_from or indicator.created_at.date()
        measured = {m.period_start for m in indicator.measured}
        periods = periods_to_measure(indicator.frequency, tracked_from=tracked_from, today=today, window=DUE_WINDOW)
        for period in periods:
            if period.start not in measured:
                due_on = period.end + datetime.timedelta(days=grace)
                due.append(DueMeasurement(indicator, period, due_on, indicator.responsible))
    return due


def _manual_indicators() -> QuerySet[Indicator]:
    return (
        Indicator.objects.filter(is_active=True, source=IndicatorSource.MANUAL, process__is_active=True)
        .select_related("process", "process__owner", "owner")
        .prefetch_related(
            Prefetch(
                "measurements",
                queryset=Measurement.objects.only("pk", "indicator_id", "period_start"),
                to_attr="measured",
            )
        )
    )


def measurements_due_between(start: datetime.date, end: datetime.date) -> list[DueMeasurement]:
    """The measurements of manual indicators falling due from ``start`` to ``end`` (both included) and not yet
    entered, with the person responsible for each (the indicator's owner, else the process owner)."""
    grace = map_settings().measurement_grace_days
    # The periods due by ``end`` are those that closed by ``end`` less the grace period.
    closed_before = end + datetime.timedelta(days=1) - datetime.timedelta(days=grace)
    items = _due_measurements(_manual_indicators(), closed_before, grace)
    return sorted((d for d in items if start <= d.due_on <= end), key=lambda d: (d.due_on, d.indicator.pk))


def measurements_due_for(user, *, today: datetime.date | None = None, horizon_days: int = 30) -> list[DueMeasurement]:
    """What ``user`` must enter: the closed periods of their indicators (or their processes' indicators without an
    owner) still without a measurement, overdue ones included, due within ``horizon_days``."""
    if not signed_in(user):
        return []
    today = today or timezone.localdate()
    grace = map_settings().measurement_grace_days
    indicators = _manual_indicators().filter(Q(owner=user) | Q(owner__isnull=True, process__owner=user))
    horizon = today + datetime.timedelta(days=horizon_days)
    items = _due_measurements(indicators, today, grace)
    return sorted((d for d in items if d.due_on <= horizon), key=lambda d: (d.due_on, d.indicator.pk))


def all_measurements_due(*, today: datetime.date | None = None) -> list[DueMeasurement]:
    """Every measurement due and not entered, whoever answers for it (for the quality officers' view)."""
    today = today or timezone.localdate()
    grace = map_settings().measurement_grace_days
    items = _due_measurements(_manual_indicators(), today, grace)
    return sorted(items, key=lambda d: (d.due_on, d.indicator.pk))


# --- Risks ----------------------------------------------------------------------------------------------------------


def risks_visible_to(user) -> QuerySet[Risk]:
    risks = Risk.objects.select_related("process", "process__owner")
    if not signed_in(user):
        return risks.none()
    query = readable_process_q(user)
    return risks if query is None else risks.filter(process__in=Process.objects.filter(query).values("pk"))


def risk_detail(user, pk: int) -> Risk:
    return risks_visible_to(user).get(pk=pk)


# --- Reviews --------------------------------------------------------------------------------------------------------


def reviews_visible_to(user) -> QuerySet[ProcessReview]:
    reviews = ProcessReview.objects.select_related("process", "process__owner", "created_by")
    if not signed_in(user):
        return reviews.none()
    query = readable_process_q(user)
    return reviews if query is None else reviews.filter(process__in=Process.objects.filter(query).values("pk"))


def review_detail(user, pk: int) -> ProcessReview:
    return (
        reviews_visible_to(user)
        .prefetch_related(
            Prefetch("decisions", queryset=ReviewDecision.objects.select_related("owner").order_by("position", "pk"))
        )
        .get(pk=pk)
    )


def last_held_review(process: Process) -> ProcessReview | None:
    return process.reviews.filter(status=ReviewStatus.HELD).order_by("-held_on", "-pk").first()


def previous_review(review: ProcessReview) -> ProcessReview | None:
    """The held review before ``review``: the one whose decisions it follows up."""
    return (
        ProcessReview.objects.filter(process=review.process_id, status=ReviewStatus.HELD, held_on__lt=review.held_on)
        .exclude(pk=review.pk)
        .prefetch_related(
            Prefetch(
                "decisions",
                queryset=ReviewDecision.objects.select_related("owner", "review__process").order_by("position"),
            )
        )
        .order_by("-held_on", "-pk")
        .first()
    )


def decisions_visible_to(user) -> QuerySet[ReviewDecision]:
    decisions = ReviewDecision.objects.select_related("review", "review__process")
    if not signed_in(user):
        return decisions.none()
    query = readable_process_q(user)
    if query is None:
        return decisions
    return decisions.filter(review__process__in=Process.objects.filter(query).values("pk"))


# --- Documents -----------------------------------------------------------------------------------------------------


def _approved_versions() -> Prefetch:
    return Prefetch(
        "versions",
        queryset=DocumentVersion.objects.filter(status=VersionStatus.APPROVED).select_related("approver"),
        to_attr="approved",
    )


def documents_visible_to(user) -> QuerySet[Document]:
    """The documents ``user`` may open: their process's readers, their owner, whoever edits the process, grant
    holders and the people a version was sent to."""
    documents = Document.objects.select_related("process", "owner")
    if not signed_in(user):
        return documents.none()
    if sees_everything(user) and user.has_perm("processes.view_document"):
        return documents
    query = Q(owner=user) | Q(Exists(ReadConfirmation.objects.filter(version__document=OuterRef("pk"), user=user)))
    grants = granted_ids(user, Document)
    if grants:
        query |= Q(pk__in=grants)
    editable = editable_process_q(user)
    if editable is None:
        return documents
    query |= Q(process__in=Process.objects.filter(editable).values("pk"))
    if user.has_perm("processes.view_document"):
        readable = readable_process_q(user)
        if readable is None:
            return documents
        query |= Q(process__in=Process.objects.filter(readable).values("pk"))
    return documents.filter(query)


def document_list(documents: QuerySet[Document]) -> QuerySet[Document]:
    """``documents`` with their approved version loaded (as ``approved``, a list of at most one)."""
    return documents.prefetch_related(_approved_versions())


def document_detail(user, pk: int) -> Document:
    return (
        documents_visible_to(user)
        .prefetch_related(
            Prefetch(
                "versions",
                queryset=DocumentVersion.objects.select_related("author", "reviewer", "approver").order_by(
                    "-created_at", "-pk"
                ),
            )
        )
        .get(pk=pk)
    )


def read_confirmations(version: DocumentVersion) -> list[ReadConfirmation]:
    return list(version.read_confirmations.select_related("user").order_by("confirmed_at", "user__last_name"))


def pending_confirmation(user, version: DocumentVersion) -> ReadConfirmation | None:
    if not signed_in(user):
        return None
    return version.read_confirmations.filter(user=user, confirmed_at__isnull=True).first()


def my_pending_reads(user) -> QuerySet[ReadConfirmation]:
    """The approved versions sent to ``user`` that they have not confirmed reading yet."""
    if not signed_in(user):
        return ReadConfirmation.objects.none()
    return ReadConfirmation.objects.filter(
        user=user, confirmed_at__isnull=True, version__status=VersionStatus.APPROVED
    ).select_related("version__document")


@dataclass
class LibrarySection:
    process: Process | None
    internal: list[Document] = field(default_factory=list)
    external: list[Document] = field(default_factory=list)


def library(text: str = "") -> list[LibrarySection]:
    """The current approved documents of the staff library, by process, internal and external apart; ``text``
    narrows them (any case, any accents)."""
    documents = (
        Document.objects.filter(is_active=True, in_library=True, versions__status=VersionStatus.APPROVED)
        .select_related("process")
        .prefetch_related(_approved_versions())
        .order_by("process__code", "reference")
        .distinct()
    )
    if text.strip():
        documents = search(documents, text, ("reference", "title", "issuer", "process__name", "process__code"))
    sections: dict[int | None, LibrarySection] = {}
    for document in documents:
        section = sections.setdefault(document.process_id, LibrarySection(document.process))
        (section.external if document.origin == DocumentOrigin.EXTERNAL else section.internal).append(document)
    # Documents of no process last.
    return sorted(sections.values(), key=lambda s: (s.process is None, s.process.code if s.process else ""))


# --- Documents due for review (the reminders) ------------------------------------------------------------------------


@dataclass(frozen=True)
class DueReview:
    document: Document
    due_on: datetime.date
    responsible: User | None


def _due_reviews(documents: QuerySet[Document]) -> list[DueReview]:
    return [
        DueReview(
            document, document.next_review_on, document.owner or (document.process.owner if document.process else None)
        )
        for document in documents
    ]


def documents_due_for_review_between(start: datetime.date, end: datetime.date) -> list[DueReview]:
    """Active documents whose review falls from ``start`` to ``end``, with the person responsible for each (the
    document's owner, else its process owner)."""
    documents = (
        Document.objects.filter(is_active=True, next_review_on__gte=start, next_review_on__lte=end)
        .select_related("owner", "process", "process__owner")
        .order_by("next_review_on", "reference")
    )
    return _due_reviews(documents)


def documents_due_for_review_for(
    user, *, today: datetime.date | None = None, horizon_days: int = 60
) -> list[DueReview]:
    """The documents ``user`` answers for whose review is overdue or falls within ``horizon_days``."""
    if not signed_in(user):
        return []
    today = today or timezone.localdate()
    documents = (
        Document.objects.filter(is_active=True, next_review_on__lte=today + datetime.timedelta(days=horizon_days))
        .filter(Q(owner=user) | Q(owner__isnull=True, process__owner=user))
        .select_related("owner", "process", "process__owner")
        .order_by("next_review_on", "reference")
    )
    return _due_reviews(documents)


# --- The quality referents network ----------------------------------------------------------------------------------


@dataclass
class ReferentUnit:
    unit: OrgUnit
    referents: list[User]
    processes: list[Process]


def referents_network() -> list[ReferentUnit]:
    """Every active unit with quality referents (from memberships), their contact details and the unit's processes,
    in the tree's order: three queries whatever the size of the institution."""
    memberships = (
        Membership.objects.filter(role=MembershipRole.QUALITY_REFERENT, user__is_active=True, org_unit__is_active=True)
        .select_related("user", "org_unit")
        .order_by("org_unit__path", "user__last_name", "user__first_name")
    )
    by_unit: dict[int, ReferentUnit] = {}
    for membership in memberships:
        entry = by_unit.setdefault(membership.org_unit_id, ReferentUnit(membership.org_unit, [], []))
        entry.referents.append(membership.user)
    processes: dict[int, list[Process]] = defaultdict(list)
    for process in Process.objects.filter(is_active=True, org_unit__in=list(by_unit)).order_by("code"):
        processes[process.org_unit_id].append(process)
    for unit_id, entry in by_unit.items():
        entry.processes = processes.get(unit_id, [])
    return list(by_unit.values())


def user_can_edit_any(user, processes: Iterable[Process]) -> dict[int, bool]:
    return {process.pk: can_edit_process(user, process) for process in processes}


# --- The process sheet -------------------------------------------------------------------------------------------


@dataclass
class ProcessSheet:
    """Everything about a process, for its page and its PDF, read in a fixed number of queries."""

    process: Process
    settings: ProcessMapSettings
    indicators: list
    risks: list
    opportunities: list
    gross_map: SafeString
    residual_map: SafeString
    documents: list[Document]
    last_review: ProcessReview | None
    reviews: list[ProcessReview]


def heat_map_link(score: str, process: Process | None = None):
    """The address of a heat-map cell: the register narrowed to that cell's risks."""
    base = reverse("processes:risk-list")

    def link(likelihood: int, severity: int) -> str:
        query = {"kind": "risk", "score": score, "likelihood": likelihood, "severity": severity}
        if process is not None:
            query["process"] = process.pk
        return f"{base}?{urlencode(query)}"

    return link


def process_sheet(process: Process) -> ProcessSheet:
    from processes import heatmap, trends

    settings = map_settings()
    indicators = trends.indicator_rows(
        trends.with_latest(process.indicators.filter(is_active=True).select_related("owner").order_by("name"))
    )
    risks = list(process.risks.current().order_by("reference"))
    rows = heatmap.risk_rows(risks, settings)
    threats = [row for row in rows if not row.risk.is_opportunity]
    current = Risk.objects.filter(process=process)
    maps = {
        score: heatmap.heat_map_svg(
            heatmap.heat_counts(current, score),
            title=_("Threats of %(process)s — %(score)s") % {"process": process.code, "score": RiskScore(score).label},
            settings=settings,
            link=heat_map_link(score, process),
        )
        for score in (RiskScore.GROSS, RiskScore.RESIDUAL)
    }
    documents = list(
        document_list(process.documents.filter(is_active=True).select_related("owner")).order_by("reference")
    )
    reviews = list(process.reviews.select_related("created_by").order_by("-held_on", "-pk")[:5])
    last_review = next((review for review in reviews if review.status == ReviewStatus.HELD), None)
    return ProcessSheet(
        process=process,
        settings=settings,
        indicators=indicators,
        risks=threats,
        opportunities=[row for row in rows if row.risk.is_opportunity],
        gross_map=maps[RiskScore.GROSS],
        residual_map=maps[RiskScore.RESIDUAL],
        documents=documents,
        last_review=last_review,
        reviews=reviews,
    )


def version_histories(versions: Iterable[DocumentVersion]) -> dict[int, list]:
    """Each version's status changes (oldest first), for all of them in one query."""
    from django.contrib.contenttypes.models import ContentType

    from qms.core.models import StatusChange

    versions = list(versions)
    histories: dict[int, list] = {version.pk: [] for version in versions}
    if not versions:
        return histories
    changes = StatusChange.objects.filter(
        content_type=ContentType.objects.get_for_model(DocumentVersion), object_id__in=list(histories)
    ).select_related("by")
    for change in changes.order_by("at", "pk"):
        histories[change.object_id].append(change)
    return histories


# --- The people picker ------------------------------------------------------------------------------------------------

PEOPLE_SCOPE = "processes.people"


def _people():
    return User.objects.filter(is_active=True).order_by("last_name", "first_name", "username")


def may_pick_people(user, argument: str) -> bool:
    """Whether the form named by ``argument`` is one ``user`` may fill: "process:new", "process:<pk>" (its sheet, its
    indicators, risks and reviews), "indicator:<pk>", "review:<pk>" (its decisions), "document:new",
    "document:<pk>" (its owner, its reviewer, its distribution)."""
    from processes import permissions

    kind, _sep, rest = (argument or "").partition(":")
    if kind == "process" and rest == "new":
        return permissions.can_create_process(user)
    if kind == "document" and rest == "new":
        return permissions.can_create_document(user)
    if not rest.isdigit():
        return False
    model, check = {
        "process": (Process, permissions.can_edit_process),
        "indicator": (Indicator, permissions.can_edit_indicator),
        "review": (ProcessReview, permissions.can_edit_review),
        "document": (Document, permissions.can_edit_document),
    }.get(kind, (None, None))
    if model is None:
        return False
    obj = model.objects.filter(pk=int(rest)).first()
    return obj is not None and check(user, obj)


def people_for_picker(user, argument: str):
    """The people the pickers of the process map offer (owners, deputies, reviewers, readers), to whoever may fill
    that form; None otherwise."""
    return _people() if signed_in(user) and may_pick_people(user, argument) else None

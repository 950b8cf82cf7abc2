"""The reads behind the helpdesk's figures: the statistics page, its CSV export and the registered metrics.

Rules shared by every figure:

- spam and duplicates are left out;
- sensitive requests count in the institution's totals only: as soon as units are asked for, they are left out,
  and a breakdown by unit never shows them;
- a period is a range of local days, both ends included;
- a request "reached in progress or a later status" when it was taken in charge, answered or redirected, read
  from its timestamps and its status history, so that a request that has since moved on still counts;
- "answered on time" compares the day of the answer with the stored answer deadline, which the time spent
  waiting for the requester has already pushed back: pauses are excluded.

Counts and ratios are aggregated in the database; only the medians read rows (two columns each), because
working days are counted with the institution's calendar. The number of queries does not grow with the data.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Avg, Count, Exists, F, OuterRef, Q
from django.db.models.functions import TruncDate, TruncMonth
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from complaints.choices import EXCLUDED_FROM_FIGURES, ComplaintKind, ComplaintStatus
from complaints.models import Complaint
from qms.core.calendar import WorkingCalendar
from qms.core.metrics import MetricValue, Period
from qms.core.models import OrgUnit, StatusChange

S = ComplaintStatus
# Reaching one of these means the request was taken in charge (or sent on to the right body).
HANDLED_STATUSES = (S.IN_PROGRESS, S.ANSWERED, S.CLOSED, S.REDIRECTED)
# Ratings of 4 and 5 count as satisfied.
SATISFIED_FROM = 4


# --- Scope ---------------------------------------------------------------------------------------------------
def local_bounds(period: Period) -> tuple[datetime.datetime, datetime.datetime]:
    """The period as aware datetimes [start, end): from the first local midnight to the one after the last day."""
    start = datetime.datetime.combine(period.start, datetime.time.min)
    end = datetime.datetime.combine(period.end + datetime.timedelta(days=1), datetime.time.min)
    return timezone.make_aware(start), timezone.make_aware(end)


def counted_requests(unit_ids: Iterable[int] | None) -> models.QuerySet[Complaint]:
    """The requests that figures count: spam and duplicates out; for units (``unit_ids`` not None, sub-units
    already included), the ordinary requests of those units only."""
    queryset = Complaint.objects.exclude(status__in=EXCLUDED_FROM_FIGURES)
    if unit_ids is None:
        return queryset
    return queryset.filter(is_sensitive=False, org_unit_id__in=list(unit_ids))


def _between(queryset: models.QuerySet, field_name: str, period: Period) -> models.QuerySet:
    start, end = local_bounds(period)
    return queryset.filter(**{f"{field_name}__gte": start, f"{field_name}__lt": end})


def received_in(period: Period, unit_ids: Iterable[int] | None) -> models.QuerySet[Complaint]:
    """The counted requests received in ``period``."""
    return _between(counted_requests(unit_ids), "received_at", period)


def answered_in(period: Period, unit_ids: Iterable[int] | None) -> models.QuerySet[Complaint]:
    """The counted requests whose (last) final answer was given in ``period``. A request reopened since its answer
    is left out until it is answered again: that answer is no longer final, and its deadline has moved on."""
    answered = _between(counted_requests(unit_ids), "answered_at", period)
    return answered.filter(Q(reopened_at__isnull=True) | Q(answered_at__gte=F("reopened_at")))


def rated_in(period: Period, unit_ids: Iterable[int] | None) -> models.QuerySet[Complaint]:
    """The counted requests whose answer was rated in ``period``."""
    return _between(counted_requests(unit_ids), "rated_at", period).filter(rating__isnull=False)


def handled_q() -> Q:
    """Requests that reached "in progress" or a later status (answered, closed, redirected), at any time: read
    from the timestamps that the moves set and from the status history, not only from the current status."""
    history = StatusChange.objects.filter(
        content_type=ContentType.objects.get_for_model(Complaint),
        object_id=OuterRef("pk"),
        to_status__in=HANDLED_STATUSES,
    )
    return (
        Q(taken_in_charge_at__isnull=False)
        | Q(answered_at__isnull=False)
        | Q(status__in=HANDLED_STATUSES)
        | Q(Exists(history))
    )


def on_time_q() -> Q:
    """Answered on or before the stored answer deadline (already pushed back by the paused working days)."""
    return Q(answered_on__isnull=False, answer_due__isnull=False, answered_on__lte=F("answer_due"))


# --- Counts (one query each) --------------------------------------------------------------------------------
def handled_counts(period: Period, unit_ids: Iterable[int] | None) -> tuple[int, int]:
    """(taken in charge, received) for the requests received in ``period``."""
    counts = received_in(period, unit_ids).aggregate(total=Count("pk"), handled=Count("pk", filter=handled_q()))
    return counts["handled"], counts["total"]


def answered_on_time_counts(period: Period, unit_ids: Iterable[int] | None) -> tuple[int, int]:
    """(answered within the deadline, answered) for the requests answered in ``period``."""
    counts = (
        answered_in(period, unit_ids)
        .annotate(answered_on=TruncDate("answered_at"))
        .aggregate(total=Count("pk"), on_time=Count("pk", filter=on_time_q()))
    )
    return counts["on_time"], counts["total"]


@dataclass(frozen=True)
class Satisfaction:
    """The ratings given in a period: how many, how many of 4 or 5, and their mean."""

    satisfied: int
    rated: int
    mean: Decimal | None

    @property
    def share(self) -> MetricValue | None:
        return MetricValue.ratio(self.satisfied, self.rated, mean=self.mean)


def satisfaction_counts(period: Period, unit_ids: Iterable[int] | None) -> Satisfaction:
    counts = rated_in(period, unit_ids).aggregate(
        rated=Count("pk"),
        satisfied=Count("pk", filter=Q(rating__gte=SATISFIED_FROM)),
        mean=Avg("rating"),
    )
    mean = counts["mean"]
    if mean is not None:
        mean = Decimal(str(mean)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return Satisfaction(satisfied=counts["satisfied"], rated=counts["rated"], mean=mean)


# --- Medians in working days --------------------------------------------------------------------------------
def take_charge_days(
    period: Period, unit_ids: Iterable[int] | None, *, calendar: WorkingCalendar | None = None
) -> list[int]:
    """For each request received in ``period`` and taken in charge, the working days from receipt to taking
    in charge."""
    rows = list(
        received_in(period, unit_ids)
        .filter(taken_in_charge_at__isnull=False)
        .values_list("received_at", "taken_in_charge_at")
    )
    calendar = calendar or WorkingCalendar()
    return [calendar.working_days_between(received, taken) for received, taken in rows]


def answer_days(
    period: Period, unit_ids: Iterable[int] | None, *, calendar: WorkingCalendar | None = None
) -> list[int]:
    """For each request answered in ``period``, the working days from the start of its clock to the answer,
    less the working days spent waiting for the requester."""
    rows = list(answered_in(period, unit_ids).values_list("clock_started_on", "answered_at", "paused_days"))
    calendar = calendar or WorkingCalendar()
    return [max(calendar.working_days_between(start, answered) - (paused or 0), 0) for start, answered, paused in rows]


# --- Received, by month and kind, and by unit ----------------------------------------------------------------
def months_of(period: Period) -> list[datetime.date]:
    """The first day of each month that ``period`` touches, in order."""
    months = []
    month = period.start.replace(day=1)
    while month <= period.end:
        months.append(month)
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    return months


def _as_local_date(value: datetime.date | datetime.datetime) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


@dataclass
class MonthRow:
    """The requests received in one month, by kind."""

    month: datetime.date
    counts: dict[str, int]

    @property
    def label(self) -> str:
        return date_format(self.month, "N Y")

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def of(self, kind: str) -> int:
        return self.counts.get(kind, 0)

    @property
    def by_kind(self) -> list[int]:
        """The counts in the order of the kinds (for tables)."""
        return [self.of(kind) for kind in ComplaintKind.values]


def received_by_month_and_kind(period: Period, unit_ids: Iterable[int] | None) -> list[MonthRow]:
    """One row per month of ``period`` (empty months included), with the count of each kind."""
    rows = {month: MonthRow(month, dict.fromkeys(ComplaintKind.values, 0)) for month in months_of(period)}
    counted = (
        received_in(period, unit_ids)
        .annotate(month=TruncMonth("received_at"))
        .order_by()
        .values("month", "kind")
        .annotate(n=Count("pk"))
    )
    for row in counted:
        month = _as_local_date(row["month"]).replace(day=1)
        if month in rows:
            rows[month].counts[row["kind"]] = rows[month].counts.get(row["kind"], 0) + row["n"]
    return list(rows.values())


@dataclass
class UnitRow:
    """The ordinary requests received for one unit (its sub-units included) in the period."""

    label: str
    received: int = 0
    handled: int = 0
    unit: OrgUnit | None = None
    direct: bool = False  # requests given to the unit itself, not to one of its sub-units

    @property
    def handled_rate(self) -> MetricValue | None:
        return MetricValue.ratio(self.handled, self.received)


def _top_units(unit: OrgUnit | None, unit_ids: list[int] | None) -> list[OrgUnit]:
    if unit is not None:
        return [unit]
    if unit_ids is None:
        return list(OrgUnit.objects.filter(parent__isnull=True).order_by("path"))
    units = list(OrgUnit.objects.filter(pk__in=unit_ids).order_by("path"))
    ids = {u.pk for u in units}
    return [u for u in units if u.parent_id not in ids]


def received_by_unit(period: Period, *, unit: OrgUnit | None, unit_ids: list[int] | None) -> list[UnitRow]:
    """A breakdown of the ordinary requests by unit: the sub-units of the unit asked for (or of the top of the
    tree), each with its own sub-units, and the unit itself for the requests given to it directly. Sensitive
    requests are never shown by unit. Requests given no unit have their own row at the institution level."""
    tops = _top_units(unit, unit_ids)
    top_ids = [top.pk for top in tops]
    children = list(OrgUnit.objects.filter(parent_id__in=top_ids).order_by("path")) if top_ids else []
    queryset = received_in(period, unit_ids).filter(is_sensitive=False)
    counts = (
        queryset.order_by().values("org_unit__path").annotate(n=Count("pk"), handled=Count("pk", filter=handled_q()))
    )
    groups: list[UnitRow] = []
    by_path: list[tuple[str, UnitRow]] = []
    for top in tops:
        own_children = [child for child in children if child.parent_id == top.pk]
        for child in own_children:
            row = UnitRow(label=child.name, unit=child)
            groups.append(row)
            by_path.append((child.path, row))
        direct = UnitRow(
            label=_("%(unit)s (directly)") % {"unit": top.name} if own_children else top.name,
            unit=top,
            direct=bool(own_children),
        )
        groups.append(direct)
        by_path.append((top.path, direct))
    # The longest path first, so that a request goes to its deepest matching group.
    by_path.sort(key=lambda item: len(item[0]), reverse=True)
    no_unit = UnitRow(label=_("No unit given"))
    for row in counts:
        path = row["org_unit__path"]
        target = no_unit if not path else next((group for prefix, group in by_path if path.startswith(prefix)), None)
        if target is None:
            continue
        target.received += row["n"]
        target.handled += row["handled"]
    if unit is None and unit_ids is None:
        groups.append(no_unit)
    return [group for group in groups if group.received or not group.direct]


# --- The whole page ----------------------------------------------------------------------------------------
@dataclass
class ComplaintStatistics:
    """Every figure of the statistics page for one period and one scope."""

    period: Period
    unit: OrgUnit | None
    unit_ids: list[int] | None
    months: list[MonthRow]
    received: int
    handled: int
    handled_rate: MetricValue | None
    answered: int
    answered_on_time: int
    answered_on_time_rate: MetricValue | None
    median_take_charge_days: MetricValue | None
    median_answer_days: MetricValue | None
    satisfaction: Satisfaction
    # How many requests each median is taken over.
    taken_in_charge: int = 0
    answers_measured: int = 0
    by_unit: list[UnitRow] = field(default_factory=list)
    # Sensitive requests received in the period: shown only in the institution's totals (None otherwise).
    sensitive: int | None = None

    @property
    def is_institution(self) -> bool:
        return self.unit_ids is None

    @property
    def kinds(self) -> list[tuple[str, str]]:
        return list(ComplaintKind.choices)

    @property
    def kind_totals(self) -> dict[str, int]:
        return {kind: sum(month.of(kind) for month in self.months) for kind in ComplaintKind.values}

    @property
    def satisfaction_rate(self) -> MetricValue | None:
        return self.satisfaction.share


def complaint_statistics(
    *, period: Period, unit: OrgUnit | None = None, unit_ids: list[int] | None = None
) -> ComplaintStatistics:
    """The figures of the statistics page: ``unit_ids`` None counts the whole institution (sensitive requests
    included in the totals); else the ordinary requests of those units (sub-units included)."""
    calendar = WorkingCalendar().preload(period.start, max(period.end, timezone.localdate()))
    received = received_in(period, unit_ids).aggregate(
        total=Count("pk"),
        handled=Count("pk", filter=handled_q()),
        sensitive=Count("pk", filter=Q(is_sensitive=True)),
    )
    on_time, answered = answered_on_time_counts(period, unit_ids)
    to_take_charge = take_charge_days(period, unit_ids, calendar=calendar)
    to_answer = answer_days(period, unit_ids, calendar=calendar)
    return ComplaintStatistics(
        period=period,
        unit=unit,
        unit_ids=unit_ids,
        months=received_by_month_and_kind(period, unit_ids),
        received=received["total"],
        handled=received["handled"],
        handled_rate=MetricValue.ratio(received["handled"], received["total"]),
        answered=answered,
        answered_on_time=on_time,
        answered_on_time_rate=MetricValue.ratio(on_time, answered),
        median_take_charge_days=MetricValue.median(to_take_charge),
        median_answer_days=MetricValue.median(to_answer),
        taken_in_charge=len(to_take_charge),
        answers_measured=len(to_answer),
        satisfaction=satisfaction_counts(period, unit_ids),
        by_unit=received_by_unit(period, unit=unit, unit_ids=unit_ids),
        sensitive=received["sensitive"] if unit_ids is None else None,
    )


def default_period(today: datetime.date | None = None) -> Period:
    """The last twelve months: from the first day of the month eleven months ago to today."""
    today = today or timezone.localdate()
    start = today.replace(day=1)
    for _month in range(11):
        start = (start - datetime.timedelta(days=1)).replace(day=1)
    return Period(start, today)

"""Writes of the process map: processes, indicators and their measurements, risks, reviews, controlled documents.

Every service is keyword-only, runs in one transaction, logs what it did, and raises ``ProcessMapError`` (with a
translated message) when the request does not make sense. Who may call which service is the views' business (see
``processes.permissions``); the services check what must hold whoever calls them.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from processes import emails
from processes.choices import (
    DistributionTargetKind,
    DocumentOrigin,
    ImportKind,
    IndicatorSource,
    MeasurementOrigin,
    ProcessStatus,
    ReviewStatus,
    RiskKind,
    VersionStatus,
)
from processes.files import check_version_file, clean_filename
from processes.models import (
    Distribution,
    DistributionTarget,
    Document,
    DocumentVersion,
    Indicator,
    IndicatorTarget,
    Measurement,
    Process,
    ProcessImport,
    ProcessMapSettings,
    ProcessReview,
    ReadConfirmation,
    ReviewDecision,
    Risk,
)
from processes.periods import period_of, periods_to_measure
from processes.workflows import PROCESS_WORKFLOW, REVIEW_WORKFLOW, VERSION_WORKFLOW
from qms.core import metrics, panels
from qms.core.domain import DomainError
from qms.core.metrics import Direction, Period
from qms.core.models import OrgUnit, User
from qms.core.selectors import role_holders
from qms.core.services import log_activity
from qms.core.workflow import TransitionError, record_status

logger = logging.getLogger(__name__)

# How far back the daily task takes a computed indicator's missing snapshots.
SNAPSHOT_CATCH_UP = datetime.timedelta(days=400)


class ProcessMapError(DomainError):
    """A write of the process map that cannot be made. ``message`` is translated; ``field`` names the input it
    concerns, when there is one."""


def _value_for_log(value: Any) -> Any:
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _set_fields(obj: models.Model, changes: dict[str, Any], allowed: Iterable[str]) -> dict[str, list[Any]]:
    """Set ``changes`` on ``obj``; returns what really changed, as {field: [old, new]}."""
    allowed = set(allowed)
    changed: dict[str, list[Any]] = {}
    for name, value in changes.items():
        if name not in allowed:
            raise TypeError(f"{type(obj).__name__} has no editable field {name!r}.")
        old = getattr(obj, name)
        if old != value:
            changed[name] = [_value_for_log(old), _value_for_log(value)]
            setattr(obj, name, value)
    return changed


def _transition(workflow, obj, to: str, **kwargs) -> None:
    try:
        workflow.apply(obj, to, **kwargs)
    except TransitionError as error:
        raise ProcessMapError(error.message) from None


# --- Processes ------------------------------------------------------------------------------------------------------

PROCESS_FIELDS = (
    "code",
    "name",
    "type",
    "org_unit",
    "owner",
    "parent",
    "purpose",
    "scope",
    "inputs",
    "outputs",
    "beneficiaries",
    "interactions",
    *Process.RESOURCE_FIELDS,
    "version",
    "next_review_on",
    "is_active",
)
PROCESS_M2M = ("deputies", "related_processes")


def _check_process(process: Process) -> None:
    if Process.objects.filter(code__iexact=process.code).exclude(pk=process.pk).exists():
        raise ProcessMapError(
            _("Another process already has the code “%(code)s”.") % {"code": process.code}, field="code"
        )
    parent = process.parent
    seen = {process.pk}
    while parent is not None:
        if parent.pk in seen:
            raise ProcessMapError(_("A process cannot be grouped under itself."), field="parent")
        seen.add(parent.pk)
        parent = parent.parent


@transaction.atomic
def process_create(*, by: User | None, code: str, name: str, type: str, **fields: Any) -> Process:
    """A new process, in draft until it is validated."""
    m2m = {name: fields.pop(name) for name in PROCESS_M2M if name in fields}
    process = Process(code=code.strip(), name=name.strip(), type=type, status=ProcessStatus.DRAFT)
    _set_fields(process, fields, PROCESS_FIELDS)
    _check_process(process)
    process.save()
    for name, values in m2m.items():
        getattr(process, name).set(values or [])
    record_status(process, "", ProcessStatus.DRAFT, by=by)
    log_activity(obj=process, verb="created", by=by)
    return process


@transaction.atomic
def process_update(*, process: Process, by: User | None, **changes: Any) -> Process:
    m2m = {name: changes.pop(name) for name in PROCESS_M2M if name in changes}
    if "code" in changes:
        changes["code"] = changes["code"].strip()
    changed = _set_fields(process, changes, PROCESS_FIELDS)
    _check_process(process)
    process.save()
    for name, values in m2m.items():
        values = [v for v in (values or []) if v.pk != process.pk]
        before = {v.pk for v in getattr(process, name).all()}
        if before != {v.pk for v in values}:
            getattr(process, name).set(values)
            changed[name] = [sorted(before), sorted(v.pk for v in values)]
    if changed:
        log_activity(obj=process, verb="updated", by=by, details={"changes": changed})
    return process


@transaction.atomic
def process_validate(
    *, process: Process, by: User | None, validated_on: datetime.date, validated_by: str, note: str = ""
) -> Process:
    """Record that the process was validated (by the board, say), on a date."""
    process.validated_on, process.validated_by = validated_on, (validated_by or "").strip()
    _transition(
        PROCESS_WORKFLOW,
        process,
        ProcessStatus.VALIDATED,
        by=by,
        note=note,
        update_fields=["validated_on", "validated_by", "updated_at"],
    )
    log_activity(obj=process, verb="validated", by=by, details={"on": validated_on.isoformat(), "by": validated_by})
    return process


@transaction.atomic
def process_revise(*, process: Process, by: User | None, note: str) -> Process:
    """Open a validated process for a new version: back to draft, its version number moved on when it is one."""
    try:
        PROCESS_WORKFLOW.check(process, ProcessStatus.DRAFT, by=by, note=note)
    except TransitionError as error:
        raise ProcessMapError(error.message) from None
    if process.version.isdigit():
        process.version = str(int(process.version) + 1)
    _transition(
        PROCESS_WORKFLOW, process, ProcessStatus.DRAFT, by=by, note=note, update_fields=["version", "updated_at"]
    )
    log_activity(obj=process, verb="revised", by=by, details={"version": process.version, "note": note})
    return process


# --- Indicators -----------------------------------------------------------------------------------------------------

INDICATOR_FIELDS = (
    "name",
    "definition",
    "unit",
    "direction",
    "frequency",
    "owner",
    "source",
    "metric_key",
    "org_unit",
    "tracked_from",
    "is_active",
)


def _apply_metric(indicator: Indicator) -> None:
    """A computed indicator takes its unit and direction from the registry; a manual one has no metric."""
    if indicator.source == IndicatorSource.METRIC:
        if indicator.metric_key not in metrics.registry:
            raise ProcessMapError(
                _("No metric is registered as “%(key)s”.") % {"key": indicator.metric_key}, field="metric_key"
            )
        metric = metrics.registry.get(indicator.metric_key)
        indicator.unit, indicator.direction = metric.unit, metric.direction
    else:
        indicator.metric_key = ""


def _check_target(direction: str, target: Decimal, threshold: Decimal | None) -> None:
    if threshold is None:
        return
    if direction == Direction.LOWER_IS_BETTER and threshold < target:
        raise ProcessMapError(
            _("Lower is better here: the alert threshold must be at or above the target."), field="alert_threshold"
        )
    if direction == Direction.HIGHER_IS_BETTER and threshold > target:
        raise ProcessMapError(
            _("Higher is better here: the alert threshold must be at or below the target."), field="alert_threshold"
        )


@transaction.atomic
def indicator_create(
    *,
    process: Process,
    by: User | None,
    name: str,
    target: Decimal | None = None,
    alert_threshold: Decimal | None = None,
    applies_from: datetime.date | None = None,
    **fields: Any,
) -> Indicator:
    """A new indicator of ``process``, with its first target when one is given."""
    indicator = Indicator(process=process, name=name.strip())
    _set_fields(indicator, fields, INDICATOR_FIELDS)
    _apply_metric(indicator)
    indicator.save()
    log_activity(obj=indicator, verb="created", by=by, details={"process": process.code})
    if target is not None:
        target_set(
            indicator=indicator,
            by=by,
            applies_from=applies_from or indicator.tracked_from or timezone.localdate(),
            target=target,
            alert_threshold=alert_threshold,
        )
    return indicator


@transaction.atomic
def indicator_update(*, indicator: Indicator, by: User | None, **changes: Any) -> Indicator:
    changed = _set_fields(indicator, changes, INDICATOR_FIELDS)
    _apply_metric(indicator)
    indicator.save()
    if changed:
        log_activity(obj=indicator, verb="updated", by=by, details={"changes": changed})
    return indicator


@transaction.atomic
def target_set(
    *,
    indicator: Indicator,
    by: User | None,
    applies_from: datetime.date,
    target: Decimal,
    alert_threshold: Decimal | None = None,
) -> IndicatorTarget:
    """Set the target in force from ``applies_from`` onward (replacing one set for the same date). Periods that
    started before keep the target they had."""
    _check_target(indicator.direction, target, alert_threshold)
    row, created = IndicatorTarget.objects.update_or_create(
        indicator=indicator,
        applies_from=applies_from,
        defaults={"target": target, "alert_threshold": alert_threshold, "set_by": by, "set_at": timezone.now()},
    )
    log_activity(
        obj=indicator,
        verb="target set",
        by=by,
        details={"from": applies_from.isoformat(), "target": str(target), "threshold": _value_for_log(alert_threshold)},
    )
    return row


def _check_ratio(value, numerator, denominator) -> None:
    if denominator is not None and denominator == 0:
        raise ProcessMapError(_("The denominator cannot be zero."), field="denominator")


@transaction.atomic
def measurement_record(
    *,
    indicator: Indicator,
    by: User | None,
    period_start: datetime.date,
    value: Decimal,
    numerator: Decimal | None = None,
    denominator: Decimal | None = None,
    comment: str = "",
    origin: str = MeasurementOrigin.ENTERED,
    today: datetime.date | None = None,
) -> Measurement:
    """Enter (or correct) the measurement of the period of ``indicator`` that holds ``period_start``. A computed
    indicator's snapshots are not typed in: they are recomputed."""
    if indicator.is_computed:
        raise ProcessMapError(_("This indicator is computed: its values are snapshots, recomputed, not typed in."))
    if value is None:
        raise ProcessMapError(_("Give the value."), field="value")
    _check_ratio(value, numerator, denominator)
    period = period_of(indicator.frequency, period_start)
    today = today or timezone.localdate()
    if period.start > today:
        raise ProcessMapError(_("This period has not started yet."), field="period_start")
    measurement = Measurement.objects.filter(indicator=indicator, period_start=period.start).first()
    old = measurement.value if measurement else None
    if measurement is None:
        measurement = Measurement(indicator=indicator, period_start=period.start, period_end=period.end)
    if measurement.origin == MeasurementOrigin.COMPUTED and measurement.pk:
        raise ProcessMapError(_("This period holds a computed snapshot: recompute it instead."))
    measurement.value, measurement.numerator, measurement.denominator = value, numerator, denominator
    measurement.comment, measurement.origin, measurement.entered_by = comment, origin, by
    measurement.save()
    log_activity(
        obj=indicator,
        verb="measurement corrected" if old is not None else "measurement entered",
        by=by,
        details={"period": period.start.isoformat(), "value": str(value), "old": _value_for_log(old)},
    )
    return measurement


def _compute(indicator: Indicator, period: Period) -> metrics.MetricValue | None:
    # The institution is asked as None, never as its root unit: sensitive cases count there and only there.
    units = [indicator.org_unit] if indicator.org_unit_id else None
    return metrics.compute(indicator.metric_key, period, units)


def _store_snapshot(measurement: Measurement, result: metrics.MetricValue | None, key: str) -> None:
    measurement.value = result.value if result is not None else None
    measurement.numerator = result.numerator if result is not None else None
    measurement.denominator = result.denominator if result is not None else None
    measurement.origin = MeasurementOrigin.COMPUTED
    measurement.metric_key = key
    measurement.computed_at = timezone.now()
    measurement.comment = "" if result is not None else _("No value: no data, or too few answers.")


@transaction.atomic
def indicator_snapshot(*, indicator: Indicator, period: Period) -> Measurement:
    """The stored value of a computed indicator over a closed ``period``: computed and stored once, then left as
    is, so that a past value does not shift when old data change. "No value" is stored as such (an empty value),
    never as 0."""
    if not indicator.is_computed:
        raise ProcessMapError(_("Only a computed indicator takes snapshots."))
    existing = Measurement.objects.filter(indicator=indicator, period_start=period.start).first()
    if existing is not None:
        return existing
    measurement = Measurement(indicator=indicator, period_start=period.start, period_end=period.end)
    _store_snapshot(measurement, _compute(indicator, period), indicator.metric_key)
    measurement.save()
    return measurement


@transaction.atomic
def measurement_recompute(*, measurement: Measurement, by: User | None) -> Measurement:
    """Compute a snapshot again (the data behind it were corrected, say), and log the old and new values."""
    measurement = Measurement.objects.select_for_update().select_related("indicator").get(pk=measurement.pk)
    indicator = measurement.indicator
    if not indicator.is_computed:
        raise ProcessMapError(_("Only a computed indicator's snapshots are recomputed."))
    if indicator.metric_key not in metrics.registry:
        raise ProcessMapError(_("No metric is registered as “%(key)s”.") % {"key": indicator.metric_key})
    old = measurement.value
    period = Period(measurement.period_start, measurement.period_end)
    _store_snapshot(measurement, _compute(indicator, period), indicator.metric_key)
    measurement.entered_by = by
    measurement.save()
    log_activity(
        obj=indicator,
        verb="snapshot recomputed",
        by=by,
        details={
            "period": measurement.period_start.isoformat(),
            "old": _value_for_log(old),
            "new": _value_for_log(measurement.value),
        },
    )
    return measurement


def take_due_snapshots(*, today: datetime.date | None = None) -> int:
    """The daily job: store the snapshot of every computed indicator's periods closed since it is tracked (a little
    over a year back at most) that have none yet. Returns how many were stored. A metric no longer registered is
    skipped, with a warning, and taken once it is back."""
    today = today or timezone.localdate()
    taken = 0
    indicators = Indicator.objects.filter(is_active=True, source=IndicatorSource.METRIC, process__is_active=True)
    for indicator in indicators.select_related("org_unit"):
        if indicator.metric_key not in metrics.registry:
            logger.warning("Indicator %s reads metric %s, which is not registered.", indicator.pk, indicator.metric_key)
            continue
        tracked_from = indicator.tracked_from or indicator.created_at.date()
        stored = set(indicator.measurements.values_list("period_start", flat=True))
        periods = periods_to_measure(
            indicator.frequency, tracked_from=tracked_from, today=today, window=SNAPSHOT_CATCH_UP
        )
        for period in periods:
            if period.start not in stored:
                indicator_snapshot(indicator=indicator, period=period)
                taken += 1
    return taken


# --- Risks and opportunities ---------------------------------------------------------------------------------------

RISK_FIELDS = (
    "kind",
    "description",
    "cause",
    "consequence",
    "likelihood",
    "severity",
    "treatment",
    "residual_likelihood",
    "residual_severity",
    "review_on",
)


def _check_risk(risk: Risk) -> None:
    if not risk.description.strip():
        raise ProcessMapError(_("Describe the risk."), field="description")
    for name in ("likelihood", "severity"):
        if getattr(risk, name) not in (1, 2, 3, 4):
            raise ProcessMapError(_("Scores run from 1 to 4."), field=name)
    residual = (risk.residual_likelihood, risk.residual_severity)
    if (residual[0] is None) != (residual[1] is None):
        raise ProcessMapError(
            _("Give both residual scores (likelihood and severity), or neither."), field="residual_severity"
        )
    if any(value is not None and value not in (1, 2, 3, 4) for value in residual):
        raise ProcessMapError(_("Scores run from 1 to 4."), field="residual_likelihood")


def next_risk_reference(process: Process, kind: str) -> str:
    """ "M1-R03": the process, R for a risk or O for an opportunity, and the next free number."""
    prefix = f"{process.code}-{'O' if kind == RiskKind.OPPORTUNITY else 'R'}"
    numbers = [
        int(ref[len(prefix) :])
        for ref in Risk.objects.filter(reference__startswith=prefix).values_list("reference", flat=True)
        if ref[len(prefix) :].isdigit()
    ]
    return f"{prefix}{max(numbers, default=0) + 1:02d}"


@transaction.atomic
def risk_create(
    *, process: Process, by: User | None, reference: str = "", at: datetime.datetime | None = None, **fields: Any
) -> Risk:
    """A new risk or opportunity of ``process``; its reference is given when none is."""
    risk = Risk(process=process, created_by=by if getattr(by, "is_authenticated", False) else None)
    if at is not None:
        risk.created_at = at
    _set_fields(risk, fields, RISK_FIELDS)
    _check_risk(risk)
    for _attempt in range(3):
        risk.reference = reference.strip() or next_risk_reference(process, risk.kind)
        if Risk.objects.filter(reference__iexact=risk.reference).exists():
            if reference.strip():
                raise ProcessMapError(
                    _("The reference “%(reference)s” is already used.") % {"reference": risk.reference},
                    field="reference",
                )
            continue
        try:
            with transaction.atomic():
                risk.save()
            break
        except IntegrityError:
            # Another person took the same number at the same time: take the next one.
            risk.pk = None
    else:
        raise ProcessMapError(_("The risk could not be given a reference: try again."))
    log_activity(obj=risk, verb="created", by=by, details={"process": process.code})
    return risk


@transaction.atomic
def risk_update(*, risk: Risk, by: User | None, **changes: Any) -> Risk:
    if risk.is_archived:
        raise ProcessMapError(_("An archived risk is not changed: restore it first."))
    changed = _set_fields(risk, changes, RISK_FIELDS)
    _check_risk(risk)
    risk.save()
    if changed:
        log_activity(obj=risk, verb="updated", by=by, details={"changes": changed})
    return risk


@transaction.atomic
def risk_archive(*, risk: Risk, by: User | None, note: str = "") -> Risk:
    """Archive a risk (never delete it: its treatment actions keep their source)."""
    if risk.is_archived:
        raise ProcessMapError(_("This risk is archived already."))
    risk.is_archived, risk.archived_at = True, timezone.now()
    risk.save(update_fields=["is_archived", "archived_at", "updated_at"])
    log_activity(obj=risk, verb="archived", by=by, details={"note": note})
    return risk


@transaction.atomic
def risk_restore(*, risk: Risk, by: User | None) -> Risk:
    if not risk.is_archived:
        raise ProcessMapError(_("This risk is not archived."))
    risk.is_archived, risk.archived_at = False, None
    risk.save(update_fields=["is_archived", "archived_at", "updated_at"])
    log_activity(obj=risk, verb="restored", by=by)
    return risk


# --- Process reviews -----------------------------------------------------------------------------------------------


def compile_review_summary(process: Process) -> dict[str, Any]:
    """What a review looks at, as JSON-safe rows: the indicators against their targets, the current risks and
    opportunities, and what the other apps' panels give (the open actions, from action plans)."""
    from processes import selectors, trends

    settings = ProcessMapSettings.get()
    indicators = trends.indicator_rows(trends.with_latest(process.indicators.filter(is_active=True)))
    risks = process.risks.current().order_by("kind", "reference")
    return {
        "compiled_at": timezone.now().isoformat(),
        "indicators": [
            {
                "id": row.indicator.pk,
                "name": row.indicator.name,
                "period": row.latest_period,
                "value": row.latest_text,
                "target": row.target_text,
                "state": row.state,
            }
            for row in indicators
        ],
        "risks": [
            {
                "id": risk.pk,
                "reference": risk.reference,
                "kind": risk.kind,
                "description": risk.short_description,
                "gross": risk.criticality,
                "gross_band": None if risk.is_opportunity else settings.band(risk.criticality),
                "residual": risk.residual_criticality,
                "residual_band": None if risk.is_opportunity else settings.band(risk.residual_criticality),
                "treatment": risk.treatment,
            }
            for risk in risks
        ],
        "panels": panels.summaries(process),
        "previous_review": getattr(selectors.last_held_review(process), "pk", None),
    }


@transaction.atomic
def review_draft(*, process: Process, by: User | None, held_on: datetime.date, participants: str = "") -> ProcessReview:
    """Start a review of ``process``: its summary is compiled now, so that the record keeps what was looked at."""
    if process.reviews.filter(status=ReviewStatus.DRAFT).exists():
        raise ProcessMapError(_("A review of this process is already being drafted: finish it first."))
    review = ProcessReview.objects.create(
        process=process,
        held_on=held_on,
        participants=participants,
        summary=compile_review_summary(process),
        created_by=by if getattr(by, "is_authenticated", False) else None,
    )
    record_status(review, "", ReviewStatus.DRAFT, by=by)
    log_activity(obj=review, verb="drafted", by=by, details={"process": process.code})
    return review


def _check_draft(review: ProcessReview) -> None:
    if review.status != ReviewStatus.DRAFT:
        raise ProcessMapError(_("This review has been held: its record is closed."))


@transaction.atomic
def review_update(*, review: ProcessReview, by: User | None, **changes: Any) -> ProcessReview:
    _check_draft(review)
    changed = _set_fields(review, changes, ("held_on", "participants", "assessment", "next_review_on"))
    review.save()
    if changed:
        log_activity(obj=review, verb="updated", by=by, details={"changes": changed})
    return review


@transaction.atomic
def review_recompile(*, review: ProcessReview, by: User | None) -> ProcessReview:
    """Compile the summary again while drafting (a measurement came in since, say)."""
    _check_draft(review)
    review.summary = compile_review_summary(review.process)
    review.save(update_fields=["summary", "updated_at"])
    log_activity(obj=review, verb="recompiled", by=by)
    return review


@transaction.atomic
def review_hold(
    *, review: ProcessReview, by: User | None, next_review_on: datetime.date | None = None
) -> ProcessReview:
    """Record the review as held; the process's next review is set (by default a settings' period later)."""
    months = ProcessMapSettings.get().process_review_months
    review.next_review_on = next_review_on or review.next_review_on or review.held_on + relativedelta(months=months)
    if review.next_review_on <= review.held_on:
        raise ProcessMapError(_("The next review must come after this one."), field="next_review_on")
    review.held_at = timezone.now()
    _transition(REVIEW_WORKFLOW, review, ReviewStatus.HELD, by=by, update_fields=["next_review_on", "held_at"])
    process = review.process
    process.next_review_on = review.next_review_on
    process.save(update_fields=["next_review_on", "updated_at"])
    log_activity(obj=review, verb="held", by=by, details={"next_review_on": review.next_review_on.isoformat()})
    return review


@transaction.atomic
def decision_add(
    *,
    review: ProcessReview,
    by: User | None,
    text: str,
    owner: User | None = None,
    due_on: datetime.date | None = None,
) -> ReviewDecision:
    """A decision of a review being drafted; it may then become an action whose source it is."""
    _check_draft(review)
    if not text.strip():
        raise ProcessMapError(_("Write the decision."), field="text")
    position = (review.decisions.aggregate(top=models.Max("position"))["top"] or 0) + 1
    decision = ReviewDecision.objects.create(
        review=review, position=position, text=text.strip(), owner=owner, due_on=due_on
    )
    log_activity(obj=review, verb="decision added", by=by, details={"decision": decision.pk})
    return decision


@transaction.atomic
def decision_update(*, decision: ReviewDecision, by: User | None, **changes: Any) -> ReviewDecision:
    _check_draft(decision.review)
    if decision.is_archived:
        raise ProcessMapError(_("An archived decision is not changed."))
    changed = _set_fields(decision, changes, ("text", "owner", "due_on"))
    if not decision.text.strip():
        raise ProcessMapError(_("Write the decision."), field="text")
    decision.save()
    if changed:
        log_activity(obj=decision.review, verb="decision updated", by=by, details={"decision": decision.pk})
    return decision


@transaction.atomic
def decision_archive(*, decision: ReviewDecision, by: User | None) -> ReviewDecision:
    """Withdraw a decision; it is kept (archived), so that actions answering it keep their source."""
    _check_draft(decision.review)
    if decision.is_archived:
        raise ProcessMapError(_("This decision is archived already."))
    decision.is_archived, decision.archived_at = True, timezone.now()
    decision.save(update_fields=["is_archived", "archived_at"])
    log_activity(obj=decision.review, verb="decision archived", by=by, details={"decision": decision.pk})
    return decision


# --- Controlled documents ------------------------------------------------------------------------------------------

DOCUMENT_FIELDS = (
    "reference",
    "title",
    "doc_type",
    "process",
    "owner",
    "origin",
    "issuer",
    "authoritative_url",
    "review_period_months",
    "in_library",
    "next_review_on",
    "is_active",
)


def _check_document(document: Document) -> None:
    if Document.objects.filter(reference__iexact=document.reference).exclude(pk=document.pk).exists():
        raise ProcessMapError(
            _("Another document already has the reference “%(reference)s”.") % {"reference": document.reference},
            field="reference",
        )
    if document.origin == DocumentOrigin.EXTERNAL and not document.issuer.strip():
        raise ProcessMapError(_("Say who issues this external document."), field="issuer")


@transaction.atomic
def document_create(*, by: User | None, reference: str, title: str, **fields: Any) -> Document:
    document = Document(
        reference=reference.strip(),
        title=title.strip(),
        created_by=by if getattr(by, "is_authenticated", False) else None,
    )
    _set_fields(document, fields, DOCUMENT_FIELDS)
    _check_document(document)
    document.save()
    log_activity(obj=document, verb="created", by=by)
    return document


@transaction.atomic
def document_update(*, document: Document, by: User | None, **changes: Any) -> Document:
    if "reference" in changes:
        changes["reference"] = changes["reference"].strip()
    changed = _set_fields(document, changes, DOCUMENT_FIELDS)
    _check_document(document)
    document.save()
    if changed:
        log_activity(obj=document, verb="updated", by=by, details={"changes": changed})
    return document


def _next_review(document: Document, day: datetime.date) -> datetime.date | None:
    months = document.review_period_months
    return day + relativedelta(months=months) if months else None


@transaction.atomic
def document_mark_reviewed(
    *, document: Document, by: User | None, note: str = "", on: datetime.date | None = None
) -> Document:
    """The periodic review found the current version still right: the next review moves a period on."""
    day = on or timezone.localdate()
    document.last_reviewed_on = day
    document.next_review_on = _next_review(document, day)
    document.save(update_fields=["last_reviewed_on", "next_review_on", "updated_at"])
    log_activity(obj=document, verb="reviewed", by=by, details={"note": note})
    return document


@transaction.atomic
def version_create(
    *,
    document: Document,
    by: User | None,
    number: str,
    file=None,
    link: str = "",
    change_summary: str = "",
    issued_on: datetime.date | None = None,
    author: User | None = None,
) -> DocumentVersion:
    """A new draft version, with its file (PDF or office formats, checked on its content, up to 20 MB) or link."""
    number = (number or "").strip()
    if not number:
        raise ProcessMapError(_("Give the version number."), field="number")
    if document.versions.filter(number__iexact=number).exists():
        raise ProcessMapError(
            _("This document already has a version “%(number)s”.") % {"number": number}, field="number"
        )
    version = DocumentVersion(
        document=document,
        number=number,
        link=link or "",
        change_summary=change_summary,
        issued_on=issued_on,
        author=author if author is not None else (by if getattr(by, "is_authenticated", False) else None),
    )
    if file is not None:
        try:
            version.content_type = check_version_file(file)
        except ValidationError as error:
            raise ProcessMapError(" ".join(error.messages), field="file") from None
        version.filename = clean_filename(file.name)
        version.size = file.size
        version.file.save(version.filename, file, save=False)
    version.save()
    record_status(version, "", VersionStatus.DRAFT, by=by)
    log_activity(obj=document, verb="version added", by=by, details={"version": number})
    return version


@transaction.atomic
def version_submit(*, version: DocumentVersion, by: User | None, reviewer: User | None = None) -> DocumentVersion:
    """Send a draft for review; the reviewer named is told."""
    version.reviewer = reviewer or version.reviewer
    version.submitted_at = timezone.now()
    _transition(VERSION_WORKFLOW, version, VersionStatus.IN_REVIEW, by=by, update_fields=["reviewer", "submitted_at"])
    if version.reviewer_id and version.reviewer != by:
        emails.send_review_requested(version, by=by)
    log_activity(obj=version.document, verb="version submitted", by=by, details={"version": version.number})
    return version


@transaction.atomic
def version_send_back(*, version: DocumentVersion, by: User | None, note: str) -> DocumentVersion:
    """Refuse a version in review: back to draft, with the reason, which its author is told."""
    _transition(VERSION_WORKFLOW, version, VersionStatus.DRAFT, by=by, note=note)
    if version.author_id and version.author != by:
        emails.send_version_sent_back(version, by=by, note=note)
    log_activity(
        obj=version.document, verb="version sent back", by=by, details={"version": version.number, "note": note}
    )
    return version


@transaction.atomic
def version_approve(
    *, version: DocumentVersion, by: User | None, note: str = "", at: datetime.datetime | None = None
) -> DocumentVersion:
    """Approve a version in review. It becomes the one approved version: the previous one becomes obsolete. The
    document's next review is set a review period after the approval."""
    now = at or timezone.now()
    document = Document.objects.select_for_update().get(pk=version.document_id)
    previous = document.versions.filter(status=VersionStatus.APPROVED).exclude(pk=version.pk).first()
    # Check the move before touching the previous version, so that a refusal leaves everything as it was.
    try:
        VERSION_WORKFLOW.check(version, VersionStatus.APPROVED, by=by, note=note)
    except TransitionError as error:
        raise ProcessMapError(error.message) from None
    if previous is not None:
        previous.obsolete_at = now
        _transition(
            VERSION_WORKFLOW,
            previous,
            VersionStatus.OBSOLETE,
            by=by,
            note=_("Superseded by version %(number)s.") % {"number": version.number},
            at=now,
            update_fields=["obsolete_at"],
        )
    version.approver, version.approved_at = by if getattr(by, "is_authenticated", False) else None, now
    _transition(
        VERSION_WORKFLOW,
        version,
        VersionStatus.APPROVED,
        by=by,
        note=note,
        at=now,
        update_fields=["approver", "approved_at"],
    )
    day = timezone.localdate(now)
    document.last_reviewed_on = day
    document.next_review_on = _next_review(document, day)
    document.save(update_fields=["last_reviewed_on", "next_review_on", "updated_at"])
    log_activity(
        obj=document,
        verb="version approved",
        by=by,
        details={"version": version.number, "superseded": previous.number if previous else None},
    )
    return version


@transaction.atomic
def version_withdraw(*, version: DocumentVersion, by: User | None, note: str) -> DocumentVersion:
    """Withdraw the approved version with no successor (the procedure is abolished, say)."""
    version.obsolete_at = timezone.now()
    _transition(VERSION_WORKFLOW, version, VersionStatus.OBSOLETE, by=by, note=note, update_fields=["obsolete_at"])
    log_activity(
        obj=version.document, verb="version withdrawn", by=by, details={"version": version.number, "note": note}
    )
    return version


@dataclass(frozen=True)
class DistributionList:
    """Who a version goes to: people, the holders of a role in units, the members of units."""

    people: Sequence[User] = ()
    role_holders: Sequence[tuple[OrgUnit, str]] = ()
    unit_members: Sequence[OrgUnit] = ()

    @property
    def is_empty(self) -> bool:
        return not (self.people or self.role_holders or self.unit_members)

    def resolve(self) -> list[User]:
        """The active people it names, each once."""
        found: dict[int, User] = {}
        for user in self.people:
            if user.is_active:
                found.setdefault(user.pk, user)
        for unit, role in self.role_holders:
            for user in role_holders(unit, role, inherit=False):
                found.setdefault(user.pk, user)
        for unit in self.unit_members:
            members = User.objects.filter(is_active=True, memberships__org_unit__in=unit.descendants()).distinct()
            for user in members:
                found.setdefault(user.pk, user)
        return list(found.values())


@transaction.atomic
def distribution_send(
    *, version: DocumentVersion, by: User | None, recipients: DistributionList, message: str = ""
) -> Distribution:
    """Send an approved version to a list: each person is told (through the outbox) and asked to confirm reading
    it. Someone who already received this version is not listed twice; one who has not confirmed is reminded."""
    if version.status != VersionStatus.APPROVED:
        raise ProcessMapError(_("Only the approved version of a document is distributed."))
    if recipients.is_empty:
        raise ProcessMapError(_("Choose at least one person, role or unit."))
    people = recipients.resolve()
    if not people:
        raise ProcessMapError(_("This list names nobody who can be reached."))
    distribution = Distribution.objects.create(
        version=version, message=message, sent_by=by if getattr(by, "is_authenticated", False) else None
    )
    targets = [
        DistributionTarget(distribution=distribution, kind=DistributionTargetKind.PERSON, user=u)
        for u in recipients.people
    ]
    targets += [
        DistributionTarget(
            distribution=distribution, kind=DistributionTargetKind.ROLE_HOLDERS, org_unit=unit, role=role
        )
        for unit, role in recipients.role_holders
    ]
    targets += [
        DistributionTarget(distribution=distribution, kind=DistributionTargetKind.UNIT_MEMBERS, org_unit=unit)
        for unit in recipients.unit_members
    ]
    DistributionTarget.objects.bulk_create(targets)
    confirmed = dict(version.read_confirmations.values_list("user_id", "confirmed_at"))
    new = [
        ReadConfirmation(version=version, user=user, distribution=distribution)
        for user in people
        if user.pk not in confirmed
    ]
    ReadConfirmation.objects.bulk_create(new)
    for user in people:
        if confirmed.get(user.pk) is None:
            emails.send_distributed(distribution, user, by=by)
    log_activity(
        obj=version.document,
        verb="version distributed",
        by=by,
        details={"version": version.number, "recipients": len(people), "new": len(new)},
    )
    return distribution


@transaction.atomic
def read_confirm(*, version: DocumentVersion, user: User) -> ReadConfirmation:
    """``user`` confirms having read a version sent to them (confirming twice keeps the first date)."""
    confirmation = ReadConfirmation.objects.select_for_update().filter(version=version, user=user).first()
    if confirmation is None:
        raise ProcessMapError(_("This version was not sent to you."))
    if confirmation.confirmed_at is None:
        confirmation.confirmed_at = timezone.now()
        confirmation.save(update_fields=["confirmed_at"])
        log_activity(obj=version.document, verb="read confirmed", by=user, details={"version": version.number})
    return confirmation


# --- Imports --------------------------------------------------------------------------------------------------------


@transaction.atomic
def import_start(*, kind: str, by: User, source, filename: str = "") -> ProcessImport:
    """Read an uploaded spreadsheet and keep its rows until the person who sent it confirms the import."""
    from processes import imports
    from qms.core.spreadsheets import SpreadsheetError

    if kind not in ImportKind.values:
        raise ProcessMapError(_("Unknown kind of import."))
    try:
        payload = imports.read_import_file(kind, source, filename=filename)
    except SpreadsheetError as error:
        raise ProcessMapError(error.message, field="file") from None
    # Old previews nobody confirmed are of no use to anyone.
    ProcessImport.objects.filter(created_by=by, applied_at__isnull=True, expires_at__lt=timezone.now()).delete()
    return ProcessImport.objects.create(kind=kind, created_by=by, filename=filename[:250], payload=payload)


@transaction.atomic
def import_confirm(*, process_import: ProcessImport, by: User) -> dict[str, int]:
    """Apply an import, analysed again now against the database as it is: all its rows or none."""
    from processes import imports

    process_import = ProcessImport.objects.select_for_update().get(pk=process_import.pk)
    if process_import.applied_at is not None:
        raise ProcessMapError(_("This import has already been applied."))
    if process_import.is_expired:
        raise ProcessMapError(_("This preview has expired: send the file again."))
    preview = imports.analyse(process_import.kind, process_import.payload, by)
    if preview.has_errors:
        raise ProcessMapError(_("The file has errors: correct them and send it again."))
    result = imports.apply(preview, by)
    process_import.applied_at = timezone.now()
    process_import.result = result
    process_import.save(update_fields=["applied_at", "result"])
    return result

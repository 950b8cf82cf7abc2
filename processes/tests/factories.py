"""factory_boy factories of the process map. Bare rows: use ``processes.services`` when the status history and the
log matter."""

from __future__ import annotations

import datetime
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from processes.choices import (
    DocumentOrigin,
    DocumentType,
    IndicatorFrequency,
    IndicatorSource,
    MeasurementOrigin,
    ProcessStatus,
    ProcessType,
    RiskKind,
    VersionStatus,
)
from processes.models import (
    Document,
    DocumentVersion,
    Indicator,
    IndicatorTarget,
    Measurement,
    Process,
    ProcessReview,
    ReviewDecision,
    Risk,
)
from qms.core.metrics import Direction, MetricUnit


class ProcessFactory(DjangoModelFactory):
    class Meta:
        model = Process
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"P{n}")
    name = factory.Sequence(lambda n: f"Processus {n}")
    type = ProcessType.OPERATIONAL
    status = ProcessStatus.VALIDATED


class IndicatorFactory(DjangoModelFactory):
    class Meta:
        model = Indicator

    process = factory.SubFactory(ProcessFactory)
    name = factory.Sequence(lambda n: f"Indicateur {n}")
    unit = MetricUnit.PERCENT
    direction = Direction.HIGHER_IS_BETTER
    frequency = IndicatorFrequency.YEARLY
    source = IndicatorSource.MANUAL


class IndicatorTargetFactory(DjangoModelFactory):
    class Meta:
        model = IndicatorTarget

    indicator = factory.SubFactory(IndicatorFactory)
    applies_from = datetime.date(2020, 1, 1)
    target = Decimal("80")
    alert_threshold = Decimal("60")


class MeasurementFactory(DjangoModelFactory):
    class Meta:
        model = Measurement

    indicator = factory.SubFactory(IndicatorFactory)
    period_start = datetime.date(2024, 1, 1)
    period_end = datetime.date(2024, 12, 31)
    value = Decimal("75")
    origin = MeasurementOrigin.ENTERED


class RiskFactory(DjangoModelFactory):
    class Meta:
        model = Risk

    process = factory.SubFactory(ProcessFactory)
    reference = factory.Sequence(lambda n: f"R-{n:04d}")
    kind = RiskKind.RISK
    description = factory.Sequence(lambda n: f"Risque {n}")
    likelihood = 2
    severity = 2


class ReviewFactory(DjangoModelFactory):
    class Meta:
        model = ProcessReview

    process = factory.SubFactory(ProcessFactory)
    held_on = datetime.date(2025, 3, 12)


class DecisionFactory(DjangoModelFactory):
    class Meta:
        model = ReviewDecision

    review = factory.SubFactory(ReviewFactory)
    position = factory.Sequence(lambda n: n + 1)
    text = factory.Sequence(lambda n: f"Décision {n}")


class DocumentFactory(DjangoModelFactory):
    class Meta:
        model = Document

    reference = factory.Sequence(lambda n: f"PR-{n:03d}")
    title = factory.Sequence(lambda n: f"Procédure {n}")
    doc_type = DocumentType.PROCEDURE
    origin = DocumentOrigin.INTERNAL
    process = factory.SubFactory(ProcessFactory)


class DocumentVersionFactory(DjangoModelFactory):
    class Meta:
        model = DocumentVersion

    document = factory.SubFactory(DocumentFactory)
    number = factory.Sequence(lambda n: f"{n + 1}")
    status = VersionStatus.DRAFT
    link = "https://example.edu/doc.pdf"

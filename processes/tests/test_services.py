"""The process map's services: processes, indicators, risks, reviews, distribution."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
import time_machine

from processes import services
from processes.choices import (
    IndicatorFrequency,
    IndicatorSource,
    MeasurementOrigin,
    ProcessStatus,
    ReviewStatus,
    RiskKind,
)
from processes.models import Measurement, ProcessMapSettings, ReadConfirmation
from processes.services import DistributionList, ProcessMapError
from processes.tests.factories import DocumentFactory, IndicatorFactory, ProcessFactory, RiskFactory
from qms.core import metrics, panels
from qms.core.choices import MembershipRole
from qms.core.metrics import Direction, MetricUnit, MetricValue
from qms.core.models import ActivityLog, StatusChange
from qms.notifications.models import OutboxEmail

pytestmark = pytest.mark.django_db

TODAY = datetime.datetime(2025, 6, 16, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(TODAY, tick=False):
        yield


# --- Processes -------------------------------------------------------------------------------------------------


def test_a_new_process_starts_in_draft_with_its_history(quality_manager, org, process_owner):
    process = services.process_create(
        by=quality_manager,
        code="S9",
        name="Gérer les achats",
        type="support",
        org_unit=org.sciences,
        owner=process_owner,
    )
    assert process.status == ProcessStatus.DRAFT
    assert StatusChange.objects.filter(object_id=process.pk, to_status=ProcessStatus.DRAFT).exists()
    with pytest.raises(ProcessMapError, match="already has the code"):
        services.process_create(by=quality_manager, code="s9", name="Doublon", type="support")


def test_validating_needs_the_date_and_who_validated(quality_manager):
    process = services.process_create(by=quality_manager, code="S9", name="Achats", type="support")
    with pytest.raises(ProcessMapError, match="Give the date"):
        services.process_validate(
            process=process, by=quality_manager, validated_on=datetime.date(2021, 12, 14), validated_by=" "
        )
    process.refresh_from_db()
    assert process.status == ProcessStatus.DRAFT
    services.process_validate(
        process=process,
        by=quality_manager,
        validated_on=datetime.date(2021, 12, 14),
        validated_by="Conseil d'administration",
    )
    process.refresh_from_db()
    assert (process.status, process.validated_by) == (ProcessStatus.VALIDATED, "Conseil d'administration")


def test_revising_a_validated_process_moves_its_version_on_and_needs_a_reason(quality_manager, process):
    with pytest.raises(ProcessMapError, match="reason"):
        services.process_revise(process=process, by=quality_manager, note="")
    services.process_revise(process=process, by=quality_manager, note="Nouvelle organisation")
    process.refresh_from_db()
    assert (process.status, process.version) == (ProcessStatus.DRAFT, "2")


def test_a_process_cannot_be_grouped_under_itself(quality_manager, process):
    child = ProcessFactory(code="R2.1", parent=process)
    with pytest.raises(ProcessMapError, match="under itself"):
        services.process_update(process=process, by=quality_manager, parent=child)


# --- Indicators ---------------------------------------------------------------------------------------------------


@pytest.fixture
def fake_metric():
    @metrics.register("tests.share", label="Share", unit=MetricUnit.DAYS, direction=Direction.LOWER_IS_BETTER)
    def share(period, unit_ids):
        return MetricValue.ratio(1, 2)

    yield "tests.share"
    metrics.registry.unregister("tests.share")


def test_a_computed_indicator_takes_its_unit_and_direction_from_the_metric(quality_manager, process, fake_metric):
    indicator = services.indicator_create(
        process=process, by=quality_manager, name="Délai", source=IndicatorSource.METRIC, metric_key=fake_metric
    )
    assert (indicator.unit, indicator.direction) == (MetricUnit.DAYS, Direction.LOWER_IS_BETTER)
    with pytest.raises(ProcessMapError, match="No metric is registered"):
        services.indicator_create(
            process=process, by=quality_manager, name="X", source=IndicatorSource.METRIC, metric_key="nope.nope"
        )


def test_a_threshold_sits_on_the_bad_side_of_the_target(quality_manager, process):
    indicator = services.indicator_create(process=process, by=quality_manager, name="Taux")
    with pytest.raises(ProcessMapError, match="at or below the target"):
        services.target_set(
            indicator=indicator,
            by=quality_manager,
            applies_from=datetime.date(2025, 1, 1),
            target=Decimal(80),
            alert_threshold=Decimal(90),
        )
    services.target_set(
        indicator=indicator,
        by=quality_manager,
        applies_from=datetime.date(2025, 1, 1),
        target=Decimal(80),
        alert_threshold=Decimal(60),
    )
    # Setting it again for the same date replaces it.
    services.target_set(
        indicator=indicator, by=quality_manager, applies_from=datetime.date(2025, 1, 1), target=Decimal(85)
    )
    assert list(indicator.targets.values_list("target", flat=True)) == [Decimal(85)]


def test_a_measurement_is_filed_under_its_whole_period_and_corrected_in_place(quality_manager, process):
    indicator = services.indicator_create(
        process=process, by=quality_manager, name="Taux", frequency=IndicatorFrequency.QUARTERLY
    )
    services.measurement_record(
        indicator=indicator, by=quality_manager, period_start=datetime.date(2025, 2, 14), value=Decimal(70)
    )
    services.measurement_record(
        indicator=indicator, by=quality_manager, period_start=datetime.date(2025, 1, 1), value=Decimal(72)
    )
    measurement = Measurement.objects.get(indicator=indicator)
    assert (measurement.period_start, measurement.period_end, measurement.value) == (
        datetime.date(2025, 1, 1),
        datetime.date(2025, 3, 31),
        Decimal(72),
    )
    assert ActivityLog.objects.filter(verb="measurement corrected", object_id=indicator.pk).exists()


def test_a_measurement_of_a_period_not_started_or_of_a_computed_indicator_is_refused(
    quality_manager, process, fake_metric
):
    indicator = services.indicator_create(
        process=process, by=quality_manager, name="Taux", frequency=IndicatorFrequency.MONTHLY
    )
    with pytest.raises(ProcessMapError, match="not started"):
        services.measurement_record(
            indicator=indicator, by=quality_manager, period_start=datetime.date(2025, 7, 1), value=Decimal(1)
        )
    computed = services.indicator_create(
        process=process, by=quality_manager, name="Délai", source=IndicatorSource.METRIC, metric_key=fake_metric
    )
    with pytest.raises(ProcessMapError, match="computed"):
        services.measurement_record(
            indicator=computed, by=quality_manager, period_start=datetime.date(2024, 1, 1), value=Decimal(1)
        )
    assert not Measurement.objects.exists()


# --- Risks --------------------------------------------------------------------------------------------------------


def test_risks_and_opportunities_are_numbered_per_process(quality_manager, process):
    first = services.risk_create(
        process=process, by=quality_manager, description="Perte de dossiers", likelihood=2, severity=3
    )
    second = services.risk_create(process=process, by=quality_manager, description="Retard", likelihood=1, severity=1)
    opportunity = services.risk_create(
        process=process,
        by=quality_manager,
        kind=RiskKind.OPPORTUNITY,
        description="Dématérialiser",
        likelihood=3,
        severity=2,
    )
    assert [first.reference, second.reference, opportunity.reference] == ["R2-R01", "R2-R02", "R2-O01"]
    assert first.criticality == 6


def test_residual_scores_come_in_pairs(quality_manager, process):
    with pytest.raises(ProcessMapError, match="both residual scores"):
        services.risk_create(
            process=process, by=quality_manager, description="X", likelihood=2, severity=3, residual_likelihood=1
        )


def test_an_archived_risk_is_kept_and_frozen_until_restored(quality_manager, process):
    risk = RiskFactory(process=process)
    services.risk_archive(risk=risk, by=quality_manager, note="Traité")
    assert risk.is_archived and risk.archived_at
    with pytest.raises(ProcessMapError, match="restore it first"):
        services.risk_update(risk=risk, by=quality_manager, likelihood=1)
    services.risk_restore(risk=risk, by=quality_manager)
    services.risk_update(risk=risk, by=quality_manager, likelihood=1)
    risk.refresh_from_db()
    assert (risk.is_archived, risk.likelihood) == (False, 1)


def test_the_criticality_bands_are_the_settings(quality_manager):
    settings = ProcessMapSettings.load()
    assert [settings.band(n) for n in (4, 5, 8, 9, 16)] == ["acceptable", "watch", "watch", "critical", "critical"]
    settings.watch_from, settings.critical_from = 3, 12
    settings.save()
    current = ProcessMapSettings.get()
    assert [current.band(n) for n in (2, 3, 11, 12)] == ["acceptable", "watch", "watch", "critical"]


# --- Reviews -------------------------------------------------------------------------------------------------------


@pytest.fixture
def fake_actions_panel():
    """A panel like the one action plans register, with a summary: two open actions for any process."""

    def summary(objects):
        return {
            obj.pk: [
                {
                    "reference": "A-0001",
                    "title": "Relancer",
                    "status": "planned",
                    "status_label": "Planned",
                    "due": "2025-09-01",
                }
            ]
            for obj in objects
        }

    panels.register(
        panels.ObjectPanel(
            key="tests.actions",
            applies_to=lambda obj: obj._meta.label_lower == "processes.process",
            render=lambda request, obj: "",
            summary=summary,
            label="Actions",
        )
    )
    yield
    panels.unregister("tests.actions")


def test_drafting_a_review_compiles_indicators_risks_and_open_actions(quality_manager, process, fake_actions_panel):
    indicator = services.indicator_create(
        process=process,
        by=quality_manager,
        name="Taux",
        target=Decimal(80),
        alert_threshold=Decimal(60),
        applies_from=datetime.date(2020, 1, 1),
    )
    services.measurement_record(
        indicator=indicator, by=quality_manager, period_start=datetime.date(2024, 1, 1), value=Decimal(50)
    )
    RiskFactory(process=process, reference="R2-R01", likelihood=3, severity=4)
    review = services.review_draft(process=process, by=quality_manager, held_on=datetime.date(2025, 6, 20))
    summary = review.summary
    assert summary["indicators"][0]["state"] == "red"
    assert summary["risks"][0]["reference"] == "R2-R01"
    assert summary["risks"][0]["gross_band"] == "critical"
    fake = next(panel for panel in summary["panels"] if panel["key"] == "tests.actions")
    assert fake["rows"][0]["reference"] == "A-0001"
    # A later measurement does not change what the review looked at.
    services.measurement_record(
        indicator=indicator, by=quality_manager, period_start=datetime.date(2024, 1, 1), value=Decimal(90)
    )
    review.refresh_from_db()
    assert review.summary["indicators"][0]["state"] == "red"
    with pytest.raises(ProcessMapError, match="already being drafted"):
        services.review_draft(process=process, by=quality_manager, held_on=datetime.date(2025, 6, 21))


def test_holding_a_review_sets_the_next_review_of_the_process(quality_manager, process):
    review = services.review_draft(process=process, by=quality_manager, held_on=datetime.date(2025, 6, 20))
    services.decision_add(review=review, by=quality_manager, text="Refaire la procédure")
    with pytest.raises(ProcessMapError, match="assessment"):
        services.review_hold(review=review, by=quality_manager)
    services.review_update(review=review, by=quality_manager, assessment="Processus maîtrisé")
    services.review_hold(review=review, by=quality_manager)
    process.refresh_from_db()
    review.refresh_from_db()
    assert review.status == ReviewStatus.HELD
    assert process.next_review_on == review.next_review_on == datetime.date(2026, 6, 20)
    # The record is closed.
    with pytest.raises(ProcessMapError, match="held"):
        services.decision_add(review=review, by=quality_manager, text="Trop tard")
    with pytest.raises(ProcessMapError, match="held"):
        services.decision_archive(decision=review.decisions.get(), by=quality_manager)


def test_the_next_review_date_can_be_chosen_but_not_in_the_past(quality_manager, process):
    review = services.review_draft(process=process, by=quality_manager, held_on=datetime.date(2025, 6, 20))
    services.review_update(review=review, by=quality_manager, assessment="RAS")
    with pytest.raises(ProcessMapError, match="after this one"):
        services.review_hold(review=review, by=quality_manager, next_review_on=datetime.date(2025, 1, 1))
    services.review_hold(review=review, by=quality_manager, next_review_on=datetime.date(2025, 12, 1))
    process.refresh_from_db()
    assert process.next_review_on == datetime.date(2025, 12, 1)


def test_a_withdrawn_decision_is_kept(quality_manager, process):
    review = services.review_draft(process=process, by=quality_manager, held_on=datetime.date(2025, 6, 20))
    decision = services.decision_add(review=review, by=quality_manager, text="Former les agents")
    services.decision_archive(decision=decision, by=quality_manager)
    decision.refresh_from_db()
    assert decision.is_archived
    assert review.decisions.count() == 1


# --- Distribution --------------------------------------------------------------------------------------------------


@pytest.fixture
def approved(quality_manager, process, process_owner):
    document = DocumentFactory(process=process, owner=process_owner)
    version = services.version_create(document=document, by=process_owner, number="1", link="https://example.edu/p.pdf")
    services.version_submit(version=version, by=process_owner)
    return services.version_approve(version=version, by=quality_manager)


def test_distributing_notifies_each_person_once_and_lists_them_to_confirm(
    quality_manager, approved, org, teacher, referent_sciences, staff_member
):
    recipients = DistributionList(
        people=[teacher, staff_member],
        role_holders=[(org.sciences, MembershipRole.QUALITY_REFERENT)],
        unit_members=[org.physics],  # the teacher again
    )
    services.distribution_send(version=approved, by=quality_manager, recipients=recipients, message="À lire")
    readers = set(ReadConfirmation.objects.filter(version=approved).values_list("user__username", flat=True))
    assert readers == {"enseignant", "agent", "ref-sciences"}
    emails = OutboxEmail.objects.filter(kind="document-distributed")
    assert emails.count() == 3
    assert "PR-" in emails.first().subject
    # Confirming, then sending again: the confirmed reader is not asked twice.
    services.read_confirm(version=approved, user=teacher)
    services.distribution_send(
        version=approved, by=quality_manager, recipients=DistributionList(people=[teacher, staff_member])
    )
    assert OutboxEmail.objects.filter(kind="document-distributed").count() == 4
    assert ReadConfirmation.objects.filter(version=approved).count() == 3


def test_only_the_approved_version_is_distributed_and_only_to_someone(quality_manager, process, approved, teacher):
    draft = services.version_create(
        document=approved.document, by=quality_manager, number="2", link="https://example.edu/2.pdf"
    )
    with pytest.raises(ProcessMapError, match="approved version"):
        services.distribution_send(version=draft, by=quality_manager, recipients=DistributionList(people=[teacher]))
    with pytest.raises(ProcessMapError, match="at least one"):
        services.distribution_send(version=approved, by=quality_manager, recipients=DistributionList())


def test_only_a_recipient_confirms_reading(approved, teacher):
    with pytest.raises(ProcessMapError, match="not sent to you"):
        services.read_confirm(version=approved, user=teacher)


def test_a_review_without_change_moves_the_next_document_review(quality_manager, approved):
    document = approved.document
    document.refresh_from_db()
    assert document.next_review_on == datetime.date(2027, 6, 16)
    services.document_mark_reviewed(document=document, by=quality_manager, on=datetime.date(2026, 1, 5))
    document.refresh_from_db()
    assert (document.last_reviewed_on, document.next_review_on) == (
        datetime.date(2026, 1, 5),
        datetime.date(2028, 1, 5),
    )


def test_an_external_document_needs_its_issuer(quality_manager, process):
    with pytest.raises(ProcessMapError, match="who issues"):
        services.document_create(
            by=quality_manager, reference="EXT-1", title="Code de l'éducation", origin="external", process=process
        )
    document = services.document_create(
        by=quality_manager,
        reference="EXT-1",
        title="Code de l'éducation",
        origin="external",
        issuer="Légifrance",
        process=process,
    )
    assert document.is_external


def test_measurement_origin_is_kept_for_imports(quality_manager, process):
    indicator = IndicatorFactory(process=process)
    measurement = services.measurement_record(
        indicator=indicator,
        by=quality_manager,
        period_start=datetime.date(2023, 1, 1),
        value=Decimal(3),
        origin=MeasurementOrigin.IMPORTED,
    )
    assert measurement.origin == MeasurementOrigin.IMPORTED

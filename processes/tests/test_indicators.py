"""Indicators: computed snapshots with a fake metric (the snapshot at period close, the recomputation, "no
value"), targets in force by date, traffic lights, the trend chart, and the measurements due."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from processes import selectors, services, trends
from processes.choices import IndicatorFrequency, IndicatorSource, LightState, MeasurementOrigin
from processes.models import Measurement
from processes.tests.factories import IndicatorFactory, IndicatorTargetFactory, MeasurementFactory
from qms.core import metrics
from qms.core.metrics import Direction, MetricUnit, MetricValue, Period
from qms.core.models import ActivityLog

pytestmark = pytest.mark.django_db


def _at(year, month, day):
    return time_machine.travel(datetime.datetime(year, month, day, 6, 0, tzinfo=datetime.UTC), tick=False)


class FakeMetric:
    """A metric whose value the test sets, and which remembers how it was asked."""

    key = "tests.fake_rate"

    def __init__(self):
        self.value: MetricValue | None = MetricValue.ratio(3, 4)
        self.calls: list[tuple[Period, list[int] | None]] = []

    def __call__(self, period, unit_ids):
        self.calls.append((period, unit_ids))
        return self.value


@pytest.fixture
def fake():
    metric = FakeMetric()
    metrics.register(metric.key, label="Fake rate", unit=MetricUnit.PERCENT, direction=Direction.HIGHER_IS_BETTER)(
        metric
    )
    yield metric
    metrics.registry.unregister(metric.key)


@pytest.fixture
def computed(process, quality_manager, fake):
    with _at(2025, 1, 10):
        return services.indicator_create(
            process=process,
            by=quality_manager,
            name="Taux calculé",
            source=IndicatorSource.METRIC,
            metric_key=fake.key,
            frequency=IndicatorFrequency.MONTHLY,
            tracked_from=datetime.date(2025, 1, 1),
        )


def test_the_daily_job_stores_the_snapshot_of_a_closed_period_once(computed, fake):
    with _at(2025, 1, 31):
        assert services.take_due_snapshots() == 0  # January has not closed
    with _at(2025, 2, 1):
        assert services.take_due_snapshots() == 1
        assert services.take_due_snapshots() == 0
    snapshot = Measurement.objects.get(indicator=computed)
    assert (snapshot.period_start, snapshot.period_end) == (datetime.date(2025, 1, 1), datetime.date(2025, 1, 31))
    assert (snapshot.value, snapshot.numerator, snapshot.denominator) == (Decimal("75.0"), Decimal(3), Decimal(4))
    assert snapshot.origin == MeasurementOrigin.COMPUTED and snapshot.computed_at is not None
    # The whole institution is asked as None, never as its root unit.
    assert fake.calls == [(Period(datetime.date(2025, 1, 1), datetime.date(2025, 1, 31)), None)]


def test_a_past_snapshot_does_not_shift_when_the_data_change(computed, fake):
    with _at(2025, 2, 1):
        services.take_due_snapshots()
    fake.value = MetricValue.ratio(1, 4)
    with _at(2025, 3, 2):
        services.take_due_snapshots()
    values = list(
        Measurement.objects.filter(indicator=computed).order_by("period_start").values_list("value", flat=True)
    )
    assert values == [Decimal("75.0"), Decimal("25.0")]


def test_a_quality_officer_recomputes_a_snapshot_and_it_is_logged(client, computed, fake, quality_manager):
    with _at(2025, 2, 1):
        services.take_due_snapshots()
    snapshot = Measurement.objects.get(indicator=computed)
    fake.value = MetricValue.ratio(4, 5)
    client.force_login(quality_manager)
    response = client.post(reverse("processes:measurement-recompute", args=[snapshot.pk]))
    assert response.status_code == 302
    snapshot.refresh_from_db()
    assert snapshot.value == Decimal("80.0")
    log = ActivityLog.objects.get(verb="snapshot recomputed", object_id=computed.pk)
    assert log.details == {"period": "2025-01-01", "old": "75.0000", "new": "80.0"}
    assert log.user == quality_manager


def test_only_quality_officers_recompute(client, computed, fake, process_owner):
    with _at(2025, 2, 1):
        services.take_due_snapshots()
    snapshot = Measurement.objects.get(indicator=computed)
    client.force_login(process_owner)
    assert client.post(reverse("processes:measurement-recompute", args=[snapshot.pk])).status_code == 403


def test_no_value_is_stored_as_no_value_and_drawn_as_a_gap(computed, fake):
    with _at(2025, 2, 1):
        services.take_due_snapshots()
    fake.value = None  # too few answers
    with _at(2025, 3, 1):
        services.take_due_snapshots()
    fake.value = MetricValue.ratio(1, 2)
    with _at(2025, 4, 1):
        services.take_due_snapshots()
    snapshots = list(Measurement.objects.filter(indicator=computed).order_by("period_start"))
    assert [m.value for m in snapshots] == [Decimal("75.0"), None, Decimal("50.0")]
    assert snapshots[1].origin == MeasurementOrigin.COMPUTED and "No value" in snapshots[1].comment
    rows = trends.measurement_rows(computed, snapshots)
    assert rows[1].state == LightState.GREY
    chart = str(trends.trend_chart(computed, rows))
    # Two points, no line through the missing month (a gap, never a 0).
    assert chart.count('class="point"') == 2
    assert "polyline" not in chart
    assert "no data" in chart


def test_a_unit_indicator_asks_for_its_unit(process, quality_manager, fake, org):
    with _at(2025, 1, 10):
        indicator = services.indicator_create(
            process=process,
            by=quality_manager,
            name="Taux de Sciences",
            source=IndicatorSource.METRIC,
            metric_key=fake.key,
            frequency=IndicatorFrequency.YEARLY,
            org_unit=org.sciences,
            tracked_from=datetime.date(2024, 1, 1),
        )
    with _at(2025, 1, 11):
        services.take_due_snapshots()
    period, unit_ids = fake.calls[0]
    assert period == Period.year(2024)
    assert set(unit_ids) == {org.sciences.pk, org.physics.pk}
    assert indicator.measurements.count() == 1


def test_a_metric_no_longer_registered_is_skipped_until_it_is_back(computed, fake):
    metrics.registry.unregister(fake.key)
    with _at(2025, 2, 1):
        assert services.take_due_snapshots() == 0
    metrics.register(fake.key, label="Fake rate", unit=MetricUnit.PERCENT)(fake)
    with _at(2025, 2, 2):
        assert services.take_due_snapshots() == 1


def test_the_command_takes_the_snapshots(computed, fake, capsys):
    with _at(2025, 3, 1):
        call_command("take_indicator_snapshots")
    assert "Stored 2 snapshot(s)." in capsys.readouterr().out


def test_the_beat_entry_runs_the_task_daily_and_expires():
    from processes.schedule import SCHEDULE
    from processes.tasks import take_indicator_snapshots

    entry = SCHEDULE["processes-take-indicator-snapshots"]
    assert entry["task"] == take_indicator_snapshots.name
    assert entry["options"]["expires"]


# --- Targets and lights -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "direction", "expected"),
    [
        (Decimal(85), Direction.HIGHER_IS_BETTER, LightState.GREEN),
        (Decimal(80), Direction.HIGHER_IS_BETTER, LightState.GREEN),
        (Decimal(70), Direction.HIGHER_IS_BETTER, LightState.AMBER),
        (Decimal(50), Direction.HIGHER_IS_BETTER, LightState.RED),
        (None, Direction.HIGHER_IS_BETTER, LightState.GREY),
    ],
)
def test_the_light_against_target_and_threshold(value, direction, expected):
    target = IndicatorTargetFactory.build(target=Decimal(80), alert_threshold=Decimal(60))
    assert trends.light(value, target, direction) == expected


def test_when_lower_is_better_the_light_reads_the_other_way():
    target = IndicatorTargetFactory.build(target=Decimal(10), alert_threshold=Decimal(15))
    lights = [trends.light(Decimal(v), target, Direction.LOWER_IS_BETTER) for v in (8, 12, 20)]
    assert lights == [LightState.GREEN, LightState.AMBER, LightState.RED]
    assert trends.light(Decimal(8), None, Direction.LOWER_IS_BETTER) == LightState.GREY


def test_a_new_target_does_not_recolour_the_history(process, quality_manager):
    indicator = IndicatorFactory(process=process)
    IndicatorTargetFactory(
        indicator=indicator, applies_from=datetime.date(2020, 1, 1), target=Decimal(70), alert_threshold=Decimal(50)
    )
    MeasurementFactory(
        indicator=indicator,
        period_start=datetime.date(2023, 1, 1),
        period_end=datetime.date(2023, 12, 31),
        value=Decimal(75),
    )
    services.target_set(
        indicator=indicator,
        by=quality_manager,
        applies_from=datetime.date(2024, 1, 1),
        target=Decimal(90),
        alert_threshold=Decimal(80),
    )
    MeasurementFactory(
        indicator=indicator,
        period_start=datetime.date(2024, 1, 1),
        period_end=datetime.date(2024, 12, 31),
        value=Decimal(75),
    )
    rows = trends.measurement_rows(indicator, list(indicator.measurements.order_by("period_start")))
    assert [row.state for row in rows] == [LightState.GREEN, LightState.RED]
    chart = str(trends.trend_chart(indicator, rows))
    assert "Target in force" in chart


def test_the_indicator_list_shows_the_latest_value_and_its_light(client, process, quality_manager):
    indicator = IndicatorFactory(process=process, name="Taux de réussite")
    IndicatorTargetFactory(indicator=indicator)
    MeasurementFactory(
        indicator=indicator,
        period_start=datetime.date(2023, 1, 1),
        period_end=datetime.date(2023, 12, 31),
        value=Decimal(90),
    )
    MeasurementFactory(
        indicator=indicator,
        period_start=datetime.date(2024, 1, 1),
        period_end=datetime.date(2024, 12, 31),
        value=Decimal(55),
    )
    client.force_login(quality_manager)
    html = client.get(reverse("processes:indicator-list")).content.decode()
    assert f'data-indicator="{indicator.pk}" data-state="red"' in html
    assert "light-red" in html


# --- Measurements due -----------------------------------------------------------------------------------------------


def test_measurements_due_for_an_owner_and_between_dates(process, process_owner, quality_manager):
    quarterly = IndicatorFactory(
        process=process,
        name="Trimestriel",
        frequency=IndicatorFrequency.QUARTERLY,
        tracked_from=datetime.date(2025, 1, 1),
    )
    someone_elses = IndicatorFactory(
        process=process, name="Autre", owner=quality_manager, tracked_from=datetime.date(2024, 1, 1)
    )
    MeasurementFactory(
        indicator=quarterly, period_start=datetime.date(2025, 1, 1), period_end=datetime.date(2025, 3, 31)
    )
    mine = selectors.measurements_due_for(process_owner, today=datetime.date(2025, 7, 20))
    assert [(d.indicator, d.period.start, d.due_on) for d in mine] == [
        (quarterly, datetime.date(2025, 4, 1), datetime.date(2025, 7, 15))
    ]
    assert mine[0].responsible == process_owner
    between = selectors.measurements_due_between(datetime.date(2025, 1, 1), datetime.date(2025, 1, 31))
    assert [(d.indicator, d.period.start, d.responsible) for d in between] == [
        (someone_elses, datetime.date(2024, 1, 1), quality_manager)
    ]


def test_the_measurements_due_page_links_to_the_entry_form(client, process, process_owner):
    indicator = IndicatorFactory(process=process, name="Annuel", tracked_from=datetime.date(2020, 1, 1))
    client.force_login(process_owner)
    clock = _at(2025, 2, 10)
    clock.start()
    html = client.get(reverse("processes:measurements-due")).content.decode()
    assert f'data-indicator="{indicator.pk}" data-period="2024-01-01"' in html
    assert "En retard" in html  # the owner reads French: "Overdue"
    assert f'data-indicator="{indicator.pk}"' in html
    response = client.post(
        reverse("processes:measurement-record", args=[indicator.pk]), {"period_start": "2024-06-01", "value": "12.5"}
    )
    assert response.status_code == 302
    measurement = indicator.measurements.get()
    assert (measurement.period_start, measurement.value, measurement.entered_by) == (
        datetime.date(2024, 1, 1),
        Decimal("12.5"),
        process_owner,
    )
    assert f'data-indicator="{indicator.pk}"' not in client.get(reverse("processes:measurements-due")).content.decode()
    clock.stop()


def test_a_period_never_measured_is_a_gap_in_the_trend(process):
    indicator = IndicatorFactory(process=process, frequency=IndicatorFrequency.MONTHLY, unit="count")
    for month in (1, 3):
        MeasurementFactory(
            indicator=indicator,
            period_start=datetime.date(2025, month, 1),
            period_end=Period.month(2025, month).end,
            value=Decimal(10 * month),
        )
    rows = trends.measurement_rows(indicator, list(indicator.measurements.order_by("period_start")))
    chart = str(trends.trend_chart(indicator, rows))
    assert chart.count('class="x-label"') == 3  # January, February, March
    assert chart.count('class="point"') == 2 and "polyline" not in chart

"""The process map's metrics: critical risks and indicators in alert, for the dashboard and the management review."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
import time_machine

from processes.models import ProcessMapSettings
from processes.tests.factories import IndicatorFactory, IndicatorTargetFactory, MeasurementFactory, RiskFactory
from qms.core import metrics
from qms.core.metrics import Period

pytestmark = pytest.mark.django_db


def test_both_metrics_are_registered():
    assert {"processes.critical_risks", "processes.indicators_in_alert"} <= {m.key for m in metrics.registry.all()}


def test_critical_risks_count_current_threats_on_their_residual_score(process, other_process, org):
    with time_machine.travel(datetime.datetime(2025, 3, 1, tzinfo=datetime.UTC), tick=False):
        RiskFactory(process=process, likelihood=4, severity=4)  # critical
        RiskFactory(process=process, likelihood=4, severity=4, residual_likelihood=1, residual_severity=2)  # treated
        RiskFactory(process=other_process, likelihood=3, severity=3)  # critical, in Lettres
        RiskFactory(process=process, likelihood=4, severity=4, kind="opportunity")
        RiskFactory(
            process=process,
            likelihood=4,
            severity=4,
            is_archived=True,
            archived_at=datetime.datetime(2025, 3, 1, tzinfo=datetime.UTC),
        )
    year = Period.year(2025)
    assert metrics.compute("processes.critical_risks", year, None).value == 2
    assert metrics.compute("processes.critical_risks", year, [org.sciences]).value == 1
    # An archived risk still counted at the end of a period before its archiving.
    assert metrics.compute("processes.critical_risks", Period.year(2024), None).value == 0
    settings = ProcessMapSettings.load()
    settings.critical_from = 10
    settings.save()
    assert metrics.compute("processes.critical_risks", year, None).value == 1


def test_indicators_in_alert_read_the_latest_measurement_of_the_period(process, other_process, org):
    red = IndicatorFactory(process=process)
    IndicatorTargetFactory(indicator=red, target=Decimal(80), alert_threshold=Decimal(60))
    MeasurementFactory(
        indicator=red, period_start=datetime.date(2024, 1, 1), period_end=datetime.date(2024, 12, 31), value=Decimal(50)
    )
    amber = IndicatorFactory(process=other_process)
    IndicatorTargetFactory(indicator=amber, target=Decimal(80), alert_threshold=Decimal(60))
    MeasurementFactory(
        indicator=amber,
        period_start=datetime.date(2024, 1, 1),
        period_end=datetime.date(2024, 12, 31),
        value=Decimal(70),
    )
    no_target = IndicatorFactory(process=process)
    MeasurementFactory(
        indicator=no_target,
        period_start=datetime.date(2024, 1, 1),
        period_end=datetime.date(2024, 12, 31),
        value=Decimal(1),
    )
    assert metrics.compute("processes.indicators_in_alert", Period.year(2024), None).value == 1
    assert metrics.compute("processes.indicators_in_alert", Period.year(2024), [org.letters]).value == 0
    assert metrics.compute("processes.indicators_in_alert", Period.year(2023), None).value == 0

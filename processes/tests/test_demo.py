"""The demo process map: believable, complete for every page, idempotent, and silent (no outbox row)."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from processes import demo
from processes.choices import DocumentOrigin, IndicatorSource, ProcessType, ReviewStatus, RiskKind, VersionStatus
from processes.models import Document, DocumentVersion, Indicator, Measurement, Process, ProcessReview, Risk
from qms.core import demo as core_demo
from qms.core.models import ActivityLog
from qms.notifications.models import OutboxEmail

pytestmark = pytest.mark.django_db


@pytest.fixture
def university():
    core_demo.seed(io.StringIO())


def counts():
    return [
        model.objects.count()
        for model in (Process, Indicator, Measurement, Risk, ProcessReview, Document, DocumentVersion)
    ]


def test_the_demo_map_is_believable(university):
    out = io.StringIO()
    demo.seed(out)
    demo.finish(out)
    types = list(Process.objects.values_list("type", flat=True))
    assert (
        types.count(ProcessType.MANAGEMENT),
        types.count(ProcessType.OPERATIONAL),
        types.count(ProcessType.SUPPORT),
    ) == (4, 7, 8)
    names = set(Process.objects.values_list("name", flat=True))
    assert {"Évaluer les formations et les enseignements", "Traiter les réclamations"} <= names
    # The codes the action-plan demo uses.
    assert {"M1", "M2", "R1", "R2", "R4", "S3"} <= set(Process.objects.values_list("code", flat=True))
    r2 = Process.objects.get(code="R2")
    assert r2.status == "validated" and r2.validated_by == "Conseil d'administration"
    assert all(text for _label, text in r2.resources)
    assert r2.owner.username == "pilote"
    # Indicators wired to computed metrics, with a year of snapshots.
    computed = Indicator.objects.filter(source=IndicatorSource.METRIC)
    assert {"complaints.handled_rate", "actionplans.on_time_rate", "processes.critical_risks"} <= set(
        computed.values_list("metric_key", flat=True)
    )
    monthly = computed.get(metric_key="complaints.handled_rate")
    assert monthly.measurements.count() >= 12
    assert Measurement.objects.filter(indicator__source=IndicatorSource.MANUAL).count() >= 20
    # Risks of every band, gross and residual, and a few opportunities.
    from processes.models import ProcessMapSettings

    settings = ProcessMapSettings.get()
    threats = list(Risk.objects.threats())
    assert {settings.band(r.criticality) for r in threats} == {"acceptable", "watch", "critical"}
    assert {settings.band(r.residual_criticality) for r in threats if r.has_residual} == {
        "acceptable",
        "watch",
        "critical",
    }
    assert Risk.objects.filter(kind=RiskKind.OPPORTUNITY).count() >= 3
    # A held review with decisions, and the next one being drafted.
    held = ProcessReview.objects.get(process=r2, status=ReviewStatus.HELD)
    assert held.decisions.count() == 3
    assert ProcessReview.objects.filter(process=r2, status=ReviewStatus.DRAFT).exists()
    # Documents with their histories, one approved version each, and external ones.
    procedure = Document.objects.get(reference="PR-R2-01")
    assert list(procedure.versions.order_by("number").values_list("status", flat=True)) == [
        VersionStatus.OBSOLETE,
        VersionStatus.OBSOLETE,
        VersionStatus.APPROVED,
        VersionStatus.DRAFT,
    ]
    assert procedure.versions.get(status=VersionStatus.APPROVED).file
    assert Document.objects.filter(origin=DocumentOrigin.EXTERNAL).count() >= 3
    assert (
        procedure.versions.get(status=VersionStatus.APPROVED)
        .read_confirmations.filter(confirmed_at__isnull=True)
        .exists()
    )
    assert not OutboxEmail.objects.exists()
    assert "Process map:" in out.getvalue()


def test_seeding_twice_changes_nothing(university):
    demo.seed(io.StringIO())
    demo.finish(io.StringIO())
    first = counts()
    demo.seed(io.StringIO())
    demo.finish(io.StringIO())
    assert counts() == first


def test_the_demo_runs_without_the_demo_people():
    demo.seed(io.StringIO())
    assert Process.objects.count() == len(demo.PROCESSES)
    assert Process.objects.filter(owner__isnull=False).count() == 0


def test_seed_demo_runs_every_app_then_finishes_with_the_snapshots(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path)
    out = io.StringIO()
    call_command("seed_demo", "--no-accounts", stdout=out)
    text = out.getvalue()
    assert text.index("Demo data: actionplans done") < text.index("Demo data: processes finished")
    # The review being drafted was compiled again once every app had seeded (its open actions included).
    draft = ProcessReview.objects.get(process__code="R2", status=ReviewStatus.DRAFT)
    held = ProcessReview.objects.get(process__code="R2", status=ReviewStatus.HELD)
    assert draft.summary["compiled_at"] > held.summary["compiled_at"]
    assert ActivityLog.objects.filter(verb="recompiled", object_id=draft.pk).exists()
    assert Measurement.objects.filter(indicator__source=IndicatorSource.METRIC).count() >= 12
    assert not OutboxEmail.objects.exists()

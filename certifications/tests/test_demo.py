"""The demo certifications: believable, as the issue lists them, and idempotent; no email goes out."""

from __future__ import annotations

import io

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from certifications import demo
from certifications.choices import CertificationStatus, FindingStatus
from certifications.models import AssessmentSnapshot, Audit, Certification, Finding, InternalAuditProgramme
from certifications.selectors import compliance_matrix
from processes import demo as processes_demo
from qms.core import demo as core_demo
from qms.notifications.models import OutboxEmail

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    out = io.StringIO()
    core_demo.seed(out)
    processes_demo.seed(out)
    demo.seed(out)
    return out.getvalue()


def counts() -> dict:
    return {
        model.__name__: model.objects.count()
        for model in (Certification, Audit, Finding, AssessmentSnapshot, InternalAuditProgramme)
    }


def test_the_demo_has_what_the_issue_lists(seeded):
    today = timezone.localdate()
    qualiopi = Certification.objects.get(name=demo.QUALIOPI)
    assert qualiopi.certificates.count() == 2
    assert sorted(qualiopi.categories.values_list("code", flat=True)) == ["AF", "VAE"]
    assert qualiopi.audits.filter(audit_type="surveillance").count() == 2
    regraded = Finding.objects.get(audit__certification=qualiopi, original_grade__code="minor")
    assert regraded.grade.code == "major" and regraded.regraded_at_audit.audit_type == "renewal"
    assert Finding.objects.filter(audit__certification=qualiopi, status=FindingStatus.CLOSED).exists()
    iso = Certification.objects.get(name=demo.ISO)
    expiry = iso.latest_certificate.valid_until
    assert today + relativedelta(months=4) < expiry <= today + relativedelta(months=5)
    programme = InternalAuditProgramme.objects.get(year=today.year)
    assert programme.audits.filter(is_internal=True).count() == 4
    assert programme.audits.exclude(impartiality_override_reason="").count() == 1
    eduform = Certification.objects.get(name=demo.EDUFORM)
    assert eduform.snapshots.count() == 2
    first, second = eduform.snapshots.order_by("taken_at")
    assert first.readiness < second.readiness
    assert 0 < compliance_matrix(eduform).not_assessed < 25
    assert Certification.objects.get(name=demo.BEF).level == "2"
    assert Certification.objects.get(name=demo.SPP).holder.code == "bu"
    assert Certification.objects.get(name=demo.EXPIRED).expired
    assert qualiopi.status == CertificationStatus.CERTIFIED
    assert "Certifications:" in seeded


def test_a_second_run_adds_nothing_and_no_email_goes_out(seeded):
    before = counts()
    demo.seed(io.StringIO())
    assert counts() == before
    assert not OutboxEmail.objects.exists()

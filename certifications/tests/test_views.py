"""The back-office pages open for those who may, with a query count that does not grow with the rows."""

from __future__ import annotations

import datetime
import itertools

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from certifications import services
from certifications.choices import AuditStatus, AuditType, ComplianceStatus, FrameworkKind
from certifications.models import Assessment, Evidence, Finding
from certifications.tests.factories import CertificationFactory, build_framework

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def audit(qualiopi_certification, quality_manager):
    return services.audit_create(
        title="Audit de surveillance 2025",
        audit_type=AuditType.SURVEILLANCE,
        start_date=D(2025, 6, 2),
        end_date=D(2025, 6, 3),
        certification=qualiopi_certification,
        by=quality_manager,
    )


@pytest.fixture
def finding(audit, qualiopi_certification, quality_manager):
    return services.finding_create(
        audit=audit,
        grade=qualiopi_certification.framework.grades.get(code="minor"),
        requirement=qualiopi_certification.framework.requirements.get(reference="I1"),
        description="Tarifs absents d'une fiche",
        by=quality_manager,
    )


def test_every_page_opens_for_the_quality_manager(client, quality_manager, qualiopi_certification, audit, finding):
    requirement = qualiopi_certification.framework.requirements.get(reference="I1")
    services.evidence_add(
        certification=qualiopi_certification, requirement=requirement, url="https://example.edu/x", by=quality_manager
    )
    snapshot = services.snapshot_take(certification=qualiopi_certification, label="Avant audit", by=quality_manager)
    client.force_login(quality_manager)
    pk = qualiopi_certification.pk
    framework = qualiopi_certification.framework
    pages = [
        reverse("certifications:certification-list"),
        reverse("certifications:certification-create"),
        reverse("certifications:certification-detail", args=[pk]),
        reverse("certifications:certification-edit", args=[pk]),
        reverse("certifications:certification-transition", args=[pk]),
        reverse("certifications:certificate-create", args=[pk]),
        reverse("certifications:certificate-edit", args=[qualiopi_certification.certificates.get().pk]),
        reverse("certifications:certification-version", args=[pk]),
        reverse("certifications:calendar"),
        reverse("certifications:register-import"),
        reverse("certifications:matrix", args=[pk]),
        reverse("certifications:matrix", args=[pk]) + "?status=not_assessed&flagged=1",
        reverse("certifications:assessment-edit", args=[pk, requirement.pk]),
        reverse("certifications:snapshot-create", args=[pk]),
        reverse("certifications:snapshot-detail", args=[snapshot.pk]),
        reverse("certifications:self-assessment-import", args=[pk]),
        reverse("certifications:audit-list"),
        reverse("certifications:audit-list") + "?internal=1&start=2025-01-01&end=2025-12-31",
        reverse("certifications:audit-create") + f"?certification={pk}",
        reverse("certifications:audit-detail", args=[audit.pk]),
        reverse("certifications:audit-edit", args=[audit.pk]),
        reverse("certifications:audit-transition", args=[audit.pk]),
        reverse("certifications:finding-create", args=[audit.pk]),
        reverse("certifications:finding-detail", args=[finding.pk]),
        reverse("certifications:finding-edit", args=[finding.pk]),
        reverse("certifications:finding-transition", args=[finding.pk]),
        reverse("actionplans:source-actions", args=["certifications.finding", finding.pk]),
        reverse("certifications:programme-list"),
        reverse("certifications:programme-create"),
        reverse("certifications:framework-list"),
        reverse("certifications:framework-create"),
        reverse("certifications:framework-import"),
        reverse("certifications:framework-detail", args=[framework.pk]),
        reverse("certifications:framework-edit", args=[framework.pk]),
        reverse("certifications:framework-new-version", args=[framework.pk]),
        reverse("certifications:grade-create", args=[framework.pk]),
        reverse("certifications:grade-edit", args=[framework.grades.first().pk]),
        reverse("certifications:public-list"),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url


def test_the_quality_manager_records_a_certification_a_certificate_and_an_assessment(
    client, quality_manager, qualiopi, org
):
    client.force_login(quality_manager)
    response = client.post(
        reverse("certifications:certification-create"),
        {
            "name": "Qualiopi — Formation continue",
            "framework": qualiopi.pk,
            "holder": org.institution.pk,
            "owner": quality_manager.pk,
            "categories": [qualiopi.categories.get(code="AF").pk],
            "show_on_public_page": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    certification = qualiopi.certifications.get()
    response = client.post(
        reverse("certifications:certificate-create", args=[certification.pk]),
        {"number": "FC-1", "issued_on": "2025-01-10", "file": SimpleUploadedFile("certificat.pdf", b"%PDF-1.4 x")},
    )
    assert response.status_code == 302
    certificate = certification.certificates.get()
    assert (certificate.valid_until, certificate.filename.endswith(".pdf")) == (D(2028, 1, 9), True)
    assert client.get(reverse("certifications:certificate-download", args=[certificate.pk])).status_code == 200
    requirement = qualiopi.requirements.get(reference="I1")
    url = reverse("certifications:assessment-edit", args=[certification.pk, requirement.pk])
    response = client.post(url, {"status": ComplianceStatus.NOT_APPLICABLE, "justification": ""})
    assert response.status_code == 200
    assert "justification" in response.context["form"].errors
    response = client.post(url, {"status": ComplianceStatus.COMPLIANT, "comment": "Catalogue"})
    assert response.status_code == 302
    assert Assessment.objects.get(certification=certification, requirement=requirement).status == "compliant"
    response = client.post(
        reverse("certifications:evidence-add", args=[certification.pk, requirement.pk]),
        {"file": SimpleUploadedFile("run.exe", b"MZ\x90\x00binary"), "dated": "2025-01-10"},
    )
    assert response.status_code == 400
    assert not Evidence.objects.exists()
    response = client.post(
        reverse("certifications:evidence-add", args=[certification.pk, requirement.pk]),
        {"file": SimpleUploadedFile("catalogue.pdf", b"%PDF-1.4 catalogue"), "dated": "2025-01-10"},
    )
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    download = client.get(reverse("certifications:evidence-download", args=[evidence.pk]))
    assert download.status_code == 200
    assert download["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert "attachment" in download["Content-Disposition"]


def test_findings_are_recorded_with_default_dates_from_the_page(client, quality_manager, audit, qualiopi_certification):
    client.force_login(quality_manager)
    framework = qualiopi_certification.framework
    response = client.post(
        reverse("certifications:finding-create", args=[audit.pk]),
        {
            "grade": framework.grades.get(code="minor").pk,
            "requirement": framework.requirements.get(reference="I4").pk,
            "description": "Besoin non analysé",
        },
    )
    assert response.status_code == 200
    assert "I4" in response.content.decode()
    response = client.post(
        reverse("certifications:finding-create", args=[audit.pk]),
        {
            "grade": framework.grades.get(code="major").pk,
            "requirement": framework.requirements.get(reference="I4").pk,
            "description": "Besoin non analysé",
        },
    )
    assert response.status_code == 302
    finding = Finding.objects.get()
    assert finding.implementation_due == D(2025, 9, 3)
    # The action plans' kit creates the action answering the finding, from the finding's "Actions" panel.
    page = client.get(finding.get_absolute_url()).content.decode()
    kit = reverse("actionplans:source-actions", args=["certifications.finding", finding.pk])
    assert kit in page
    response = client.post(
        kit,
        {
            "form": "create",
            "create-title": "Formaliser l'analyse du besoin",
            "create-kind": "corrective",
            "create-priority": "normal",
        },
    )
    assert response.status_code == 302
    finding.refresh_from_db()
    assert finding.status == "action_planned"
    page = client.get(finding.get_absolute_url()).content.decode()
    assert "Formaliser l&#x27;analyse du besoin" in page


def test_the_matrix_page_keeps_its_query_count_whatever_the_size(
    client, quality_manager, org, django_assert_max_num_queries
):
    client.force_login(quality_manager)

    def page_queries(size: int, code: str) -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        certification = CertificationFactory(framework=build_framework(size, code=code), holder=org.sciences)
        for requirement in certification.framework.requirements.filter(is_leaf=True)[:6]:
            services.assessment_save(
                certification=certification,
                requirement=requirement,
                status="compliant",
                owner=quality_manager,
                by=quality_manager,
            )
            services.evidence_add(
                certification=certification, requirement=requirement, url="https://example.edu/e", by=quality_manager
            )
        client.get(reverse("certifications:matrix", args=[certification.pk]))
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("certifications:matrix", args=[certification.pk]))
        assert response.status_code == 200
        return len(queries)

    assert page_queries(11, "p-small") == page_queries(150, "p-large")


def test_the_register_and_audit_lists_keep_their_query_count(client, quality_manager, qualiopi, org):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(quality_manager)
    names = itertools.count()

    def queries_for(url: str) -> int:
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    def add(count: int) -> None:
        for index in range(count):
            certification = services.certification_create(
                name=f"Label {next(names)}", framework=qualiopi, holder=org.sciences, by=quality_manager
            )
            services.certificate_add(certification=certification, issued_on=D(2025, 1, 1), by=quality_manager)
            services.audit_create(
                title=f"Audit {index}",
                audit_type=AuditType.INITIAL,
                start_date=D(2025, 2, 1),
                end_date=D(2025, 2, 2),
                certification=certification,
                by=quality_manager,
            )

    add(10)
    register, audits = (
        queries_for(reverse("certifications:certification-list")),
        queries_for(reverse("certifications:audit-list")),
    )
    add(30)
    assert queries_for(reverse("certifications:certification-list")) == register
    assert queries_for(reverse("certifications:audit-list")) == audits


def test_french_words_of_the_certifications_are_not_taken_by_other_apps():
    """An earlier catalogue wins a msgid it shares: the words that differ here carry a context."""
    with translation.override("fr"):
        assert str(FrameworkKind.LABEL.label) == "Label"  # not "Libellé"
        assert str(AuditStatus.PLANNED.label) == "Planifié"  # an audit, not an action ("Prévue")
        assert str(ComplianceStatus.NOT_APPLICABLE.label) == "Non applicable"
        assert str(Assessment._meta.verbose_name) == "évaluation"


def test_the_detail_pages_keep_their_query_count(client, quality_manager, qualiopi_certification):
    """A certification with more certificates, audits and snapshots, an audit with more findings, a finding with
    more actions: the same number of queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from actionplans.services import action_create_for_source

    framework = qualiopi_certification.framework
    audit = services.audit_create(
        title="Surveillance",
        audit_type=AuditType.SURVEILLANCE,
        start_date=D(2025, 6, 2),
        end_date=D(2025, 6, 3),
        certification=qualiopi_certification,
        by=quality_manager,
    )
    finding = services.finding_create(
        audit=audit, grade=framework.grades.get(code="minor"), description="Constat", by=quality_manager
    )
    counter = itertools.count()

    def grow(count: int) -> None:
        for _ in range(count):
            number = next(counter)
            services.audit_create(
                title=f"Audit {number}",
                audit_type=AuditType.FOLLOW_UP,
                start_date=D(2025, 7, 1),
                end_date=D(2025, 7, 1),
                certification=qualiopi_certification,
                by=quality_manager,
            )
            services.snapshot_take(
                certification=qualiopi_certification, label=f"Instantané {number}", by=quality_manager
            )
            services.finding_create(
                audit=audit,
                grade=framework.grades.get(code="major"),
                description=f"Constat {number}",
                by=quality_manager,
            )
            action_create_for_source(source=finding, title=f"Action {number}", by=quality_manager)

    pages = [
        reverse("certifications:certification-detail", args=[qualiopi_certification.pk]),
        reverse("certifications:audit-detail", args=[audit.pk]),
        reverse("certifications:finding-detail", args=[finding.pk]),
    ]
    client.force_login(quality_manager)

    def queries() -> list[int]:
        counts = []
        for url in pages:
            client.get(url)
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url).status_code == 200
            counts.append(len(captured))
        return counts

    grow(2)
    few = queries()
    grow(8)
    assert queries() == few


def test_names_written_in_french_say_so_on_english_pages(client, quality_manager, qualiopi_certification, org):
    """RGAA 8.7: a certification's and an audit's <title> (wholly their names), the certification and the audit in
    the breadcrumbs, the holder unit (page, list, filter), the audited units and the audit's certification in the
    audit list carry lang="fr" on an English page, and nothing on a French one."""
    from qms.core.tests.html import parse

    audit = services.audit_create(
        title="Audit de surveillance 2025",
        audit_type=AuditType.SURVEILLANCE,
        start_date=D(2025, 6, 2),
        end_date=D(2025, 6, 3),
        certification=qualiopi_certification,
        audited_units=[org.sciences],
        by=quality_manager,
    )
    quality_manager.language = "en"
    quality_manager.save(update_fields=["language"])
    client.force_login(quality_manager)

    page = parse(client.get(qualiopi_certification.get_absolute_url()))
    assert page.one("head title").get("lang") == "fr"
    assert page.one(".breadcrumb-item.active").get("lang") == "fr"
    assert "Université de test" in {element.text for element in page.all("main dd[lang=fr]")}
    audit_page = parse(client.get(audit.get_absolute_url()))
    assert audit_page.one("head title").get("lang") == "fr"
    assert [element.text for element in audit_page.all(".breadcrumb [lang=fr]")] == [
        "Qualiopi — Université",
        "Audit de surveillance 2025",
    ]
    assert "UFR Sciences" in {element.text for element in audit_page.all("main dd [lang=fr]")}
    listing = parse(client.get(reverse("certifications:certification-list")))
    assert listing.one("head title").get("lang") is None
    assert "Université de test" in {element.text for element in listing.all("main td[lang=fr]")}
    assert {option.text for option in listing.all("select[name=holder] option[lang=fr]")} >= {"UFR Sciences"}
    audits = parse(client.get(reverse("certifications:audit-list")))
    assert [element.text for element in audits.all(f"tr[data-audit='{audit.pk}'] [lang=fr]")] == [
        "Qualiopi — Université"
    ]

    quality_manager.language = "fr"
    quality_manager.save(update_fields=["language"])
    for url in (
        qualiopi_certification.get_absolute_url(),
        audit.get_absolute_url(),
        reverse("certifications:certification-list"),
        reverse("certifications:audit-list"),
    ):
        french = parse(client.get(url))
        assert french.one("head title").get("lang") is None
        assert french.all("main [lang]") == [] and french.all(".breadcrumb [lang]") == [], url

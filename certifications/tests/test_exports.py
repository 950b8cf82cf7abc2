"""What leaves for the certifier: the matrix as XLSX and PDF, the audit report as PDF, the evidence archive."""

from __future__ import annotations

import datetime
import io
import zipfile

import openpyxl
import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader

from actionplans.services import action_create_for_source
from certifications import exports, services
from certifications.choices import AuditType, ComplianceStatus
from certifications.models import CertificationSettings
from certifications.reports import EVIDENCE_ARCHIVE, MATRIX_PDF
from qms.core import reports
from qms.core.choices import ReportState
from qms.core.models import StoredReport
from qms.core.tests.html import parse

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def assessed(qualiopi_certification, quality_manager):
    framework = qualiopi_certification.framework
    i1, i2 = framework.requirements.get(reference="I1"), framework.requirements.get(reference="I2")
    services.assessment_save(
        certification=qualiopi_certification,
        requirement=i1,
        status=ComplianceStatus.COMPLIANT,
        comment="Catalogue des formations en ligne",
        owner=quality_manager,
        by=quality_manager,
    )
    services.evidence_add(
        certification=qualiopi_certification,
        requirement=i1,
        url="https://formation.example.edu/catalogue",
        label="Catalogue",
        by=quality_manager,
    )
    services.evidence_add(
        certification=qualiopi_certification,
        requirement=i1,
        file=SimpleUploadedFile("fiche-programme.pdf", b"%PDF-1.4 fiche programme"),
        by=quality_manager,
    )
    services.assessment_save(
        certification=qualiopi_certification, requirement=i2, status=ComplianceStatus.PARTIAL, by=quality_manager
    )
    services.evidence_add(
        certification=qualiopi_certification,
        requirement=i2,
        file=SimpleUploadedFile("indicateurs.pdf", b"%PDF-1.4 indicateurs"),
        by=quality_manager,
    )
    return qualiopi_certification


def test_the_matrix_xlsx_reads_back_requirement_status_and_evidence(client, quality_manager, assessed):
    client.force_login(quality_manager)
    response = client.get(reverse("certifications:matrix-xlsx", args=[assessed.pk]))
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Référence", "Exigence", "Statut")
    by_reference = {row[0]: row for row in rows[1:]}
    assert by_reference["I1"][2] == "Conforme"
    assert by_reference["I1"][3] == "Catalogue des formations en ligne"
    assert "https://formation.example.edu/catalogue" in by_reference["I1"][6]
    assert "fiche-programme" in by_reference["I1"][6]
    assert by_reference["I2"][2] == "Partiellement conforme"
    assert by_reference["C1"][2].endswith("%")  # a criterion shows its readiness


def test_the_matrix_pdf_is_built_in_the_background_and_reads_back(
    client, quality_manager, assessed, django_capture_on_commit_callbacks
):
    client.force_login(quality_manager)
    matrix_url = reverse("certifications:matrix", args=[assessed.pk])
    assert client.get(reverse("certifications:matrix-pdf", args=[assessed.pk]))["Location"] == matrix_url
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("certifications:matrix-pdf", args=[assessed.pk]))
    report = StoredReport.objects.get(kind=MATRIX_PDF)
    assert response["Location"] == report.get_absolute_url() and report.target == assessed
    report.refresh_from_db()
    assert report.state == ReportState.READY and report.generated_at is not None
    page = parse(client.get(matrix_url))
    assert page.one("[data-last-pdf]").get("href") == reverse("core:report-download", args=[report.pk])
    assert client.get(reverse("certifications:matrix-pdf", args=[assessed.pk]))["Location"] == report.get_absolute_url()
    response = client.get(reverse("core:report-download", args=[report.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    content = b"".join(response.streaming_content)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    assert "Matrice de conformité" in text
    assert "I1" in text and "Conforme" in text
    assert "formation.example.edu/catalogue" in text


def test_the_audit_report_lists_findings_by_grade_with_their_actions_and_dates(
    client, quality_manager, qualiopi_certification
):
    audit = services.audit_create(
        title="Audit de surveillance 2025",
        audit_type=AuditType.SURVEILLANCE,
        start_date=D(2025, 6, 2),
        end_date=D(2025, 6, 3),
        certification=qualiopi_certification,
        by=quality_manager,
    )
    framework = qualiopi_certification.framework
    major = services.finding_create(
        audit=audit,
        grade=framework.grades.get(code="major"),
        requirement=framework.requirements.get(reference="I11"),
        description="Évaluation des acquis absente",
        by=quality_manager,
    )
    services.finding_create(
        audit=audit, grade=framework.grades.get(code="minor"), description="Tarifs manquants", by=quality_manager
    )
    action_create_for_source(source=major, title="Mettre en place une évaluation finale", by=quality_manager)
    client.force_login(quality_manager)
    response = client.get(reverse("certifications:audit-report-pdf", args=[audit.pk]))
    assert response.status_code == 200
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert text.index("Non-conformité majeure") < text.index("Non-conformité mineure")
    assert "Mettre en place une évaluation finale" in " ".join(text.split())
    assert "03/09/2025" in text  # the major's implementation date


def ask_for_the_archive(client, certification, capture):
    """Post the matrix page's button; the worker (eager here) builds the archive once the request commits."""
    with capture(execute=True):
        response = client.post(reverse("certifications:evidence-archive", args=[certification.pk]))
    return response


def test_the_evidence_archive_is_built_after_commit_and_stored_with_its_time(
    client, quality_manager, assessed, django_capture_on_commit_callbacks
):
    client.force_login(quality_manager)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("certifications:evidence-archive", args=[assessed.pk]))
    report = StoredReport.objects.get(kind=EVIDENCE_ARCHIVE)
    assert response["Location"] == report.get_absolute_url()  # the progress page
    assert (report.state, report.target) == (ReportState.QUEUED, assessed)
    for callback in callbacks:  # the request commits: the task is queued (and, eager here, runs)
        callback()
    report.refresh_from_db()
    assert report.state == ReportState.READY and report.generated_at is not None
    assert report.filename.startswith("preuves-") and report.filename.endswith(".zip")
    # The matrix offers the archive built, with its time; the address of the archive leads to it too.
    page = parse(client.get(reverse("certifications:matrix", args=[assessed.pk])))
    assert page.one("[data-last-archive]").get("href") == reverse("core:report-download", args=[report.pk])
    response = client.get(reverse("certifications:evidence-archive", args=[assessed.pk]))
    assert response["Location"] == report.get_absolute_url()


def test_the_evidence_archive_holds_an_index_and_a_folder_per_criterion(
    client, quality_manager, assessed, django_capture_on_commit_callbacks
):
    client.force_login(quality_manager)
    ask_for_the_archive(client, assessed, django_capture_on_commit_callbacks)
    report = StoredReport.objects.get(kind=EVIDENCE_ARCHIVE, state=ReportState.READY)
    response = client.get(reverse("core:report-download", args=[report.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = archive.namelist()
    assert "index.html" in names
    files = [name for name in names if name != "index.html"]
    assert len(files) == 2
    assert all(name.startswith("C1 Information du public/") for name in files)
    assert any(name.endswith("fiche-programme.pdf") and "/I1 - " in name for name in files)
    assert archive.read(next(name for name in files if "indicateurs" in name)) == b"%PDF-1.4 indicateurs"
    index = archive.read("index.html").decode()
    assert "https://formation.example.edu/catalogue" in index  # URLs are listed in the index
    assert 'data-reference="I1"' in index and "Conforme" in index
    for name in files:
        assert name.replace(" ", "%20") in index  # each file is linked from its row


def test_an_auditor_downloads_the_archive_built_but_does_not_ask_for_one(
    client, quality_manager, auditor, assessed, django_capture_on_commit_callbacks
):
    with time_machine.travel(D(2025, 6, 1)):
        services.audit_create(
            title="Surveillance",
            audit_type=AuditType.SURVEILLANCE,
            start_date=D(2025, 6, 2),
            end_date=D(2025, 6, 3),
            certification=assessed,
            lead_auditor=auditor,
            by=quality_manager,
        )
    client.force_login(quality_manager)
    ask_for_the_archive(client, assessed, django_capture_on_commit_callbacks)
    report = StoredReport.objects.get(kind=EVIDENCE_ARCHIVE)
    with time_machine.travel(D(2025, 6, 2)):
        client.force_login(auditor)
        assert client.post(reverse("certifications:evidence-archive", args=[assessed.pk])).status_code == 403
        assert client.get(reverse("core:report-download", args=[report.pk])).status_code == 200
    with time_machine.travel(D(2026, 1, 1)):  # the grant has ended
        client.force_login(auditor)
        assert client.get(reverse("core:report-download", args=[report.pk])).status_code == 404


def test_the_archive_stops_with_a_clear_message_at_the_size_cap(
    client, quality_manager, assessed, django_capture_on_commit_callbacks
):
    with pytest.raises(exports.EvidenceArchiveTooLarge, match="limit of 0 MB"):
        exports.evidence_archive(assessed, max_bytes=30)
    with pytest.raises(exports.EvidenceArchiveTooLarge, match="limit of 0 MB"):
        exports.check_archive_size(assessed, max_bytes=30)
    assert exports.check_archive_size(assessed) == len(b"%PDF-1.4 fiche programme") + len(b"%PDF-1.4 indicateurs")
    settings = CertificationSettings.load()
    settings.zip_max_megabytes = 1
    settings.save()
    services.evidence_add(
        certification=assessed,
        requirement=assessed.framework.requirements.get(reference="I2"),
        file=SimpleUploadedFile("gros.pdf", b"%PDF-1.4 " + b"x" * (1024 * 1024)),
        by=quality_manager,
    )
    client.force_login(quality_manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("certifications:evidence-archive", args=[assessed.pk]), follow=True)
    # Told at once, on the matrix; nothing is asked of the workers.
    assert response.redirect_chain[-1][0] == reverse("certifications:matrix", args=[assessed.pk])
    assert "1\u00a0Mo" in response.content.decode()
    assert not StoredReport.objects.filter(kind=EVIDENCE_ARCHIVE).exists()


def test_an_archive_that_grew_past_the_cap_before_its_build_fails_with_the_message(
    quality_manager, assessed, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        report = reports.request_report(kind=EVIDENCE_ARCHIVE, obj=assessed, by=quality_manager)
    settings = CertificationSettings.load()
    settings.zip_max_megabytes = 1
    settings.save()
    services.evidence_add(
        certification=assessed,
        requirement=assessed.framework.requirements.get(reference="I2"),
        file=SimpleUploadedFile("gros.pdf", b"%PDF-1.4 " + b"x" * (1024 * 1024)),
        by=quality_manager,
    )
    reports.build_report(report.pk)
    report.refresh_from_db()
    assert report.state == ReportState.FAILED
    assert report.error.startswith("The evidence files pass the archive's limit of 1 MB")


def test_the_archive_holds_the_cited_document_version(client, quality_manager, auditor, qualiopi_certification):
    from django.core.files.base import ContentFile

    from processes.models import Document, DocumentVersion

    document = Document.objects.create(reference="PR-07", title="Procédure réclamations")
    version = DocumentVersion(document=document, number="3", status="approved", filename="procedure.pdf")
    version.file.save("procedure.pdf", ContentFile(b"%PDF-1.4 procedure v3"), save=False)
    version.save()
    i31 = qualiopi_certification.framework.requirements.get(reference="I31")
    evidence = services.evidence_add(
        certification=qualiopi_certification, requirement=i31, document_version=version, by=quality_manager
    )
    archive = zipfile.ZipFile(io.BytesIO(exports.evidence_archive(qualiopi_certification)))
    name = next(name for name in archive.namelist() if name.endswith("procedure.pdf"))
    assert name.startswith("C7 ") and "/I31 - " in name
    assert archive.read(name) == b"%PDF-1.4 procedure v3"
    # Downloaded through the certification's evidence page, for whoever reads the matrix.
    client.force_login(quality_manager)
    response = client.get(reverse("certifications:evidence-download", args=[evidence.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 procedure v3"

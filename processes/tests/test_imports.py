"""Imports of the risk register, the document list and the measurement history: upload → preview → confirm,
line-numbered errors, atomic and idempotent."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from processes import imports, services
from processes.choices import ImportKind, IndicatorFrequency, MeasurementOrigin, RiskKind, VersionStatus
from processes.models import Document, Measurement, ProcessImport, Risk
from processes.services import ProcessMapError
from processes.tests.factories import DocumentFactory, DocumentVersionFactory, IndicatorFactory, RiskFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(datetime.datetime(2025, 6, 16, 10, 0, tzinfo=datetime.UTC), tick=False):
        yield


def csv(text: str) -> bytes:
    return text.strip().encode("utf-8")


def start(kind, content, user, filename="import.csv"):
    return services.import_start(kind=kind, by=user, source=io.BytesIO(content), filename=filename)


def preview(process_import, user):
    return imports.analyse(process_import.kind, process_import.payload, user)


# --- The risk register ---------------------------------------------------------------------------------------------

RISK_HEADER = ";".join(
    [
        "Processus",
        "Réf.",
        "Type",
        "Description du risque",
        "Cause",
        "Conséquence",
        "Probabilité",
        "Gravité",
        "Traitement",
        "Probabilité résiduelle",
        "Gravité résiduelle",
        "Date de revue",
    ]
)
RISKS = f"""
Registre des risques 2025

{RISK_HEADER}
R2;;Risque;Perte de dossiers d'inscription;Saisie papier;Étudiant non inscrit;3;4;Réduire;2;2;30/09/2025
R2;;Opportunité;Dématérialiser les pièces;;;3;2;;;;
M1;M1-R07;menace;Départ de la direction;;;2;4;Accepter;;;
"""


def test_the_risk_register_imports_and_a_second_import_changes_nothing(quality_manager, process, other_process):
    process_import = start(ImportKind.RISKS, csv(RISKS), quality_manager)
    result = services.import_confirm(process_import=process_import, by=quality_manager)
    assert result == {"created": 3, "updated": 0, "unchanged": 0}
    risk = Risk.objects.get(process=process, kind=RiskKind.RISK)
    assert (risk.reference, risk.likelihood, risk.severity, risk.treatment) == ("R2-R01", 3, 4, "reduce")
    assert (risk.residual_likelihood, risk.residual_severity, risk.review_on) == (2, 2, datetime.date(2025, 9, 30))
    assert Risk.objects.get(process=process, kind=RiskKind.OPPORTUNITY).reference == "R2-O01"
    assert Risk.objects.get(reference="M1-R07").process == other_process
    again = start(ImportKind.RISKS, csv(RISKS), quality_manager)
    analysed = preview(again, quality_manager)
    assert (len(analysed.creates), len(analysed.updates), len(analysed.unchanged)) == (0, 0, 3)
    assert services.import_confirm(process_import=again, by=quality_manager)["unchanged"] == 3
    assert Risk.objects.count() == 3


def test_a_changed_score_is_an_update(quality_manager, process):
    RiskFactory(process=process, reference="R2-R05", description="Panne du logiciel", likelihood=1, severity=1)
    process_import = start(
        ImportKind.RISKS,
        csv("Processus;Référence;Description;Probabilité;Gravité\nR2;R2-R05;Panne du logiciel;3;3"),
        quality_manager,
    )
    analysed = preview(process_import, quality_manager)
    assert len(analysed.updates) == 1 and analysed.updates[0].changes
    services.import_confirm(process_import=process_import, by=quality_manager)
    assert Risk.objects.get(reference="R2-R05").criticality == 9


def test_every_error_is_reported_on_its_line_and_nothing_is_imported(quality_manager, process):
    content = csv(
        """
Processus;Description;Probabilité;Gravité;Traitement;Probabilité résiduelle;Gravité résiduelle;Date de revue
R2;Bon risque;2;2;;;;
ZZ;Processus inconnu;2;2;;;;
R2;Score hors échelle;5;2;;;;
R2;Traitement inconnu;2;2;Prier;;;
R2;Résiduel seul;2;2;;1;;
R2;Date fausse;2;2;;;;31/02/2025
R2;;2;2;;;;
"""
    )
    process_import = start(ImportKind.RISKS, content, quality_manager)
    analysed = preview(process_import, quality_manager)
    lines = sorted({error.line for error in analysed.errors})
    assert lines == [3, 4, 5, 6, 7, 8]
    messages = " | ".join(error.message for error in analysed.errors)
    for expected in (
        "Line 3: no process has the code “ZZ”",
        "Line 4: column",
        "is not a score from 1 to 4",
        "Prier",
        "both residual scores",
        "not a valid date",
        "Line 8: the description is empty",
    ):
        assert expected in messages, expected
    with pytest.raises(ProcessMapError, match="errors"):
        services.import_confirm(process_import=process_import, by=quality_manager)
    assert not Risk.objects.exists()


def test_rows_of_a_process_the_importer_may_not_edit_are_refused(process_owner, process, other_process):
    content = csv("Processus;Description;Probabilité;Gravité\nR2;Le mien;2;2\nM1;Pas le mien;2;2")
    analysed = preview(start(ImportKind.RISKS, content, process_owner), process_owner)
    assert [error.message for error in analysed.errors] == ["Line 3: you may not edit process M1."]


def test_a_file_that_is_not_a_spreadsheet_says_so(quality_manager):
    with pytest.raises(ProcessMapError, match="header row"):
        start(ImportKind.RISKS, b"bonjour\nceci n'est pas un registre", quality_manager)
    assert not ProcessImport.objects.exists()


# --- The document list ---------------------------------------------------------------------------------------------


def _xlsx(rows) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


DOCUMENTS = [
    [
        "Référence",
        "Titre",
        "Type",
        "Processus",
        "Origine",
        "Émetteur",
        "Lien",
        "Périodicité (mois)",
        "Version",
        "Date de version",
    ],
    ["PR-R2-01", "Procédure d'inscription", "Procédure", "R2", "Interne", "", "", 24, "3", datetime.date(2024, 9, 2)],
    [
        "EXT-01",
        "Code de l'éducation",
        "",
        "R2",
        "Externe",
        "Légifrance",
        "https://www.legifrance.gouv.fr/",
        "",
        "2025",
        "15/01/2025",
    ],
]


def test_the_document_list_imports_with_the_current_versions(quality_manager, process):
    result = services.import_confirm(
        process_import=start(ImportKind.DOCUMENTS, _xlsx(DOCUMENTS), quality_manager, "documents.xlsx"),
        by=quality_manager,
    )
    assert result["created"] == 2
    procedure = Document.objects.get(reference="PR-R2-01")
    version = procedure.versions.get()
    assert (version.number, version.status, version.issued_on) == (
        "3",
        VersionStatus.APPROVED,
        datetime.date(2024, 9, 2),
    )
    assert procedure.next_review_on == datetime.date(2026, 9, 2)
    external = Document.objects.get(reference="EXT-01")
    assert (external.origin, external.issuer, external.versions.get().link) == (
        "external",
        "Légifrance",
        "https://www.legifrance.gouv.fr/",
    )
    # Again: nothing changes.
    again = services.import_confirm(
        process_import=start(ImportKind.DOCUMENTS, _xlsx(DOCUMENTS), quality_manager, "documents.xlsx"),
        by=quality_manager,
    )
    assert again == {"created": 0, "updated": 0, "unchanged": 2}


def test_a_new_version_number_in_the_list_supersedes_the_one_in_force(quality_manager, process):
    document = DocumentFactory(process=process, reference="PR-R2-01", title="Procédure d'inscription")
    old = DocumentVersionFactory(document=document, number="2", status=VersionStatus.APPROVED)
    rows = [DOCUMENTS[0], DOCUMENTS[1]]
    analysed = preview(start(ImportKind.DOCUMENTS, _xlsx(rows), quality_manager, "d.xlsx"), quality_manager)
    assert analysed.updates[0].changes == ["new approved version 3"]
    services.import_confirm(
        process_import=start(ImportKind.DOCUMENTS, _xlsx(rows), quality_manager, "d.xlsx"), by=quality_manager
    )
    old.refresh_from_db()
    assert old.status == VersionStatus.OBSOLETE
    assert document.versions.get(status=VersionStatus.APPROVED).number == "3"


def test_document_errors_are_line_numbered(quality_manager, process):
    rows = [
        DOCUMENTS[0],
        ["", "Sans référence", "", "R2", "", "", "", "", "", ""],
        ["EXT-02", "Sans émetteur", "", "R2", "Externe", "", "", "", "", ""],
        ["PR-9", "Type inconnu", "Roman", "R2", "", "", "", "", "", ""],
        ["PR-10", "Lien faux", "", "R2", "", "", "ftp://x", "", "", ""],
        ["PR-11", "Date future", "", "R2", "", "", "", "", "1", "01/01/2030"],
    ]
    analysed = preview(start(ImportKind.DOCUMENTS, _xlsx(rows), quality_manager, "d.xlsx"), quality_manager)
    assert sorted({error.line for error in analysed.errors}) == [2, 3, 4, 5, 6]


# --- Measurements ---------------------------------------------------------------------------------------------------


def test_the_measurement_history_imports_for_each_period(quality_manager, process, other_process):
    yearly = IndicatorFactory(process=process, name="Taux de réussite en licence")
    monthly = IndicatorFactory(
        process=process, name="Dossiers traités", frequency=IndicatorFrequency.MONTHLY, unit="count"
    )
    IndicatorFactory(process=other_process, name="Taux de réussite en licence")  # a homonym elsewhere
    content = csv(
        """
Processus;Indicateur;Période;Valeur;Numérateur;Dénominateur;Commentaire
R2;Taux de réussite en licence;2023;71,5;143;200;
R2;Taux de réussite en licence;2024;74 %;;;Nouvelle maquette
R2;Dossiers traités;2025-03;1 204;;;
R2;Dossiers traités;15/04/2025;1 310;;;
"""
    )
    result = services.import_confirm(
        process_import=start(ImportKind.MEASUREMENTS, content, quality_manager), by=quality_manager
    )
    assert result["created"] == 4
    values = dict(yearly.measurements.values_list("period_start", "value"))
    assert values == {datetime.date(2023, 1, 1): Decimal("71.5"), datetime.date(2024, 1, 1): Decimal("74")}
    assert monthly.measurements.get(period_start=datetime.date(2025, 4, 1)).period_end == datetime.date(2025, 4, 30)
    assert set(Measurement.objects.values_list("origin", flat=True)) == {MeasurementOrigin.IMPORTED}


def test_measurement_errors_are_line_numbered_and_atomic(quality_manager, process, other_process):
    IndicatorFactory(process=process, name="Taux")
    IndicatorFactory(process=other_process, name="Taux")
    IndicatorFactory(process=process, name="Calculé", source="metric", metric_key="complaints.handled_rate")
    content = csv(
        """
Processus;Indicateur;Période;Valeur
R2;Taux;2023;50
;Taux;2023;50
R2;Inconnu;2023;50
R2;Taux;hier;50
R2;Taux;2024;beaucoup
R2;Calculé;2024;1
R2;Taux;2023;51
R2;Taux;2030;51
"""
    )
    process_import = start(ImportKind.MEASUREMENTS, content, quality_manager)
    analysed = preview(process_import, quality_manager)
    assert sorted({error.line for error in analysed.errors}) == [3, 4, 5, 6, 7, 8, 9]
    messages = " | ".join(error.message for error in analysed.errors)
    assert "give the process" in messages and "already on line 2" in messages and "is computed" in messages
    with pytest.raises(ProcessMapError):
        services.import_confirm(process_import=process_import, by=quality_manager)
    assert not Measurement.objects.exists()


@pytest.mark.parametrize(
    ("text", "frequency", "start"),
    [
        ("2025-03", IndicatorFrequency.MONTHLY, datetime.date(2025, 3, 1)),
        ("T2 2025", IndicatorFrequency.QUARTERLY, datetime.date(2025, 4, 1)),
        ("2025 Q4", IndicatorFrequency.QUARTERLY, datetime.date(2025, 10, 1)),
        ("2024-2025", IndicatorFrequency.ACADEMIC_YEAR, datetime.date(2024, 9, 1)),
        ("15/10/2024", IndicatorFrequency.ACADEMIC_YEAR, datetime.date(2024, 9, 1)),
        ("2024", IndicatorFrequency.YEARLY, datetime.date(2024, 1, 1)),
        ("2024-13", IndicatorFrequency.MONTHLY, None),
    ],
)
def test_periods_are_read_as_people_write_them(text, frequency, start):
    period = imports.parse_period(text, frequency)
    assert (period.start if period else None) == start


# --- The pages -------------------------------------------------------------------------------------------------------


def test_upload_preview_confirm(client, quality_manager, process, other_process):
    client.force_login(quality_manager)
    upload = SimpleUploadedFile("registre.csv", csv(RISKS), content_type="text/csv")
    response = client.post(reverse("processes:import", args=["risks"]), {"file": upload})
    assert response.status_code == 302
    preview_url = response["Location"]
    html = client.get(preview_url).content.decode()
    assert 'data-count="create"' in html and 'data-line="5"' in html
    assert not Risk.objects.exists()
    response = client.post(preview_url)
    assert response.status_code == 302
    assert Risk.objects.count() == 3
    client.cookies["django_language"] = "en"
    assert "already been applied" in client.get(preview_url).content.decode()
    assert client.post(preview_url).status_code == 302
    assert Risk.objects.count() == 3


def test_a_preview_is_only_for_the_person_who_sent_the_file(client, quality_manager, process_owner, process):
    process_import = start(ImportKind.RISKS, csv(RISKS), quality_manager)
    client.force_login(process_owner)
    assert client.get(reverse("processes:import-preview", args=[process_import.pk])).status_code == 404
    assert client.post(reverse("processes:import-preview", args=[process_import.pk])).status_code == 404


def test_an_unreadable_upload_is_a_message_on_the_form(client, quality_manager):
    client.force_login(quality_manager)
    upload = SimpleUploadedFile("vieux.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"0" * 100)
    response = client.post(reverse("processes:import", args=["documents"]), {"file": upload})
    assert response.status_code == 200
    assert ".xls" in response.content.decode()

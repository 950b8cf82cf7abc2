"""Imports: a framework, the certificate register and a self-assessment; upload → preview → confirm, errors by
line, all or nothing, and the same file twice changes nothing."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from certifications import services
from certifications.choices import ImportKind
from certifications.models import Assessment, Certificate, Certification, Framework
from certifications.services import CertificationError
from qms.core.spreadsheets import write_xlsx

pytestmark = pytest.mark.django_db
D = datetime.date


def csv(text: str) -> bytes:
    return text.encode("utf-8")


def start(kind, by, content: bytes, name: str = "fichier.csv", **kwargs):
    return services.import_start(kind=kind, by=by, source=SimpleUploadedFile(name, content), filename=name, **kwargs)


FRAMEWORK_CSV = csv(
    "Qualicert IAE\n\nRéférence;Parent;Intitulé\n"
    "E1;;Engagements envers les étudiants\n"
    "E1.1;E1;Information claire sur les formations\n"
    "E1.2;E1;Accompagnement personnalisé\n"
    "E2;;Engagements envers les entreprises\n"
    "E2.1;E2;Relations avec les entreprises partenaires\n"
)


def test_a_custom_framework_imports_with_its_tree_and_twice_changes_nothing(quality_manager):
    options = {"code": "qualicert", "name": "Qualicert — IAE", "version": "2024", "kind": "certification"}
    batch = start(ImportKind.FRAMEWORK, quality_manager, FRAMEWORK_CSV, options=options)
    result = services.import_confirm(batch=batch, by=quality_manager)
    framework = Framework.objects.get(code="qualicert")
    assert (result.created, framework.is_reference) == (5, False)
    assert framework.requirements.filter(is_leaf=True).count() == 3
    assert framework.requirements.get(reference="E1.2").parent.reference == "E1"
    assert framework.grades.count() == 5  # the default AFNOR-style scale
    again = services.import_confirm(
        batch=start(ImportKind.FRAMEWORK, quality_manager, FRAMEWORK_CSV, options=options), by=quality_manager
    )
    assert (again.created, again.updated, again.unchanged) == (0, 0, 5)


def test_a_framework_file_with_errors_imports_nothing_and_says_where(quality_manager):
    content = csv("Référence;Parent;Titre\nA;;Un\nA.1;B;Sous\nA;;Doublon\nC;C;Boucle\n;;Sans référence\n")
    batch = start(ImportKind.FRAMEWORK, quality_manager, content, options={"code": "x", "name": "X", "version": "1"})
    from certifications import imports

    errors = [error.message for error in imports.analyse(batch).errors]
    assert any("Line 4" in message and "line 2" in message for message in errors)
    assert any("Line 3" in message and "“B”" in message for message in errors)
    assert any("Line 5" in message and "own parent" in message for message in errors)
    assert any("Line 6" in message for message in errors)
    with pytest.raises(CertificationError, match="errors: nothing was imported"):
        services.import_confirm(batch=batch, by=quality_manager)
    assert not Framework.objects.filter(code="x").exists()


def test_a_reference_framework_is_not_imported_over(qualiopi, quality_manager):
    with pytest.raises(CertificationError, match="reference data"):
        start(
            ImportKind.FRAMEWORK,
            quality_manager,
            FRAMEWORK_CSV,
            options={"code": "qualiopi", "name": "Q", "version": qualiopi.version},
        )


def test_the_register_imports_certifications_and_certificates_idempotently(qualiopi, iso, org, quality_manager):
    rows = [
        [
            "Qualiopi — Université",
            "qualiopi",
            "",
            org.institution.code,
            "qm",
            "Formation continue et VAE",
            "AFNOR",
            "",
            "Q-1",
            D(2022, 1, 15),
            "",
            "",
        ],
        [
            "Qualiopi — Université",
            "qualiopi",
            "",
            org.institution.code,
            "qm",
            "Formation continue et VAE",
            "AFNOR",
            "",
            "Q-2",
            D(2024, 11, 20),
            "",
            "",
        ],
        [
            "ISO 9001 Sciences",
            "iso9001",
            "2015",
            org.sciences.name,
            "",
            "",
            "Bureau Veritas",
            "",
            "ISO-7",
            D(2023, 6, 1),
            D(2023, 6, 1),
            D(2026, 5, 31),
        ],
    ]
    headers = [
        "Certification",
        "Référentiel",
        "Version",
        "Unité",
        "Responsable",
        "Périmètre",
        "Organisme certificateur",
        "Niveau",
        "Numéro",
        "Date de délivrance",
        "Valable du",
        "Valable jusqu'au",
    ]
    content = write_xlsx(headers, rows)
    batch = start(ImportKind.REGISTER, quality_manager, content, name="registre.xlsx")
    from certifications import imports

    preview = imports.analyse(batch)
    assert not preview.errors, preview.errors
    result = services.import_confirm(batch=batch, by=quality_manager)
    assert Certification.objects.count() == 2
    qualiopi_cert = Certification.objects.get(name="Qualiopi — Université")
    assert qualiopi_cert.owner == quality_manager and qualiopi_cert.certifying_body == "AFNOR"
    renewal = Certificate.objects.get(number="Q-2")
    # The renewal takes effect the day after the first certificate expires (14 January 2025).
    assert (renewal.valid_from, renewal.valid_until) == (D(2025, 1, 15), D(2028, 1, 14))
    assert Certificate.objects.get(number="ISO-7").valid_until == D(2026, 5, 31)
    assert result.created + result.updated == 3
    again = services.import_confirm(
        batch=start(ImportKind.REGISTER, quality_manager, content, name="registre.xlsx"), by=quality_manager
    )
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert Certificate.objects.count() == 3


def test_register_errors_are_given_by_line(quality_manager, qualiopi, org):
    content = csv(
        "Certification;Référentiel;Unité;Date de délivrance\n"
        "A;inconnu;univ;2024-01-01\n"
        "B;qualiopi;nulle-part;2024-01-01\n"
        "C;qualiopi;univ;32/13/2024\n"
        "D;qualiopi;univ;\n"
    )
    from certifications import imports

    errors = imports.analyse(start(ImportKind.REGISTER, quality_manager, content)).errors
    assert [error.line for error in errors] == [2, 3, 4, 5]
    assert "“inconnu”" in errors[0].message


def test_a_self_assessment_imports_statuses_in_french_and_twice_changes_nothing(
    qualiopi_certification, quality_manager, referent_sciences
):
    content = csv(
        "Référence;Statut;Commentaire;Responsable;Justification\n"
        "I1;Conforme;Catalogue en ligne;qm;\n"
        "I2;partiellement conforme;Indicateurs à publier;;\n"
        "I9;NA;;;Pas de prestation concernée\n"
    )
    batch = start(ImportKind.SELF_ASSESSMENT, quality_manager, content, certification=qualiopi_certification)
    result = services.import_confirm(batch=batch, by=quality_manager)
    assert result.created == 3
    statuses = dict(
        Assessment.objects.filter(certification=qualiopi_certification).values_list("requirement__reference", "status")
    )
    assert statuses == {"I1": "compliant", "I2": "partial", "I9": "not_applicable"}
    assert Assessment.objects.get(requirement__reference="I1").owner == quality_manager
    again = services.import_confirm(
        batch=start(ImportKind.SELF_ASSESSMENT, quality_manager, content, certification=qualiopi_certification),
        by=quality_manager,
    )
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)


def test_a_self_assessment_refuses_unknown_references_headings_and_unjustified_na(
    qualiopi_certification, quality_manager
):
    content = csv("Référence;Statut\nI99;Conforme\nC1;Conforme\nI1;peut-être\nI2;Non applicable\n")
    from certifications import imports

    errors = imports.analyse(
        start(ImportKind.SELF_ASSESSMENT, quality_manager, content, certification=qualiopi_certification)
    ).errors
    assert [error.line for error in errors] == [2, 3, 4, 5]


def test_the_pages_preview_then_apply_and_only_for_who_sent_it(
    client, quality_manager, director, qualiopi_certification
):
    client.force_login(quality_manager)
    url = reverse("certifications:self-assessment-import", args=[qualiopi_certification.pk])
    response = client.post(url, {"file": SimpleUploadedFile("auto.csv", csv("Référence;Statut\nI1;Conforme\n"))})
    assert response.status_code == 302
    preview_url = response["Location"]
    page = client.get(preview_url).content.decode()
    assert 'data-op="create"' in page
    assert not Assessment.objects.exists()
    client.force_login(director)
    assert client.get(preview_url).status_code == 404
    client.force_login(quality_manager)
    assert client.post(preview_url).status_code == 302
    assert Assessment.objects.get().status == "compliant"
    bad = client.post(url, {"file": SimpleUploadedFile("vieux.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 old")})
    assert bad.status_code == 200
    assert ".xls" in bad.content.decode()

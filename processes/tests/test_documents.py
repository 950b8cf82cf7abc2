"""Controlled documents: the approval workflow with its refusals, one approved version at a time, the files, the
permission-checked download and the staff library."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.urls import reverse

from processes import services
from processes.choices import DocumentOrigin, VersionStatus
from processes.models import DocumentVersion
from processes.services import ProcessMapError
from processes.tests.factories import DocumentFactory, DocumentVersionFactory
from qms.core.workflow import status_history
from qms.notifications.models import OutboxEmail
from qms.notifications.services import render_outbox_email

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name="procedure.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture
def document(process, process_owner):
    return DocumentFactory(process=process, owner=process_owner, reference="PR-INS-01", title="Procédure d'inscription")


def _approve(document, number, author, approver):
    version = services.version_create(document=document, by=author, number=number, file=pdf())
    services.version_submit(version=version, by=author)
    return services.version_approve(version=version, by=approver)


def test_a_version_goes_from_draft_to_review_to_approved(document, process_owner, quality_manager):
    version = services.version_create(document=document, by=process_owner, number="1", file=pdf())
    assert (version.status, version.author, version.content_type) == (
        VersionStatus.DRAFT,
        process_owner,
        "application/pdf",
    )
    services.version_submit(version=version, by=process_owner, reviewer=quality_manager)
    assert OutboxEmail.objects.filter(kind="document-review-requested", recipient_user=quality_manager).exists()
    services.version_approve(version=version, by=quality_manager)
    version.refresh_from_db()
    assert (version.status, version.approver) == (VersionStatus.APPROVED, quality_manager)
    assert [c.to_status for c in status_history(version)] == ["draft", "in_review", "approved"]


def test_a_draft_without_file_or_link_cannot_be_submitted(document, process_owner):
    version = services.version_create(document=document, by=process_owner, number="1")
    with pytest.raises(ProcessMapError, match="Join the file or give the link"):
        services.version_submit(version=version, by=process_owner)
    version.refresh_from_db()
    assert version.status == VersionStatus.DRAFT


def test_a_draft_is_not_approved_without_review(document, process_owner, quality_manager):
    version = services.version_create(document=document, by=process_owner, number="1", file=pdf())
    with pytest.raises(ProcessMapError, match="not allowed"):
        services.version_approve(version=version, by=quality_manager)


def test_the_author_of_an_internal_version_does_not_approve_it(document, process_owner):
    version = services.version_create(document=document, by=process_owner, number="1", file=pdf())
    services.version_submit(version=version, by=process_owner)
    with pytest.raises(ProcessMapError, match="author of a version cannot approve it"):
        services.version_approve(version=version, by=process_owner)
    version.refresh_from_db()
    assert version.status == VersionStatus.IN_REVIEW


def test_the_author_records_the_edition_of_an_external_document(process, process_owner):
    external = DocumentFactory(process=process, origin=DocumentOrigin.EXTERNAL, issuer="Légifrance", reference="EXT-1")
    version = services.version_create(
        document=external, by=process_owner, number="2024", link="https://www.legifrance.gouv.fr/"
    )
    services.version_submit(version=version, by=process_owner)
    services.version_approve(version=version, by=process_owner)
    version.refresh_from_db()
    assert version.status == VersionStatus.APPROVED


def test_sending_back_needs_a_reason_which_the_author_is_told(document, process_owner, quality_manager):
    version = services.version_create(document=document, by=process_owner, number="1", file=pdf())
    services.version_submit(version=version, by=process_owner)
    with pytest.raises(ProcessMapError, match="reason"):
        services.version_send_back(version=version, by=quality_manager, note=" ")
    services.version_send_back(version=version, by=quality_manager, note="Le logigramme manque")
    version.refresh_from_db()
    assert version.status == VersionStatus.DRAFT
    email = OutboxEmail.objects.get(kind="document-version-sent-back")
    assert email.recipient_user == process_owner
    assert "Le logigramme manque" in render_outbox_email(email).body_text


def test_approving_a_new_version_makes_the_previous_one_obsolete(document, process_owner, quality_manager):
    first = _approve(document, "1", process_owner, quality_manager)
    second = _approve(document, "2", process_owner, quality_manager)
    first.refresh_from_db()
    assert first.status == VersionStatus.OBSOLETE and first.obsolete_at
    assert list(document.versions.filter(status=VersionStatus.APPROVED)) == [second]
    assert "Superseded by version 2" in status_history(first).last().note


def test_the_database_holds_one_approved_version_at_most(document):
    DocumentVersionFactory(document=document, number="1", status=VersionStatus.APPROVED)
    with pytest.raises(IntegrityError):
        DocumentVersionFactory(document=document, number="2", status=VersionStatus.APPROVED)


def test_a_refused_approval_leaves_the_version_in_force(document, process_owner, quality_manager):
    first = _approve(document, "1", process_owner, quality_manager)
    second = services.version_create(document=document, by=process_owner, number="2", file=pdf())
    services.version_submit(version=second, by=process_owner)
    with pytest.raises(ProcessMapError):
        services.version_approve(version=second, by=process_owner)
    first.refresh_from_db()
    assert first.status == VersionStatus.APPROVED


def test_withdrawing_the_version_in_force_needs_a_reason_and_obsolete_is_final(
    document, process_owner, quality_manager
):
    version = _approve(document, "1", process_owner, quality_manager)
    with pytest.raises(ProcessMapError, match="reason"):
        services.version_withdraw(version=version, by=quality_manager, note="")
    services.version_withdraw(version=version, by=quality_manager, note="Procédure supprimée")
    version.refresh_from_db()
    assert version.status == VersionStatus.OBSOLETE
    with pytest.raises(ProcessMapError):
        services.version_submit(version=version, by=quality_manager)


def test_version_numbers_are_unique_in_their_document(document, process_owner):
    services.version_create(document=document, by=process_owner, number="1", link="https://example.edu/1")
    with pytest.raises(ProcessMapError, match="already has a version"):
        services.version_create(document=document, by=process_owner, number="1", link="https://example.edu/1b")


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("notes.pdf", b"just some text, not a pdf"), "not an accepted type"),
        (SimpleUploadedFile("empty.pdf", b""), "is empty"),
        (SimpleUploadedFile("script.pdf", b"<script>alert(1)</script>"), "not an accepted type"),
    ],
)
def test_files_are_checked_on_their_content(document, process_owner, upload, message):
    with pytest.raises(ProcessMapError, match=message):
        services.version_create(document=document, by=process_owner, number="1", file=upload)
    assert not DocumentVersion.objects.exists()


def test_a_file_over_20_mb_is_refused(document, process_owner):
    big = pdf(content=PDF + b"0" * (20 * 1024 * 1024))
    with pytest.raises(ProcessMapError, match="20 MB"):
        services.version_create(document=document, by=process_owner, number="1", file=big)


def test_the_file_is_served_only_through_the_checked_view(
    client, document, process_owner, quality_manager, referent_letters
):
    version = services.version_create(document=document, by=process_owner, number="1", file=pdf())
    url = reverse("processes:version-download", args=[version.pk])
    assert version.download_url == url
    # A draft: its process's editors, not a referent of another unit.
    client.force_login(referent_letters)
    assert client.get(url).status_code == 404
    client.force_login(process_owner)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert b"".join(response.streaming_content) == PDF
    with pytest.raises(ValueError):
        version.file.url  # noqa: B018 - private storage has no public address


def test_the_approved_version_of_a_library_document_is_open_to_all_staff(
    client, document, process_owner, quality_manager, teacher
):
    # The teacher belongs to Physics, below Sciences: the process of Sciences is not in their scope.
    version = _approve(document, "1", process_owner, quality_manager)
    draft = services.version_create(document=document, by=process_owner, number="2", file=pdf())
    client.force_login(teacher)
    assert client.get(reverse("processes:version-download", args=[version.pk])).status_code == 200
    assert client.get(reverse("processes:version-download", args=[draft.pk])).status_code == 404
    page = client.get(reverse("processes:library"))
    assert page.status_code == 200
    assert "Procédure d&#x27;inscription" in page.content.decode() or "Procédure d'inscription" in page.content.decode()
    document.in_library = False
    document.save()
    assert client.get(reverse("processes:version-download", args=[version.pk])).status_code == 404


def test_the_library_lists_approved_documents_by_process_internal_and_external_apart(
    client, process, other_process, process_owner, quality_manager, staff_member
):
    internal = DocumentFactory(process=process, reference="PR-1", title="Accueil des étudiants")
    external = DocumentFactory(
        process=process,
        reference="EXT-1",
        title="Code de l'éducation",
        origin=DocumentOrigin.EXTERNAL,
        issuer="Légifrance",
    )
    hidden = DocumentFactory(process=other_process, reference="PR-2", title="Brouillon seulement")
    for doc in (internal, external):
        _approve(doc, "1", process_owner, quality_manager)
    services.version_create(document=hidden, by=quality_manager, number="1", file=pdf())
    client.force_login(staff_member)
    html = client.get(reverse("processes:library")).content.decode()
    assert 'data-document="PR-1"' in html and 'data-document="EXT-1"' in html
    assert "PR-2" not in html
    assert html.index('data-kind="internal"') < html.index('data-kind="external"')
    searched = client.get(reverse("processes:library"), {"q": "education"}).content.decode()
    assert 'data-document="EXT-1"' in searched and 'data-document="PR-1"' not in searched


def test_a_recipient_confirms_reading_on_the_document_page(client, document, process_owner, quality_manager, teacher):
    version = _approve(document, "1", process_owner, quality_manager)
    services.distribution_send(
        version=version, by=quality_manager, recipients=services.DistributionList(people=[teacher])
    )
    client.force_login(teacher)
    page = client.get(document.get_absolute_url())
    assert page.status_code == 200 and 'id="read-request"' in page.content.decode()
    response = client.post(reverse("processes:read-confirm", args=[version.pk]))
    assert response.status_code == 302
    client.force_login(process_owner)
    html = client.get(document.get_absolute_url()).content.decode()
    assert 'data-confirmed="1"' in html


def test_documents_due_for_review_between_dates_and_for_their_owner(process, process_owner, quality_manager):
    import datetime

    from processes import selectors

    own = DocumentFactory(
        process=process, owner=process_owner, reference="PR-A", next_review_on=datetime.date(2025, 9, 1)
    )
    ownerless = DocumentFactory(
        process=process, owner=None, reference="PR-B", next_review_on=datetime.date(2025, 9, 20)
    )
    DocumentFactory(process=process, owner=quality_manager, reference="PR-C", next_review_on=datetime.date(2025, 12, 1))
    DocumentFactory(process=process, reference="PR-D", next_review_on=datetime.date(2025, 9, 5), is_active=False)
    due = selectors.documents_due_for_review_between(datetime.date(2025, 9, 1), datetime.date(2025, 9, 30))
    assert [(d.document, d.due_on, d.responsible) for d in due] == [
        (own, datetime.date(2025, 9, 1), process_owner),
        (ownerless, datetime.date(2025, 9, 20), process_owner),  # the process owner answers for it
    ]
    mine = selectors.documents_due_for_review_for(process_owner, today=datetime.date(2025, 8, 15), horizon_days=60)
    assert [d.document for d in mine] == [own, ownerless]


def test_distributing_through_the_page(client, document, process_owner, quality_manager, teacher, org):
    version = _approve(document, "1", process_owner, quality_manager)
    client.force_login(process_owner)
    url = reverse("processes:distribution-create", args=[version.pk])
    assert client.post(url, {}).status_code == 200  # nobody chosen: the form says so
    response = client.post(url, {"people": [teacher.pk], "role": "quality_referent", "role_units": [org.sciences.pk]})
    assert response.status_code == 302
    assert set(version.read_confirmations.values_list("user__username", flat=True)) == {"enseignant", "ref-sciences"}
    draft = services.version_create(document=document, by=process_owner, number="2", file=pdf())
    assert client.get(reverse("processes:distribution-create", args=[draft.pk])).status_code == 403

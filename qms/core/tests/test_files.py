"""The files kit: one upload policy (types read from the content, size, count, names), one multiple-file field,
one private download, and the one date input of every app."""

from __future__ import annotations

import datetime
import io
import zipfile
from pathlib import Path

import pytest
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.utils import translation
from django.utils.datastructures import MultiValueDict

from qms.core.files import (
    DOWNLOAD_CSP,
    MultipleFileField,
    UploadPolicy,
    private_file_response,
    safe_filename,
    size_label,
)
from qms.core.widgets import DateInput

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64
POLICY = UploadPolicy(max_files=2, max_bytes=1024 * 1024)
WITH_TEXT = UploadPolicy(max_files=2, max_bytes=1024 * 1024, text_extensions=frozenset({".txt", ".csv"}))


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def codes(error: ValidationError) -> set[str]:
    return {item.code for item in error.error_list}


def docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships/>')
        archive.writestr("word/document.xml", '<?xml version="1.0"?><w:document/>')
    return buffer.getvalue()


def test_the_type_is_read_from_the_content_not_from_the_name_or_the_claim():
    assert POLICY.check(upload("scan.bin", PDF)) == "application/pdf"
    assert POLICY.check(upload("photo", PNG, "text/plain")) == "image/png"
    assert (
        POLICY.check(upload("cr.dat", docx()))
        == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    for disguised in (upload("releve.pdf", EXE, "application/pdf"), upload("photo.png", b"<script>" * 20)):
        with pytest.raises(ValidationError) as refused:
            POLICY.check(disguised)
        assert codes(refused.value) == {"bad_type"}


def test_plain_text_is_accepted_only_where_the_policy_names_its_extension():
    notes = upload("notes.txt", "Compte rendu de la réunion".encode())
    assert WITH_TEXT.check(notes) == "text/plain"
    with pytest.raises(ValidationError):
        POLICY.check(notes)  # no text extension in this policy
    with pytest.raises(ValidationError):
        WITH_TEXT.check(upload("notes.md", b"# titre"))  # not one of its extensions
    with pytest.raises(ValidationError):
        WITH_TEXT.check(upload("data.csv", b"a;b\x00\x01;c"))  # binary content behind a text name
    with pytest.raises(ValidationError):
        WITH_TEXT.check(upload("programme.txt", EXE))  # a known binary type named as text


def test_size_emptiness_and_count_are_checked_with_their_own_reasons():
    with pytest.raises(ValidationError) as refused:
        POLICY.check(upload("gros.pdf", PDF + b"0" * 1024 * 1024))
    assert codes(refused.value) == {"too_large"}
    with translation.override("en"):
        assert "the limit is 1 MB per file" in refused.value.messages[0]
    with pytest.raises(ValidationError) as refused:
        POLICY.check(upload("vide.pdf", b""))
    assert codes(refused.value) == {"empty"}
    with pytest.raises(ValidationError) as refused:
        POLICY.check_all([upload(f"p{n}.pdf", PDF) for n in range(3)])
    assert codes(refused.value) == {"too_many"}
    with pytest.raises(ValidationError) as refused:
        POLICY.check_all([upload("a.pdf", PDF)], already=2)
    assert codes(refused.value) == {"too_many"}
    # Every refused file is named, not only the first.
    with pytest.raises(ValidationError) as refused:
        POLICY.check_all([upload("a.exe", EXE), upload("b.exe", EXE)])
    assert len(refused.value.messages) == 2
    assert POLICY.check_all([upload("a.pdf", PDF), upload("b.png", PNG)]) == ["application/pdf", "image/png"]


def test_whole_megabytes_read_as_people_write_them():
    with translation.override("fr"):
        assert size_label(5 * 1024 * 1024) == "5\u00a0Mo"
    with translation.override("en"):
        assert size_label(10 * 1024 * 1024) == "10 MB"
        assert size_label(1536) == "1.5\xa0KB"


def test_names_keep_no_directory_no_control_or_bidi_character_and_their_extension():
    assert safe_filename("../../etc/passwd") == "passwd"
    assert safe_filename("C:\\Users\\léa\\relevé.pdf") == "relevé.pdf"
    assert safe_filename("Facture \u202efdp.exe") == "Facture fdp.exe"
    assert safe_filename("a\x00b\nc.pdf") == "abc.pdf"
    assert safe_filename("") == "file" and safe_filename("...") == "file"
    long = safe_filename("x" * 300 + ".docx")
    assert len(long) == 100 and long.endswith(".docx")


class EvidenceForm(forms.Form):
    files = MultipleFileField(label="Files", policy=POLICY)


def test_the_multiple_file_field_takes_several_files_and_applies_its_policy():
    form = EvidenceForm(data={}, files=MultiValueDict({"files": [upload("a.pdf", PDF), upload("b.png", PNG)]}))
    assert form.is_valid(), form.errors
    assert [f.name for f in form.cleaned_data["files"]] == ["a.pdf", "b.png"]
    refused = EvidenceForm(data={}, files=MultiValueDict({"files": [upload("a.exe", EXE)]}))
    assert not refused.is_valid() and "files" in refused.errors
    html = str(EvidenceForm()["files"])
    assert "multiple" in html and 'accept=".doc,.docx,' in html and ".jpeg" in html
    with translation.override("en"):
        assert str(EvidenceForm().fields["files"].help_text) == (
            "Up to 2 files: PDF, images or office documents, 1 MB each."
        )


def test_the_private_download_is_an_inert_attachment(tmp_path):
    storage = FileSystemStorage(location=tmp_path)
    name = storage.save("stored-under-a-random-name", ContentFile(b"<html><script>alert(1)</script>"))
    response = private_file_response(storage.open(name), filename="page\u202elmth.pdf", content_type="text/html")
    assert response["Content-Security-Policy"] == DOWNLOAD_CSP == "default-src 'none'; sandbox"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "\u202e" not in response["Content-Disposition"] and "pagelmth.pdf" in response["Content-Disposition"]
    response.file_to_stream.close()


def test_a_file_missing_from_the_storage_is_a_404(tmp_path):
    storage = FileSystemStorage(location=tmp_path)

    class Missing:
        def open(self, mode):
            return storage.open("gone")

    with pytest.raises(Http404):
        private_file_response(Missing(), filename="gone.pdf", content_type="application/pdf")


def test_the_date_input_is_the_browsers_picker_in_iso_dates():
    assert 'type="date"' in DateInput().render("d", None)
    assert 'value="2026-01-05"' in DateInput().render("d", datetime.date(2026, 1, 5))


@pytest.mark.parametrize(
    "definition", ["class DateInput(", "class MultipleFileField(", "class MultipleFileInput(", "import filetype"]
)
def test_no_app_keeps_its_own_copy_of_the_shared_widgets_and_file_checks(definition):
    """The date input and the multiple-file field live in qms.core (widgets, files); content sniffing too."""
    base = Path(settings.BASE_DIR)
    owners = {"class DateInput(": "qms/core/widgets.py", "import filetype": "qms/core/files.py"}
    allowed = owners.get(definition, "qms/core/files.py")
    sources = [
        path
        for path in base.rglob("*.py")
        if not {".venv", "node_modules", "tests", "migrations"} & set(path.relative_to(base).parts)
    ]
    copies = [str(path.relative_to(base)) for path in sources if definition in path.read_text(encoding="utf-8")]
    assert copies == [allowed]

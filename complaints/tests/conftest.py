"""Fixtures of the helpdesk tests: files in a private directory of their own, sample files, a submit helper."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from qms.core.choices import Role
from qms.core.factories import UserFactory

# The smallest files that ``filetype`` recognises by their content.
PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64


def docx_bytes() -> bytes:
    """A minimal Word document, laid out as Word writes it (content types first)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships/>')
        archive.writestr("word/document.xml", '<?xml version="1.0"?><w:document/>')
    return buffer.getvalue()


def pdf_file(name="justificatif.pdf", content=PDF_BYTES, content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def png_file(name="photo.png"):
    return SimpleUploadedFile(name, PNG_BYTES, content_type="image/png")


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    """Attachments go to a directory of this test, outside public media."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def sensitive_handler(db):
    # Member of the sensitive-cases team: sees the sensitive requests, and only through the sensitive inbox.
    return UserFactory(username="cellule-ecoute", roles=[Role.STAFF, Role.SENSITIVE_CASES])


@pytest.fixture
def submit(db):
    """File a request through the service, with sensible defaults; returns the ``Submission``."""
    from complaints.services import complaint_submit

    def _submit(**kwargs):
        defaults = {
            "kind": "complaint",
            "requester_category": "student",
            "subject": "Salle de TP sans chauffage",
            "description": "La salle B204 n'est pas chauffée depuis lundi.",
            "name": "Camille Martin",
            "email": "camille@example.org",
            "language": "fr",
        }
        defaults.update(kwargs)
        return complaint_submit(**defaults)

    return _submit


@pytest.fixture
def client(db):
    """A browser that asks for English, so that tests can read the messages of the code whatever the state of
    the French catalogue (tests about French ask for it explicitly)."""
    from django.test import Client

    return Client(HTTP_ACCEPT_LANGUAGE="en")

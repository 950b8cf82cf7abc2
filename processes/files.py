"""The files of document versions: PDF or office formats, read from the content, up to 20 MB; served only through
``views.documents.VersionDownloadView``, which checks who asks.

The shared upload policy of ``qms.core.files`` (issue "one frame") is not on the main branch yet: this module
checks types the way the helpdesk does (``filetype`` on the head of the file) until it is, and then becomes a
``UploadPolicy``.
"""

from __future__ import annotations

import os
import unicodedata

import filetype
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.utils.translation import gettext_lazy as _

MAX_VERSION_BYTES = 20 * 1024 * 1024
SNIFF_BYTES = 8192

# Detected type → extension: PDF and office documents (Word, Excel, PowerPoint, OpenDocument, RTF).
DOCUMENT_TYPES: dict[str, str] = {
    "application/pdf": "pdf",
    "application/msword": "doc",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.ms-excel": "xls",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.ms-powerpoint": "ppt",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/vnd.oasis.opendocument.presentation": "odp",
    "application/rtf": "rtf",
}
TYPES_LABEL = _("PDF or office documents (Word, Excel, PowerPoint, OpenDocument, RTF)")
# A file the browser would render anyway stays inert: no script, nothing fetched.
DOWNLOAD_CSP = "default-src 'none'; sandbox"


def clean_filename(name: str, max_length: int = 100) -> str:
    """A name as it may be kept and shown: no directory, no control or formatting character, its extension kept."""
    base = os.path.basename((name or "").replace("\\", "/"))
    base = "".join(char for char in base if unicodedata.category(char) not in ("Cc", "Cf")).strip(" .")
    if not base:
        return "document"
    stem, extension = os.path.splitext(base)
    extension = extension[:10]
    return stem[: max(1, max_length - len(extension))] + extension


def check_version_file(upload) -> str:
    """The detected content type of ``upload``, or ``ValidationError`` with a translated reason."""
    name = clean_filename(getattr(upload, "name", "") or "")
    if upload.size > MAX_VERSION_BYTES:
        raise ValidationError(
            _("“%(name)s” is too large; the limit is 20 MB."), code="too_large", params={"name": name}
        )
    if upload.size == 0:
        raise ValidationError(_("“%(name)s” is empty."), code="empty", params={"name": name})
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is None or kind.mime not in DOCUMENT_TYPES:
        raise ValidationError(
            _("“%(name)s” is not an accepted type of file. Accepted: %(allowed)s."),
            code="bad_type",
            params={"name": name, "allowed": TYPES_LABEL},
        )
    return kind.mime


def private_file_response(file, *, filename: str, content_type: str) -> FileResponse:
    """A private file as a download, never rendered inline, with a sandbox policy."""
    try:
        handle = file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=True, filename=filename, content_type=content_type or "application/octet-stream"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = DOWNLOAD_CSP
    response["Cache-Control"] = "private, no-store"
    return response

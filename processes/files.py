"""The files of document versions: one per version, PDF or office formats read from the content, up to 20 MB,
checked by the shared upload policy (``qms.core.files``) in the form and again in the service, and served only
through ``views.documents.VersionDownloadView``, which checks who asks."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from qms.core.files import DOCUMENT_TYPES, UploadPolicy, private_file_response, safe_filename

MAX_VERSION_BYTES = 20 * 1024 * 1024
TYPES_LABEL = _("PDF or office documents (Word, Excel, PowerPoint, OpenDocument, RTF)")

VERSION_FILE = UploadPolicy(
    max_files=1,
    max_bytes=MAX_VERSION_BYTES,
    # The shared list without its images: a controlled document is a PDF or an office document.
    types={mime: extension for mime, extension in DOCUMENT_TYPES.items() if not mime.startswith("image/")},
    types_label=TYPES_LABEL,
    short_label=_("PDF or office document"),
)


def check_version_file(upload) -> str:
    """The detected content type of ``upload``, or ``ValidationError`` with a translated reason."""
    return VERSION_FILE.check(upload)


def clean_filename(name: str) -> str:
    return safe_filename(name) or "document"


__all__ = [
    "MAX_VERSION_BYTES",
    "TYPES_LABEL",
    "VERSION_FILE",
    "check_version_file",
    "clean_filename",
    "private_file_response",
]

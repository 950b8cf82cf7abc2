"""Checks on the files that requesters join: their number, their size, and their type read from the content."""

from __future__ import annotations

from collections.abc import Sequence

import filetype
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

MAX_ATTACHMENTS = 3
MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024
# Enough of the head of a file for ``filetype`` to recognise office documents (it looks into the zip).
SNIFF_BYTES = 8192

# Detected type → the extension it is served with. PDF, images and office documents only.
ALLOWED_TYPES: dict[str, str] = {
    "application/pdf": "pdf",
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/gif": "gif",
    "image/webp": "webp",
    "image/heic": "heic",
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
ALLOWED_LABEL = _(
    "PDF, images (JPEG, PNG, GIF, WebP, HEIC) and office documents (Word, Excel, PowerPoint, OpenDocument)"
)


def sniff_content_type(upload) -> str | None:
    """The type of ``upload`` read from its first bytes (never from its name or the browser's claim)."""
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    kind = filetype.guess(head)
    return kind.mime if kind else None


def check_attachment(upload) -> str:
    """Return the detected content type of ``upload``, or raise ``ValidationError`` with a translated reason."""
    name = getattr(upload, "name", "") or ""
    if upload.size > MAX_ATTACHMENT_BYTES:
        raise ValidationError(
            _("“%(name)s” is too large (%(size)s); the limit is %(limit)s per file."),
            code="too_large",
            params={
                "name": name,
                "size": filesizeformat(upload.size),
                "limit": filesizeformat(MAX_ATTACHMENT_BYTES),
            },
        )
    if upload.size == 0:
        raise ValidationError(_("“%(name)s” is empty."), code="empty", params={"name": name})
    content_type = sniff_content_type(upload)
    if content_type not in ALLOWED_TYPES:
        raise ValidationError(
            _("“%(name)s” is not an accepted type of file. Accepted: %(allowed)s."),
            code="bad_type",
            params={"name": name, "allowed": ALLOWED_LABEL},
        )
    return content_type


def check_attachments(uploads: Sequence, *, already: int = 0) -> list[str]:
    """Check every file and their number; return their detected types in order."""
    if len(uploads) + already > MAX_ATTACHMENTS:
        raise ValidationError(
            ngettext_lazy("You can join at most %(max)d file.", "You can join at most %(max)d files.", MAX_ATTACHMENTS),
            code="too_many",
            params={"max": MAX_ATTACHMENTS},
        )
    errors: list[ValidationError] = []
    types: list[str] = []
    for upload in uploads:
        try:
            types.append(check_attachment(upload))
        except ValidationError as error:
            errors.append(error)
    if errors:
        raise ValidationError(errors)
    return types

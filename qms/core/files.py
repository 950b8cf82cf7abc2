"""Files people upload and download: one upload policy, one multiple-file form field, one private download.

An app declares its policy once (how many files, how large, which types) and uses it in its forms and again in
its services, so that a file reaching a service by another road is checked the same way::

    ATTACHMENTS = UploadPolicy(max_files=3, max_bytes=5 * 1024 * 1024)
    attachments = MultipleFileField(label=_("Attachments"), policy=ATTACHMENTS)   # in a form
    content_types = ATTACHMENTS.check_all(files)                                # in a service
    return private_file_response(row.file, filename=row.original_name, content_type=row.content_type)

Types are read from the content (``filetype``), never from the name or the browser's claim. Plain text has no
signature: a policy accepts it only for the extensions it names, and only when no known binary type is found
and the head holds no NUL byte. Files go to ``qms.core.storage.private_storage`` and come back only through a
permission-checked view (or a requester's own token page) as a download, never rendered by the browser.
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import filetype
from django import forms
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.template.defaultfilters import filesizeformat
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

# Enough of the head of a file for ``filetype`` to recognise office documents (it looks into the zip).
SNIFF_BYTES = 8192
MAX_NAME_LENGTH = 100

# Detected type → the extension it is served with: PDF, images and office documents.
DOCUMENT_TYPES: Mapping[str, str] = {
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
DOCUMENT_TYPES_LABEL = _(
    "PDF, images (JPEG, PNG, GIF, WebP, HEIC) and office documents (Word, Excel, PowerPoint, OpenDocument)"
)
TEXT_CONTENT_TYPE = "text/plain"

# The sandbox keeps a file that a browser would render anyway (an old one ignoring the download disposition, a
# preview extension) from running scripts or reaching anything: the file is inert.
DOWNLOAD_CSP = "default-src 'none'; sandbox"


def sniff_content_type(upload) -> str | None:
    """The type of ``upload`` read from its first bytes (never from its name or the browser's claim)."""
    head = _head(upload)
    kind = filetype.guess(head)
    return kind.mime if kind else None


def _head(upload) -> bytes:
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    return head


def safe_filename(name: str, *, max_length: int = MAX_NAME_LENGTH) -> str:
    """The name of an uploaded file as it may be kept and shown: no directory, no control or formatting character
    (a right-to-left override would make ``fdp.exe`` read ``exe.pdf``), its extension kept when shortened."""
    base = os.path.basename((name or "").replace("\\", "/"))
    base = "".join(char for char in base if unicodedata.category(char) not in ("Cc", "Cf")).strip(" .")
    if not base:
        return "file"
    stem, extension = os.path.splitext(base)
    extension = extension[:10]
    return stem[: max(1, max_length - len(extension))] + extension


def size_label(size: int) -> str:
    """A size as people read it: "5 MB" for whole megabytes (as limits are), else Django's rounded figure."""
    if size and size % (1024 * 1024) == 0:
        return _("%(count)d MB") % {"count": size // (1024 * 1024)}
    return str(filesizeformat(size))


@dataclass(frozen=True)
class UploadPolicy:
    """What a form accepts: at most ``max_files`` files of ``max_bytes`` each, of the ``types`` detected from the
    content (content type → extension), plus plain text for ``text_extensions`` (such as ``{".txt", ".csv"}``)."""

    max_files: int
    max_bytes: int
    types: Mapping[str, str] = field(default_factory=lambda: dict(DOCUMENT_TYPES))
    types_label: str = DOCUMENT_TYPES_LABEL
    short_label: str = _("PDF, images or office documents")
    text_extensions: frozenset[str] = frozenset()

    def check(self, upload) -> str:
        """The detected content type of ``upload``, or ``ValidationError`` with a translated reason."""
        name = safe_filename(getattr(upload, "name", "") or "")
        if upload.size > self.max_bytes:
            raise ValidationError(
                _("“%(name)s” is too large (%(size)s); the limit is %(limit)s per file."),
                code="too_large",
                params={"name": name, "size": size_label(upload.size), "limit": size_label(self.max_bytes)},
            )
        if upload.size == 0:
            raise ValidationError(_("“%(name)s” is empty."), code="empty", params={"name": name})
        head = _head(upload)
        kind = filetype.guess(head)
        if kind is not None and kind.mime in self.types:
            return kind.mime
        extension = os.path.splitext(name)[1].lower()
        if kind is None and extension in self.text_extensions and b"\x00" not in head:
            return TEXT_CONTENT_TYPE
        raise ValidationError(
            _("“%(name)s” is not an accepted type of file. Accepted: %(allowed)s."),
            code="bad_type",
            params={"name": name, "allowed": self.types_label},
        )

    def check_all(self, uploads: Sequence, *, already: int = 0) -> list[str]:
        """Check every file and their number (``already``: files the object holds before these); return their
        detected types in order, or raise one ``ValidationError`` listing every refusal."""
        if len(uploads) + already > self.max_files:
            raise ValidationError(
                ngettext_lazy(
                    "You can join at most %(max)d file.", "You can join at most %(max)d files.", self.max_files
                ),
                code="too_many",
                params={"max": self.max_files},
            )
        errors: list[ValidationError] = []
        types: list[str] = []
        for upload in uploads:
            try:
                types.append(self.check(upload))
            except ValidationError as error:
                errors.append(error)
        if errors:
            raise ValidationError(errors)
        return types

    @property
    def accept(self) -> str:
        """The ``accept`` attribute of the file input: a hint to the browser's file picker, checked again here."""
        extensions = {f".{extension}" for extension in self.types.values()} | set(self.text_extensions)
        if ".jpg" in extensions:
            extensions.add(".jpeg")
        return ",".join(sorted(extensions))

    @property
    def max_request_bytes(self) -> int:
        """Above this, a request is refused before its body is read: the files at their limit and the text fit
        well below (multipart overhead and a generous text allowance)."""
        return 2 * self.max_files * self.max_bytes + 2 * 1024 * 1024

    def help_text(self) -> str:
        return _("Up to %(max)d files: %(types)s, %(size)s each.") % {
            "max": self.max_files,
            "types": self.short_label,
            "size": size_label(self.max_bytes),
        }

    def too_large_message(self) -> str:
        """What a page says when the whole request was refused for its size (nothing of it could be read)."""
        return _("The files sent are too large. Each file may weigh up to %(size)s, and at most %(max)d files.") % {
            "size": size_label(self.max_bytes),
            "max": self.max_files,
        }


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field. With a ``policy``, each is checked on its content, and their number; the
    ``accept`` attribute and the help text come from the policy unless given."""

    def __init__(self, *args, policy: UploadPolicy | None = None, **kwargs):
        self.policy = policy
        attrs = {"accept": policy.accept} if policy is not None else {}
        kwargs.setdefault("widget", MultipleFileInput(attrs=attrs))
        kwargs.setdefault("required", False)
        if policy is not None:
            kwargs.setdefault("help_text", lazy(policy.help_text, str)())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            files = [single(item, initial) for item in data if item]
        else:
            files = [single(data, initial)] if data else []
        files = [upload for upload in files if upload]
        if self.policy is not None:
            self.policy.check_all(files)
        return files


def private_file_response(file, *, filename: str, content_type: str) -> FileResponse:
    """A stored private file as a download: never rendered by the browser, never sniffed, sandboxed. A file
    missing from the storage is a 404 (the row outlived its file, or the file is being written)."""
    try:
        handle = file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True, filename=safe_filename(filename) or "file")
    response["Content-Type"] = content_type or "application/octet-stream"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = DOWNLOAD_CSP
    return response

"""Where attachments live: a private directory outside the public media, never served by URL.

Files are read back only through permission-checked views (staff) or the requester's tracking link.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils import timezone
from django.utils.deconstruct import deconstructible


def private_media_root() -> str:
    return str(getattr(settings, "PRIVATE_MEDIA_ROOT", Path(settings.BASE_DIR) / "private"))


@deconstructible
class PrivateStorage(FileSystemStorage):
    """A file-system storage under ``PRIVATE_MEDIA_ROOT``, read at each use (tests move it), with no URL."""

    def __init__(self) -> None:
        super().__init__(base_url=None)

    @property
    def base_location(self) -> str:  # type: ignore[override]
        return private_media_root()

    @property
    def location(self) -> str:  # type: ignore[override]
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("Private files have no public URL; serve them through a permission-checked view.")


def private_storage() -> PrivateStorage:
    return PrivateStorage()


def attachment_path(instance, filename: str) -> str:
    """A random name (the original name is kept in the database only), filed by month."""
    extension = os.path.splitext(filename)[1].lower()[:10]
    return f"complaints/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{extension}"

"""Private files: a directory outside the public media, never served by URL.

Attachments of requests and evidence of actions may hold personal or internal data, so they are read back only
through permission-checked views (or a requester's own tracking link). The directory is ``PRIVATE_MEDIA_ROOT``,
read at each use so that tests can move it.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible


def private_media_root() -> str:
    return str(getattr(settings, "PRIVATE_MEDIA_ROOT", Path(settings.BASE_DIR) / "private"))


@deconstructible
class PrivateStorage(FileSystemStorage):
    """A file-system storage under ``PRIVATE_MEDIA_ROOT``, with no URL."""

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
    """The storage callable of private FileFields (a callable, so that migrations do not freeze the path)."""
    return PrivateStorage()

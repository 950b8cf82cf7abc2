"""Where evidence files live: a private directory outside the public media, never served by URL.

Evidence may hold personal or internal data, so it is read back only through a permission-checked view
(``evidence-download``). The directory is ``PRIVATE_MEDIA_ROOT`` (default ``<BASE_DIR>/private``), read at
each use so that tests can move it.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible


@deconstructible
class EvidenceStorage(FileSystemStorage):
    """A file-system storage under ``PRIVATE_MEDIA_ROOT``, with no URL."""

    def __init__(self) -> None:
        super().__init__(base_url=None)

    @property
    def base_location(self) -> str:  # type: ignore[override]
        return str(getattr(settings, "PRIVATE_MEDIA_ROOT", Path(settings.BASE_DIR) / "private"))

    @property
    def location(self) -> str:  # type: ignore[override]
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("Evidence files have no public URL; serve them through a permission-checked view.")


def evidence_storage() -> EvidenceStorage:
    return EvidenceStorage()

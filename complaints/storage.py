"""Where attachments of requests are filed, in the private storage of qms.core (never served by URL)."""

from __future__ import annotations

import os
import uuid

from django.utils import timezone


def attachment_path(instance, filename: str) -> str:
    """A random name (the original name is kept in the database only), filed by month."""
    extension = os.path.splitext(filename)[1].lower()[:10]
    return f"complaints/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{extension}"

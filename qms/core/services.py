"""Writes shared by every app."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from qms.core.choices import Actor
from qms.core.models import ActivityLog


def log_activity(
    *,
    obj: models.Model,
    verb: str,
    by: Any = None,
    actor: str = Actor.USER,
    details: dict | None = None,
    at: datetime | None = None,
) -> ActivityLog:
    """Record that ``by`` (a user) or ``actor`` (system, requester) did ``verb`` to ``obj``; ``at`` dates it (for
    a service run with a given time), now by default."""
    user = by if by is not None and getattr(by, "is_authenticated", False) else None
    return ActivityLog.objects.create(
        at=at or timezone.now(),
        user=user,
        actor=Actor.USER if user else actor,
        verb=verb,
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        object_repr=str(obj)[:250],
        details=details or {},
    )

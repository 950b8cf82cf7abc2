"""What every service of the certifications shares: the domain error, and small helpers."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db import models

from qms.core.domain import DomainError


class CertificationError(DomainError):
    """A write of the certifications that cannot be made. ``str(error)`` is translated; ``field`` names the form
    field it concerns, when one does."""


def signed_in_user(by: Any):
    """``by`` when it is a signed-in user, else None (a system job)."""
    return by if by is not None and getattr(by, "is_authenticated", False) else None


def value_for_log(value: Any) -> Any:
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, list | tuple | set):
        return [value_for_log(item) for item in value]
    return value


def set_fields(obj: models.Model, changes: dict[str, Any], allowed: Iterable[str]) -> dict[str, list[Any]]:
    """Set ``changes`` on ``obj``; returns the fields that really changed, as {field: [old, new]}."""
    allowed = set(allowed)
    changed: dict[str, list[Any]] = {}
    for name, value in changes.items():
        if name not in allowed:
            raise TypeError(f"{type(obj).__name__} has no editable field {name!r}.")
        try:
            old = getattr(obj, name)
        except ObjectDoesNotExist:  # a foreign key not set yet on a new object
            old = None
        if old != value:
            changed[name] = [value_for_log(old), value_for_log(value)]
            setattr(obj, name, value)
    return changed

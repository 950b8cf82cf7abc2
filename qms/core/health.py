"""Warnings about how the site is set up that do not stop it from working.

An app registers a check in its ``AppConfig.ready()`` (``register(key, check)``); a check returns a
``SetupWarning`` when something needs a person's attention, else None. The settings page shows the warnings to those
who may change settings, and ``/healthz`` lists them under ``warnings`` without failing: the site still answers 200.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SetupWarning:
    """Something about the setup that needs attention: a stable key (for monitoring) and a message for people."""

    key: str
    message: str | Promise


Check = Callable[[], "SetupWarning | None"]

_checks: dict[str, Check] = {}


def register(key: str, check: Check) -> None:
    """Register ``check`` under ``key``; registering a key again replaces it."""
    _checks[key] = check


def unregister(key: str) -> None:
    _checks.pop(key, None)


def setup_warnings() -> list[SetupWarning]:
    """What the registered checks find, in the order of their keys. A check that fails is logged and skipped."""
    found = []
    for key, check in sorted(_checks.items()):
        try:
            warning = check()
        except Exception:  # noqa: BLE001 - a broken check must not break the page or the health check
            logger.exception("Setup check %s failed.", key)
            continue
        if warning is not None:
            found.append(warning)
    return found

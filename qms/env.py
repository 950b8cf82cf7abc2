"""Typed readers for environment variables.

Every reader fails with ``ImproperlyConfigured`` naming the variable when the value is malformed, so that a
typo in production stops the process at start-up instead of silently falling back to a default. Every reader
also records the variable and its default in ``DECLARED``, which a test compares with ``.env.example``: read
every variable unconditionally, so that the record does not depend on the environment.
"""

from __future__ import annotations

import os
import re
import zoneinfo
from collections.abc import Callable
from email.utils import parseaddr
from typing import TypeVar
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured

T = TypeVar("T")

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}

# Every variable read by the settings, with its default as written in .env.example.
DECLARED: dict[str, str] = {}

# The database engines QMS supports, by URL scheme.
DATABASE_SCHEMES = ("postgres", "postgresql", "pgsql", "sqlite")
EMAIL_SCHEMES = ("smtp", "smtps", "smtp+tls", "smtp+ssl", "consolemail", "filemail", "memorymail", "dummymail")


def is_set(name: str) -> bool:
    """Whether the variable is present in the environment with a non-blank value."""
    return bool(os.environ.get(name, "").strip())


def _raw(name: str, default: str) -> str:
    DECLARED[name] = default
    return os.environ.get(name, default)


def _parse(name: str, default: str, parser: Callable[[str], T], expected: str) -> T:
    raw = _raw(name, default)
    try:
        return parser(raw)
    except (ValueError, TypeError, KeyError, ImproperlyConfigured) as exc:
        raise ImproperlyConfigured(f"Environment variable {name}={raw!r} is not valid: expected {expected}.") from exc


def env_parsed(name: str, default: str, parser: Callable[[str], T], expected: str) -> T:
    """A value read by ``parser``, which raises ``ValueError`` (or ``TypeError``, ``KeyError``) when malformed."""
    return _parse(name, default, parser, expected)


def env_str(name: str, default: str = "") -> str:
    return _raw(name, default).strip()


def _bool(raw: str) -> bool:
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ValueError(raw)


def env_bool(name: str, default: bool = False) -> bool:
    return _parse(name, "true" if default else "false", _bool, "true or false")


def env_optional_bool(name: str) -> bool | None:
    """A boolean, or None when the variable is empty or unset (the setting is then derived from others)."""
    return _parse(name, "", lambda raw: _bool(raw) if raw.strip() else None, "true, false or nothing")


def env_int(name: str, default: int, *, minimum: int | None = None, maximum: int | None = None) -> int:
    def parse(raw: str) -> int:
        value = int(raw.strip())
        if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
            raise ValueError(raw)
        return value

    if minimum is not None and maximum is not None:
        expected = f"an integer from {minimum} to {maximum}"
    elif minimum is not None:
        expected = f"an integer of at least {minimum}"
    else:
        expected = "an integer" if maximum is None else f"an integer of at most {maximum}"
    return _parse(name, str(default), parse, expected)


_RATE = re.compile(r"([1-9][0-9]*)/([1-9][0-9]*)?([smhd])")


def env_rate(name: str, default: str) -> str:
    """A rate limit as django-ratelimit writes it: a number of requests per period, such as 10/h (ten an hour),
    60/10m (sixty in ten minutes), 5/30s or 100/d."""

    def parse(raw: str) -> str:
        value = raw.strip()
        if not _RATE.fullmatch(value):
            raise ValueError(raw)
        return value

    return _parse(name, default, parse, "a rate such as 10/h, 60/10m or 100/d")


def env_list(name: str, default: str = "") -> list[str]:
    """A comma-separated list; blank items are dropped."""
    return [item.strip() for item in _raw(name, default).split(",") if item.strip()]


def env_choice(name: str, default: str, choices: list[str], *, upper: bool = False) -> str:
    def parse(raw: str) -> str:
        value = raw.strip().upper() if upper else raw.strip()
        if value not in choices:
            raise ValueError(raw)
        return value

    return _parse(name, default, parse, "one of " + ", ".join(choices))


def env_timezone(name: str, default: str) -> str:
    """An IANA time zone name, such as Europe/Paris or Europe/Brussels."""

    def parse(raw: str) -> str:
        value = raw.strip()
        zoneinfo.ZoneInfo(value)  # ZoneInfoNotFoundError is a KeyError
        return value

    return _parse(name, default, parse, "a time zone name such as Europe/Paris")


def env_db_url(name: str, default: str) -> dict:
    """A database URL: postgres://user:password@host:5432/name or sqlite:///path (relative to the project)."""

    def parse(raw: str) -> dict:
        value = raw.strip()
        if urlsplit(value).scheme not in DATABASE_SCHEMES:
            raise ValueError(raw)
        config = environ.Env.db_url_config(value)
        if not config.get("ENGINE") or not config.get("NAME"):
            raise ValueError(raw)
        return config

    return _parse(name, default, parse, "a database URL such as postgres://user@host:5432/name or sqlite:///db.sqlite3")


def env_email_url(name: str, default: str) -> dict:
    """An email URL: smtp+tls://user:password@host:587, consolemail://, filemail:///path …"""

    def parse(raw: str) -> dict:
        value = raw.strip()
        scheme = urlsplit(value).scheme
        if scheme not in EMAIL_SCHEMES:
            raise ValueError(raw)
        config = environ.Env.email_url_config(value)
        if not config.get("EMAIL_BACKEND"):
            raise ValueError(raw)
        if scheme.startswith("smtp") and not config.get("EMAIL_HOST"):
            raise ValueError(raw)
        if scheme == "filemail":
            # environ reads the path as a database name and drops its leading slash: filemail:///tmp/mails would
            # write to tmp/mails under the working directory. Everything after "filemail://" is the path.
            path = value[len("filemail://") :]
            if not path:
                raise ValueError(raw)
            config["EMAIL_FILE_PATH"] = path
        # environ writes None for the parts the URL leaves out; drop them so that the defaults apply.
        return {key: item for key, item in config.items() if item not in (None, "")}

    return _parse(name, default, parse, "an email URL such as smtp+tls://user:password@host:587 or consolemail://")


def env_email_address(name: str, default: str) -> str:
    """An email address, optionally with a display name: ``QMS <qualite@example.edu>``."""

    def parse(raw: str) -> str:
        value = raw.strip()
        _display, address = parseaddr(value)
        local, _at, domain = address.partition("@")
        if not local or not domain or " " in address:
            raise ValueError(raw)
        return value

    return _parse(name, default, parse, "an email address such as QMS <qualite@example.edu>")


def env_url(name: str, default: str = "", *, schemes: tuple[str, ...]) -> str:
    """A URL with one of ``schemes`` and a host, or nothing."""

    def parse(raw: str) -> str:
        value = raw.strip()
        if value and (urlsplit(value).scheme not in schemes or not urlsplit(value).netloc):
            raise ValueError(raw)
        return value

    return _parse(name, default, parse, "a URL starting with " + " or ".join(s + "://" for s in schemes))


def env_url_list(name: str, default: str = "", *, schemes: tuple[str, ...]) -> list[str]:
    """A comma-separated list of URLs, each with one of ``schemes`` and a host."""

    def parse(raw: str) -> list[str]:
        items = [item.strip() for item in raw.split(",") if item.strip()]
        for item in items:
            if urlsplit(item).scheme not in schemes or not urlsplit(item).netloc:
                raise ValueError(item)
        return items

    expected = "comma-separated URLs starting with " + " or ".join(s + "://" for s in schemes)
    return _parse(name, default, parse, expected)

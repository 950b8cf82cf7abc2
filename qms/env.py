"""Typed readers for environment variables.

Every reader fails with ``ImproperlyConfigured`` naming the variable when the value is malformed, so that a
typo in production stops the process at start-up instead of silently falling back to a default.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TypeVar

import environ
from django.core.exceptions import ImproperlyConfigured

T = TypeVar("T")

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}

# Every variable read by the settings, with its default, so that .env.example can be checked against it.
DECLARED: dict[str, str] = {}


def _raw(name: str, default: str) -> str:
    DECLARED[name] = default
    return os.environ.get(name, default)


def _parse(name: str, default: str, parser: Callable[[str], T], expected: str) -> T:
    raw = _raw(name, default)
    try:
        return parser(raw)
    except (ValueError, TypeError, KeyError) as exc:
        raise ImproperlyConfigured(f"Environment variable {name}={raw!r} is not valid: expected {expected}.") from exc


def env_str(name: str, default: str = "") -> str:
    return _raw(name, default).strip()


def env_bool(name: str, default: bool = False) -> bool:
    def parse(raw: str) -> bool:
        value = raw.strip().lower()
        if value in _TRUE:
            return True
        if value in _FALSE:
            return False
        raise ValueError(raw)

    return _parse(name, "true" if default else "false", parse, "true or false")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    def parse(raw: str) -> int:
        value = int(raw.strip())
        if minimum is not None and value < minimum:
            raise ValueError(raw)
        return value

    expected = "an integer" if minimum is None else f"an integer of at least {minimum}"
    return _parse(name, str(default), parse, expected)


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in _raw(name, default).split(",") if item.strip()]


def env_choice(name: str, default: str, choices: list[str]) -> str:
    def parse(raw: str) -> str:
        value = raw.strip()
        if value not in choices:
            raise ValueError(raw)
        return value

    return _parse(name, default, parse, "one of " + ", ".join(choices))


def env_db_url(name: str, default: str) -> dict:
    def parse(raw: str) -> dict:
        config = environ.Env.db_url_config(raw)
        if not config.get("ENGINE"):
            raise ValueError(raw)
        return config

    return _parse(name, default, parse, "a database URL such as postgres://user@host:5432/name")


def env_email_url(name: str, default: str) -> dict:
    def parse(raw: str) -> dict:
        config = environ.Env.email_url_config(raw)
        if not config.get("EMAIL_BACKEND"):
            raise ValueError(raw)
        return config

    return _parse(name, default, parse, "an email URL such as smtp+tls://user:password@host:587")


def env_url(name: str, default: str = "", *, schemes: tuple[str, ...]) -> str:
    def parse(raw: str) -> str:
        value = raw.strip()
        if value and not value.startswith(tuple(s + "://" for s in schemes)):
            raise ValueError(raw)
        return value

    return _parse(name, default, parse, "a URL starting with " + " or ".join(s + "://" for s in schemes))

"""Logging helpers: no log line may carry a secret token.

Tracking links, survey links and calendar feeds carry a secret token in their path (``qms.core.tokens``). The
access log of the development server (``django.server``), the 404 warnings of ``django.request`` and any
message that quotes a URL would write it out, and log files are read by more people, and kept longer, than
the database. The filter below is installed on the stdout handler by ``settings.LOGGING``.
"""

from __future__ import annotations

import logging
import re

# Long URL-safe runs, as made by qms.core.tokens (43 characters), wherever they stand in a message. Shorter
# runs (identifiers, references such as REC-2026-00042, slugs) are left alone, and so are UUIDs (Celery task
# ids, which say which task a line is about and open nothing).
_EDGE_BEFORE, _EDGE_AFTER = r"(?<![A-Za-z0-9_-])", r"(?![A-Za-z0-9_-])"
_UUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
TOKEN_PATTERN = re.compile(rf"{_EDGE_BEFORE}(?!{_UUID}{_EDGE_AFTER})[A-Za-z0-9_-]{{32,}}{_EDGE_AFTER}")
REDACTED = "[redacted]"

# The attributes every LogRecord has; anything else came in through ``extra=``.
_STANDARD_ATTRIBUTES = frozenset(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {"message", "asctime"}
_PLAIN = (int, float, bool, type(None))


def redact(text: str) -> str:
    """``text`` with every token-shaped run replaced by ``[redacted]``."""
    return TOKEN_PATTERN.sub(REDACTED, text)


def _redact_value(value):
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, _PLAIN):
        return value
    if isinstance(value, (tuple, list)):
        return type(value)(_redact_value(item) for item in value)
    if isinstance(value, dict):
        return {key: _redact_value(item) for key, item in value.items()}
    # An object, such as the request that django.request and django.server pass in ``extra``: a JSON formatter
    # would write its str(), which holds the path. Replace it by its redacted text only when it carries a token,
    # so that handlers needing the object still get it otherwise.
    text = str(value)
    cleaned = redact(text)
    return value if cleaned == text else cleaned


class RedactTokensFilter(logging.Filter):
    """Replace anything shaped like a secret token by ``[redacted]`` in the message, its arguments and the
    extra attributes of the record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        else:
            record.msg = _redact_value(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(_redact_value(arg) for arg in record.args)
        elif isinstance(record.args, dict):
            record.args = {key: _redact_value(value) for key, value in record.args.items()}
        for name, value in list(record.__dict__.items()):
            if name not in _STANDARD_ATTRIBUTES:
                setattr(record, name, _redact_value(value))
        return True


class OneLineRefusalFilter(logging.Filter):
    """A refused access (403) is an ordinary event, not a bug: django.request logs it on one line, without the
    traceback of the PermissionDenied that produced it. Errors (5xx) keep theirs."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) == 403:
            record.exc_info = None
            record.exc_text = None
            record.stack_info = None
        return True


def json_formatter_config() -> dict:
    """The JSON formatter of settings.LOGGING: one object a line, ISO 8601 time, level and logger names."""
    from pythonjsonlogger.core import RESERVED_ATTRS

    return {
        "()": "pythonjsonlogger.json.JsonFormatter",
        "format": "%(levelname)s %(name)s %(message)s",
        "rename_fields": {"levelname": "level", "name": "logger"},
        "timestamp": "time",  # ISO 8601, in UTC
        # Django passes the request (or the development server's socket) in ``extra``: noise that holds the path.
        "reserved_attrs": [*RESERVED_ATTRS, "request", "server_time"],
    }


def gunicorn_logconfig(level: str = "INFO") -> dict:
    """``logconfig_dict`` for gunicorn: its error and access logs as JSON lines on stdout, tokens redacted.

    Gunicorn logs before Django starts and outside its logging, so its access log (which holds every path, and
    so every tracking link) needs the same filter. In ``gunicorn.conf.py``::

        from qms.core.logging import gunicorn_logconfig
        accesslog = "-"
        logconfig_dict = gunicorn_logconfig()
    """
    handler = {
        "class": "logging.StreamHandler",
        "stream": "ext://sys.stdout",
        "formatter": "json",
        "filters": ["redact_tokens"],
    }
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"redact_tokens": {"()": "qms.core.logging.RedactTokensFilter"}},
        "formatters": {"json": json_formatter_config()},
        "handlers": {"stdout": handler},
        "root": {"handlers": ["stdout"], "level": level},
        "loggers": {
            "gunicorn.error": {"handlers": ["stdout"], "level": level, "propagate": False},
            "gunicorn.access": {"handlers": ["stdout"], "level": "INFO", "propagate": False},
        },
    }

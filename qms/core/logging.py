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
# runs (identifiers, references such as REC-2026-00042, slugs) are left alone.
TOKEN_PATTERN = re.compile(r"(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{32,}(?![A-Za-z0-9_-])")
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

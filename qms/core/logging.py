"""Logging helpers: no log line may carry a secret token."""

from __future__ import annotations

import logging
import re

# Long URL-safe runs, as made by qms.core.tokens (43 characters), wherever they stand in a message.
TOKEN_PATTERN = re.compile(r"(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{32,}(?![A-Za-z0-9_-])")
REDACTED = "[redacted]"


def redact(text: str) -> str:
    return TOKEN_PATTERN.sub(REDACTED, text)


class RedactTokensFilter(logging.Filter):
    """Replace anything shaped like a secret token by ``[redacted]`` in the message and its arguments."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {k: redact(v) if isinstance(v, str) else v for k, v in record.args.items()}
        return True

"""Secret tokens for tracking links, survey links and calendar feeds.

A token carries 256 bits from ``secrets``; only its SHA-256 hash is stored, so a database leak does not leak
working links. Because the token is random and long, an unsalted hash is safe and lets the database find the
row by its hash; the final comparison is made in constant time all the same.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

TOKEN_BYTES = 32  # 256 bits, above the 128-bit floor
HASH_LENGTH = 64
# What a token typed or pasted may look like (43 URL-safe characters today, with room to grow): anything else is
# refused before the database is asked.
TOKEN_MIN_LENGTH, TOKEN_MAX_LENGTH = 40, 64
_TOKEN_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def make_token() -> tuple[str, str]:
    """Return ``(token, token_hash)``: give the token to its holder, store the hash."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    return token, hash_token(token)


def looks_like_token(token: str) -> bool:
    """Whether ``token`` has the length and the characters of a token."""
    return TOKEN_MIN_LENGTH <= len(token or "") <= TOKEN_MAX_LENGTH and set(token) <= _TOKEN_CHARS


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def token_matches(token: str, token_hash: str) -> bool:
    """Compare ``token`` with a stored hash in constant time."""
    if not token or not token_hash:
        return False
    return hmac.compare_digest(hash_token(token), token_hash)

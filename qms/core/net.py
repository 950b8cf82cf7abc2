"""The client address, read the same way by rate limits and the login lockout."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The client's address.

    With ``TRUSTED_PROXY_COUNT`` = N > 0, the address is the one the outermost trusted proxy saw: the N-th
    from the right of X-Forwarded-For. Anything to its left was written by the client and is not trusted.
    With no trusted proxy, the header is ignored, so it cannot be used to dodge a rate limit.
    """
    remote = request.META.get("REMOTE_ADDR", "") or "0.0.0.0"
    count = settings.TRUSTED_PROXY_COUNT
    if not count:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) >= count:
        return forwarded[-count]
    return forwarded[0] if forwarded else remote

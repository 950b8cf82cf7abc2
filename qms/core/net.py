"""The client address, read the same way by rate limits and the login lockout."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest

# When no usable address is known (a Unix socket with no trusted proxy): every such client shares it.
UNKNOWN_ADDRESS = "0.0.0.0"


def _clean_address(value: str) -> str | None:
    """The address in ``value`` in canonical form, or None when it is not an IP address.

    Some proxies write ``host:port`` or ``[v6]:port``; the port is dropped.
    """
    value = value.strip()
    if value.startswith("[") and "]" in value:
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:
        value = value.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str:
    """The client's address: always a valid IP address, so that rate-limit keys are well formed.

    With ``TRUSTED_PROXY_COUNT`` = N > 0, each of the N proxies appends the address it received the request
    from to X-Forwarded-For, so the client is the N-th entry from the right. Anything to its left was written
    by the client and is not trusted. With no trusted proxy the header is ignored, so that it cannot be used to
    dodge a rate limit or to lock someone else out.
    """
    remote = _clean_address(request.META.get("REMOTE_ADDR", "") or "") or UNKNOWN_ADDRESS
    count = settings.TRUSTED_PROXY_COUNT
    if not count:
        return remote
    forwarded = [part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if not forwarded:
        # Reached without going through the proxies (a health probe, an internal call): the peer is the client.
        return remote
    # Fewer entries than proxies: the request entered the chain after its first proxy; the leftmost entry was
    # written by a trusted proxy all the same.
    candidate = forwarded[-count] if len(forwarded) >= count else forwarded[0]
    return _clean_address(candidate) or remote

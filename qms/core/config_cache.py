"""What only the quality manager changes (settings, programmes, units, deadlines, closures), read once per request
and cached in the shared cache under a version that every save bumps.

Several processes serve the site, so nothing is kept in process memory between requests: a value is built once
and stored in the shared cache (Redis in production) under ``config:<version>:<name>``; saving any of these
records sets a new random version, after which every process builds and stores the values afresh. Versions are
random, not counted, so a cache emptied or evicted never brings back an old value under a reused number.

Within one request (or one task) each value is read from the shared cache once: ``RequestMemoMiddleware`` opens
a memo that lives as long as the request, and ``memoised`` keeps what was read there.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

from django.core.cache import cache
from django.db import transaction

T = TypeVar("T")

VERSION_KEY = "config:version"
# Seconds a built value stays in the shared cache. Saving bumps the version at once; the timeout only bounds a
# change made without a save (a bulk UPDATE in a shell, say).
TIMEOUT = 600

_memo: ContextVar[dict | None] = ContextVar("qms_request_memo", default=None)


# --- The request's memo ----------------------------------------------------------------------------------------
@contextmanager
def request_memo() -> Iterator[dict]:
    """Open a memo for the duration of a request or a task (nested calls share the outer one)."""
    if _memo.get() is not None:
        yield _memo.get()
        return
    token = _memo.set({})
    try:
        yield _memo.get()
    finally:
        _memo.reset(token)


def memoised(key: str, build: Callable[[], T]) -> T:
    """``build()``, once per request: the first call's result is kept in the request's memo (outside a request,
    ``build()`` every time)."""
    memo = _memo.get()
    if memo is None:
        return build()
    if key not in memo:
        memo[key] = build()
    return memo[key]


def forget(*keys: str) -> None:
    """Drop ``keys`` from the request's memo (everything with no key): a save in this request changed them."""
    memo = _memo.get()
    if memo is None:
        return
    if not keys:
        memo.clear()
    for key in keys:
        memo.pop(key, None)


class RequestMemoMiddleware:
    """A memo for each request (first in MIDDLEWARE, so that everything after it shares it)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with request_memo():
            return self.get_response(request)


# --- The configuration's version --------------------------------------------------------------------------------
def version() -> str:
    """The current version of the configuration (read from the shared cache once per request)."""
    return memoised(VERSION_KEY, _read_version)


def _read_version(key: str = VERSION_KEY) -> str:
    current = cache.get(key)
    if current is None:
        current = uuid.uuid4().hex
        # add() keeps a version another process set meanwhile.
        if not cache.add(key, current, None):
            current = cache.get(key) or current
    return current


def bump() -> None:
    """A new version: every value built from the configuration is built again on its next read.

    Set now, and again after commit, so that a value built inside the saving transaction (from what was not
    committed yet, or just before the commit by another process) is not kept."""
    cache.set(VERSION_KEY, uuid.uuid4().hex, None)
    forget()
    transaction.on_commit(lambda: (cache.set(VERSION_KEY, uuid.uuid4().hex, None), forget()))


def cached(name: str, build: Callable[[], T], *, timeout: int = TIMEOUT) -> T:
    """``build()``'s value for the current configuration: from the request's memo, else the shared cache, else
    built and stored there. ``name`` says what it is (and its variant: a language, a kind …)."""
    key = f"config:{version()}:{name}"

    def read() -> Any:
        value = cache.get(key)
        if value is None:
            value = build()
            cache.set(key, value, timeout)
        return value

    return memoised(key, read)

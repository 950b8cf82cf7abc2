"""Fixtures of the outbox tests: test email templates, a broker that can be pointed anywhere, a real worker."""

from __future__ import annotations

import copy
import socket
import threading
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection

from conftest import require_service

TEMPLATES_DIR = Path(__file__).parent / "templates"


@pytest.fixture(autouse=True)
def _test_email_templates(settings):
    """The test events (emails/test-*.txt|html) live beside the tests."""
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["DIRS"] = [TEMPLATES_DIR, *templates[0]["DIRS"]]
    settings.TEMPLATES = templates


@contextmanager
def celery_broker(url: str, *, transport_options: dict | None = None, eager: bool = False):
    """Point the Celery app at ``url`` (eager off), with fresh connection pools; restore everything after."""
    from kombu import pools

    from qms.celery import app

    conf = app.conf
    saved = (conf.broker_url, conf.broker_transport_options, conf.task_always_eager)

    def reset_pools():
        # Close the broker connections and forget the pools (kombu keeps them in a registry of its own), so
        # that the next publication connects with the settings of the moment.
        pools.reset()
        app._pool = None
        app.amqp._producer_pool = None

    reset_pools()
    conf.broker_url = url
    conf.broker_transport_options = {**(saved[1] or {}), **(transport_options or {})}
    conf.task_always_eager = eager
    try:
        yield app
    finally:
        reset_pools()
        conf.broker_url, conf.broker_transport_options, conf.task_always_eager = saved


def closed_port_url() -> str:
    """A Redis URL on a local port where nothing listens."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"redis://127.0.0.1:{port}/0"


def require_postgresql() -> None:
    if connection.vendor != "postgresql":
        require_service("PostgreSQL is needed (set DATABASE_URL=postgres://…)")


def require_redis_broker() -> str:
    """The configured Redis broker URL, or a skip (a failure in CI) when there is none or it is down."""
    url = django_settings.CELERY_BROKER_URL
    if not url.startswith(("redis://", "rediss://")):
        require_service("A Redis broker is needed (set REDIS_URL=redis://127.0.0.1:6379/2)")
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        require_service(f"Redis is not reachable at the configured broker: {type(exc).__name__}")
    return url


@pytest.fixture
def celery_worker(transactional_db, monkeypatch):
    """A real Celery worker, in a thread of this process, consuming the queues of the configured Redis broker,
    against the test database (PostgreSQL, transactional tests).

    Keys get a prefix of their own, so that nothing from another run (or another suite on the same Redis) is
    consumed. Yields a function that starts the worker with the given queues (a context manager); its ``ran``
    attribute lists the (task name, thread id) of every task the worker ran.
    """
    require_postgresql()
    url = require_redis_broker()
    from celery import signals
    from celery.contrib.testing.worker import start_worker
    from django.db import connections

    monkeypatch.setenv("CELERY_SKIP_CHECKS", "1")

    ran: list[tuple[str, int]] = []

    def close_worker_connections(sender=None, **kwargs):
        # The worker thread opens its own connections to the test database: close them after each task, so
        # that the test database can be flushed and dropped.
        connections.close_all()
        ran.append((sender.name, threading.get_ident()))

    signals.task_postrun.connect(close_worker_connections, weak=False)
    prefix = f"qms-test-{uuid.uuid4().hex[:12]}:"

    @contextmanager
    def run(queues=None):
        # Without queues, every declared queue, as `celery worker` without -Q. Always name them: choosing queues
        # narrows the app's own list, which would otherwise carry over to the next worker.
        with celery_broker(url, transport_options={"global_keyprefix": prefix}) as app:
            names = list(queues or app.amqp.queues)
            with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30, queues=names) as worker:
                yield worker

    run.ran = ran  # (task name, thread) of every task the worker ran
    try:
        yield run
    finally:
        signals.task_postrun.disconnect(close_worker_connections)
        import redis

        client = redis.Redis.from_url(url, socket_connect_timeout=2)
        keys = list(client.scan_iter(match=f"{prefix}*"))
        if keys:
            client.delete(*keys)

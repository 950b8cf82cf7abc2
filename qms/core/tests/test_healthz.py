"""GET /healthz: JSON for load balancers and monitoring, 200 when all is well, 503 otherwise."""

from __future__ import annotations

import socket
from unittest import mock

import pytest
from django.db import OperationalError, connections
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from conftest import require_service

pytestmark = pytest.mark.django_db


def closed_port() -> int:
    """A local TCP port that nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def redis_is_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


def test_it_answers_200_with_json_on_a_healthy_system(client, settings):
    settings.CELERY_BROKER_URL = ""
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"] == {"ok": True, "detail": "ok"}
    assert body["checks"]["migrations"] == {"ok": True, "detail": "ok"}
    assert body["checks"]["cache"]["ok"] is True
    # No broker configured (the embedded default): nothing to check.
    assert "broker" not in body["checks"]


def test_it_is_public_and_never_cached(client):
    response = client.get("/healthz")
    assert response.status_code in (200, 503)
    assert "no-cache" in response["Cache-Control"]
    assert "login" not in response.get("Location", "")


def test_it_is_exempt_from_the_https_redirect(client, settings):
    """Load balancers probe it over plain HTTP."""
    settings.SECURE_SSL_REDIRECT = True
    settings.CELERY_BROKER_URL = ""
    assert client.get("/healthz").status_code == 200
    assert client.get(reverse("core:landing")).status_code == 301


def test_it_answers_503_when_the_database_check_fails(client, settings):
    settings.CELERY_BROKER_URL = ""
    with mock.patch.object(type(connections["default"]), "cursor", side_effect=OperationalError("connection refused")):
        response = client.get(reverse("healthz"))
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["checks"]["database"] == {"ok": False, "detail": "OperationalError"}
    assert body["checks"]["migrations"]["ok"] is False
    # Nothing of the exception's text (hosts, user names) leaks to an anonymous caller.
    assert "connection refused" not in response.content.decode()


def test_it_reports_pending_migrations_with_503(client, settings):
    settings.CELERY_BROKER_URL = ""
    pending = [(mock.Mock(name="0099_new"), False), (mock.Mock(name="0100_newer"), False)]
    with mock.patch.object(MigrationExecutor, "migration_plan", return_value=pending):
        response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["checks"]["migrations"] == {"ok": False, "detail": "2 pending"}
    assert response.json()["checks"]["database"]["ok"] is True


def test_it_answers_503_when_the_broker_is_configured_but_unreachable(client, settings):
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{closed_port()}/0"
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["checks"]["broker"]["ok"] is False
    assert body["checks"]["database"]["ok"] is True


def test_it_checks_a_reachable_broker(client, settings):
    if not redis_is_up():
        require_service("Redis on 127.0.0.1:6379")
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/15"
    response = client.get(reverse("healthz"))
    assert response.status_code == 200, response.json()
    assert response.json()["checks"]["broker"] == {"ok": True, "detail": "ok"}

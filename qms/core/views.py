from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView


@login_not_required
def landing(request: HttpRequest) -> HttpResponse:
    """The public landing page: file a request, or sign in."""
    return render(request, "core/landing.html")


class HomeView(TemplateView):
    """The signed-in user's start page."""

    template_name = "core/home.html"


@login_not_required
def ratelimited(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Shown when a rate limit is exceeded (django-ratelimit's RATELIMIT_VIEW)."""
    return render(
        request,
        "429.html",
        {"message": _("Too many attempts from your connection. Please wait a few minutes and try again.")},
        status=429,
    )


def _check_database() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True, "ok"
    except Exception as exc:  # noqa: BLE001 - any failure means the database is down
        return False, exc.__class__.__name__


def _check_migrations() -> tuple[bool, str]:
    try:
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception as exc:  # noqa: BLE001
        return False, exc.__class__.__name__
    return (not pending, "ok" if not pending else f"{len(pending)} pending")


def _check_broker() -> tuple[bool, str] | None:
    if not settings.CELERY_BROKER_URL:
        return None
    from qms.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return True, "ok"
    except Exception as exc:  # noqa: BLE001
        return False, exc.__class__.__name__


def _check_cache() -> tuple[bool, str]:
    try:
        cache.set("healthz", "1", 5)
        return (cache.get("healthz") == "1", "ok")
    except Exception as exc:  # noqa: BLE001
        return False, exc.__class__.__name__


@login_not_required
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Machine-readable health: 200 when the database, migrations, cache and broker are fine, else 503."""
    checks = {"database": _check_database()}
    checks["migrations"] = _check_migrations() if checks["database"][0] else (False, "database down")
    checks["cache"] = _check_cache()
    broker = _check_broker()
    if broker is not None:
        checks["broker"] = broker
    healthy = all(ok for ok, _detail in checks.values())
    body = {
        "status": "ok" if healthy else "error",
        "checks": {name: {"ok": ok, "detail": detail} for name, (ok, detail) in checks.items()},
    }
    return JsonResponse(body, status=200 if healthy else 503)

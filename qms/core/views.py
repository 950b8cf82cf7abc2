from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import RedirectView, TemplateView

from qms.core.app_settings import settings_models
from qms.core.health import setup_warnings
from qms.core.models import SiteSettings
from qms.core.navigation import nav_items
from qms.core.public import too_many_requests
from qms.core.search import SEARCH_LIMIT, read_scope, search_terms
from qms.core.selectors import holds_back_office_role, search_users, unit_label, with_units

# The accessibility statement (déclaration d'accessibilité, RGAA). The compliance level, the audit and the contact
# come from the site settings that the quality manager edits; the level also shows in every page's footer, as the
# RGAA asks. Update this date when the statement's text changes.
ACCESSIBILITY_STATEMENT_DATE = datetime.date(2026, 11, 24)
RGAA_VERSION = "4.1.2"

# The Défenseur des droits, to whom anyone may refer a lack of accessibility that the institution did not fix.
DEFENSEUR_DES_DROITS = {
    "form_url": "https://formulaire.defenseurdesdroits.fr/",
    "delegates_url": "https://www.defenseurdesdroits.fr/carte-des-delegues",
    "phone": "09 69 39 00 00",
    "postal_address": ["Défenseur des droits", "Libre réponse 71120", "75342 Paris CEDEX 07"],
}


def reverse_or_none(url_name: str) -> str | None:
    """The address of ``url_name``, or None while the page does not exist yet."""
    try:
        return reverse(url_name)
    except NoReverseMatch:
        return None


@login_not_required
def landing(request: HttpRequest) -> HttpResponse:
    """The public landing page: file a request, or sign in."""
    return render(request, "core/landing.html", {"complaint_url": reverse_or_none("complaints:public-create")})


class HomeView(TemplateView):
    """The signed-in user's start page: a welcome and the modules they may open."""

    template_name = "core/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["modules"] = nav_items(self.request.user)
        return context


@login_not_required
def accessibility(request: HttpRequest) -> HttpResponse:
    """The accessibility statement (déclaration d'accessibilité) that French public bodies must publish."""
    context = {
        "site": SiteSettings.get(),
        "statement_date": ACCESSIBILITY_STATEMENT_DATE,
        "rgaa_version": RGAA_VERSION,
        "defenseur": DEFENSEUR_DES_DROITS,
    }
    return render(request, "core/accessibility.html", context)


@login_not_required
def legal(request: HttpRequest) -> HttpResponse:
    """The legal notice (mentions légales)."""
    return render(request, "core/legal.html", {"site": SiteSettings.get()})


@login_not_required
def privacy(request: HttpRequest) -> HttpResponse:
    """The personal-data page (données personnelles): controller, DPO, purposes, legal basis, retention, rights.

    Each app's settings record tells how long the app keeps personal data (``AppSettings.privacy_retention``)."""
    retention = [line for model in settings_models() for line in model.get().privacy_retention()]
    return render(request, "core/privacy.html", {"site": SiteSettings.get(), "app_retention": retention})


@method_decorator(login_not_required, name="dispatch")
class PasswordLoginRedirectView(RedirectView):
    """django.contrib.auth's password-only login page, replaced by the two-factor login (the query string, with
    its ``next``, is kept), so that nobody can sign in without their second factor."""

    pattern_name = "two_factor:login"
    query_string = True
    permanent = False


@login_not_required
def ratelimited(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Shown when a rate limit is exceeded (django-ratelimit's RATELIMIT_VIEW)."""
    return too_many_requests(request)


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
        # The URL from the settings, so that what is checked is what the settings say (and tests can point it
        # elsewhere); the transport options keep the check short when the broker is down.
        with app.connection_for_write(url=settings.CELERY_BROKER_URL) as conn:
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
        # What needs attention without stopping the site (qms.core.health): never a 503.
        "warnings": _setup_warnings() if checks["database"][0] else {},
    }
    return JsonResponse(body, status=200 if healthy else 503)


def _setup_warnings() -> dict[str, str]:
    with translation.override("en"):
        return {warning.key: str(warning.message) for warning in setup_warnings()}


# --- The people picker's search (qms.core.widgets) -------------------------------------------------------------


@method_decorator(never_cache, name="dispatch")
class UserSearchView(View):
    """People matching ``q`` (name or username; any case, any accents), at most SEARCH_LIMIT, as JSON for
    static/js/autocomplete.js: each with their name and unit, nothing more. Only within a signed ``scope``
    (qms.core.search.sign_scope) issued to the user asking, naming the people a form of theirs offers (such as
    the sensitive-cases group for a sensitive request); its resolver checks again that the user may use it. No
    scope, a forged one or one issued to someone else is refused (400), a forbidden one too (403)."""

    http_method_names = ["get"]

    def get(self, request: HttpRequest) -> HttpResponse:
        # Who may look people up at all comes first: no role, no directory, whatever the scope says.
        if not holds_back_office_role(request.user):
            raise PermissionDenied
        token = request.GET.get("scope", "")
        if not token:
            return JsonResponse({"error": "no scope"}, status=400)
        try:
            scope, argument = read_scope(token, user=request.user)
        except (signing.BadSignature, KeyError, ValueError, TypeError):
            return JsonResponse({"error": "bad scope"}, status=400)
        people = scope.resolve(request.user, argument)
        if people is None:
            raise PermissionDenied
        text = request.GET.get("q", "")[:200]
        found = list(with_units(search_users(people, text))[: SEARCH_LIMIT + 1]) if search_terms(text) else []
        return JsonResponse(
            {
                "results": [
                    {"id": str(person.pk), "text": str(person), "detail": unit_label(person)}
                    for person in found[:SEARCH_LIMIT]
                ],
                "more": len(found) > SEARCH_LIMIT,
            }
        )

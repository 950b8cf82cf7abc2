"""The 403, 404, 429 and 500 pages: in the base layout, translated (French by default, English with the language
cookie), and the 500 page without a database or a request context."""

from __future__ import annotations

import logging

import pytest
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from django.urls import path
from django.utils import translation

from qms.core import errors, views
from qms.core.tests.html import parse
from qms.urls import urlpatterns as project_urlpatterns


@login_not_required
def forbidden(request):
    raise PermissionDenied("a reason that must not be shown")


@login_not_required
def broken(request):
    raise RuntimeError("boom")


# This module is also the URLconf of its tests: the project's URLs plus views that fail on purpose.
urlpatterns = [
    *project_urlpatterns,
    path("test-errors/403/", forbidden),
    path("test-errors/429/", views.ratelimited),
    path("test-errors/500/", broken),
]
handler403 = "qms.core.errors.permission_denied"
handler404 = "qms.core.errors.page_not_found"
handler500 = "qms.core.errors.server_error"

pytestmark = pytest.mark.urls(__name__)


@pytest.fixture
def english(client):
    client.cookies["django_language"] = "en"
    return client


def uses_the_base_layout(response) -> bool:
    return "base.html" in [template.name for template in response.templates]


@pytest.mark.django_db
def test_the_404_page_is_in_french_by_default(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert uses_the_base_layout(response)
    page = parse(response)
    assert page.one("html").get("lang") == "fr"
    assert page.text_of("h1") == "Page non trouvée"
    assert page.one("main#main")
    assert page.one("footer a[data-footer=accessibility]")


@pytest.mark.django_db
def test_the_404_page_is_in_english_with_the_cookie(english):
    page = parse(english.get("/no-such-page/"))

    assert page.one("html").get("lang") == "en"
    assert page.text_of("h1") == "Page not found"
    assert "does not exist" in page.text_of("main p.lead")


@pytest.mark.django_db
def test_the_403_page_is_translated_and_hides_the_reason(client):
    response = client.get("/test-errors/403/")

    assert response.status_code == 403
    assert uses_the_base_layout(response)
    assert parse(response).text_of("h1") == "Permission refusée"
    assert b"a reason that must not be shown" not in response.content

    client.cookies["django_language"] = "en"
    english_page = parse(client.get("/test-errors/403/"))
    assert english_page.text_of("h1") == "Permission Denied"


@pytest.mark.django_db
def test_a_403_is_logged_on_one_line_without_a_traceback(client, caplog):
    with caplog.at_level(logging.WARNING, logger="django.request"):
        client.get("/test-errors/403/")
    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert record.levelno == logging.WARNING and record.status_code == 403
    assert record.getMessage() == "Forbidden (Permission denied): /test-errors/403/"
    assert record.exc_info is None and record.exc_text is None


def test_a_500_keeps_its_traceback_in_the_log(client, caplog):
    client.raise_request_exception = False
    with caplog.at_level(logging.ERROR, logger="django.request"):
        client.get("/test-errors/500/")
    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert record.exc_info is not None


@pytest.mark.django_db
def test_the_403_page_offers_the_way_home_to_a_signed_in_user(client, staff_member):
    from django.urls import reverse

    client.force_login(staff_member)
    page = parse(client.get("/test-errors/403/"))

    assert page.one("main a.btn").get("href") == reverse("core:home")


@pytest.mark.django_db
def test_the_429_page_is_in_the_layout_and_translated(client):
    response = client.get("/test-errors/429/")

    assert response.status_code == 429
    assert uses_the_base_layout(response)
    assert parse(response).one("html").get("lang") == "fr"

    client.cookies["django_language"] = "en"
    page = parse(client.get("/test-errors/429/"))
    assert page.text_of("h1") == "Too many requests"
    assert "Please wait a few minutes" in page.text_of("main p.lead")


def test_the_500_page_renders_without_a_database(client):
    """No ``db`` fixture: any query would raise. The page is still in the layout, and in French."""
    client.raise_request_exception = False

    response = client.get("/test-errors/500/")

    assert response.status_code == 500
    page = parse(response)
    assert page.one("html").get("lang") == "fr"
    assert page.text_of("h1") == "Erreur du serveur"
    assert page.one("a.skip-link")
    assert page.one("footer a[data-footer=legal]")
    assert b"boom" not in response.content


def test_the_500_page_is_in_english_with_the_cookie(english):
    english.raise_request_exception = False

    page = parse(english.get("/test-errors/500/"))

    assert page.text_of("h1") == "Server error"
    assert page.one("html").get("lang") == "en"


def test_the_500_handler_needs_no_request_context():
    """The handler renders with no context processor at all, so nothing reaches for the user or the site
    settings."""
    request = RequestFactory().get("/")  # no session, no user, no middleware

    with translation.override("fr"):
        response = errors.server_error(request)

    assert response.status_code == 500
    page = parse(response.content.decode())
    assert page.text_of("h1") == "Erreur du serveur"
    assert page.all("form.qms-language-form") == [], "no CSRF token without a request: no switcher"

"""Fixtures shared by the whole suite: personas, and a clean slate between tests."""

from __future__ import annotations

import threading

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.db import connections
from django.utils import translation


@pytest.fixture(autouse=True)
def _clean_slate(settings):
    """Eager Celery, the locmem email backend, a fast hasher and an empty cache for every test, so that rate
    limits and lockouts do not leak from one test to the next."""
    from qms.celery import app

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    cache.clear()
    # Code called directly speaks English, so that tests read the messages as written in the code whatever the
    # state of the French catalogue; pages still follow the request's language (French by default), and tests
    # about French ask for it explicitly.
    with translation.override("en"):
        yield
    cache.clear()
    app.conf.task_always_eager = eager


def at_once(work, workers: int) -> list[BaseException]:
    """Run ``work()`` in ``workers`` threads released together (a double click, concurrent submissions), each
    with its own database connection, closed afterwards; return what they raised, for the test to report."""
    barrier = threading.Barrier(workers)
    errors: list[BaseException] = []

    def run():
        try:
            barrier.wait(timeout=10)
            work()
        except BaseException as error:  # noqa: BLE001 - reported by the test
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


def require_service(reason: str) -> None:
    """Skip a test whose service is missing, or fail it when QMS_REQUIRE_SERVICES is set (as in CI)."""
    if django_settings.QMS_REQUIRE_SERVICES:
        pytest.fail(f"Required service unavailable: {reason}")
    pytest.skip(reason)


@pytest.fixture
def personas(db):
    from qms.core.tests.personas import build_personas

    return build_personas()


@pytest.fixture
def org(personas):
    return personas.org


@pytest.fixture
def quality_manager(personas):
    return personas.quality_manager


@pytest.fixture
def referent_sciences(personas):
    return personas.referent_sciences


@pytest.fixture
def referent_letters(personas):
    return personas.referent_letters


@pytest.fixture
def process_owner(personas):
    return personas.process_owner


@pytest.fixture
def director(personas):
    return personas.director


@pytest.fixture
def teacher(personas):
    return personas.teacher


@pytest.fixture
def auditor(personas):
    return personas.auditor


@pytest.fixture
def staff_member(personas):
    return personas.staff_member


# --- Browser tests (Playwright driving real headless Chromium) ---------------------------------------------------
# Mark them @pytest.mark.browser and use pytest-django's ``live_server`` with ``transactional_db``.


def pytest_collection_modifyitems(config, items):
    """Browser tests run last. Playwright's sync API keeps an event loop running in this thread from the start of
    the session-wide browser to the end of the session, so the ORM needs DJANGO_ALLOW_ASYNC_UNSAFE meanwhile;
    running them last keeps that loop and that variable away from every other test (and from the subprocesses
    some tests start)."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the session. Skips (or fails under QMS_REQUIRE_SERVICES) when Playwright or
    Chromium is missing."""
    import os

    # Playwright's sync API runs an event loop in this thread; Django's ORM, used by the tests around it,
    # would otherwise refuse to run "in an async context".
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        yield from _launch_chromium(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def _launch_chromium(executable: str):
    import os

    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError:
        require_service("Playwright is not installed (pip install -r requirements-dev.txt)")
    if not os.path.exists(executable):
        require_service(f"Chromium is not installed at {executable} (apt-get install chromium, or set CHROMIUM_PATH)")
    with sync_playwright() as playwright:
        try:
            chromium = playwright.chromium.launch(
                executable_path=executable,
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
                headless=True,
            )
        except PlaywrightError as exc:
            require_service(f"Chromium at {executable} could not start: {exc}")
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A fresh browser context and page for each test (no cookies carried over), in French like most users."""
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()

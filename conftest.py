"""Fixtures shared by the whole suite: personas, and a clean slate between tests."""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache


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
    yield
    cache.clear()
    app.conf.task_always_eager = eager


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

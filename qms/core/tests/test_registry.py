"""Apps declare their roles, menu entries, periodic jobs and settings; core collects them."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from qms.celery import app as celery_app
from qms.core import navigation, registry, schedule


def test_the_beat_schedule_is_what_the_apps_declare_and_every_entry_expires():
    collected = schedule.beat_schedule()
    assert {"notifications-sweep-outbox", "complaints-auto-close", "complaints-purge"} <= set(collected)
    assert celery_app.conf.beat_schedule == collected
    for name, entry in collected.items():
        assert entry["options"]["expires"] > 0, name


def test_an_entry_without_expires_is_refused(monkeypatch):
    class Config:
        label = "demo"

    monkeypatch.setattr(
        registry, "declared", lambda concern, attribute: [(Config, {"demo-job": {"task": "x", "schedule": 60.0}})]
    )
    with pytest.raises(ImproperlyConfigured, match="demo-job"):
        schedule.beat_schedule()


def test_two_apps_declaring_the_same_job_are_refused(monkeypatch):
    class Config:
        label = "demo"

    entry = {"task": "x", "schedule": 60.0, "options": {"expires": 10}}
    monkeypatch.setattr(
        registry, "declared", lambda concern, attribute: [(Config, {"j": entry}), (Config, {"j": entry})]
    )
    with pytest.raises(ImproperlyConfigured, match="twice"):
        schedule.beat_schedule()


def test_the_menu_is_collected_from_the_apps_in_their_order():
    keys = [entry.key for entry in navigation.declared_entries()]
    assert keys.index("processes") < keys.index("action-plans") < keys.index("complaints") < keys.index("site-settings")


def test_only_project_apps_are_searched():
    labels = {config.label for config in registry.project_apps()}
    assert {"core", "notifications", "reviews", "processes", "actionplans", "complaints"} <= labels
    assert not labels & {"admin", "auth", "two_factor", "axes", "django_filters"}


def test_an_unknown_concern_is_an_error():
    with pytest.raises(ValueError):
        registry.app_modules("gadgets")


def test_two_settings_sections_with_one_key_are_refused(monkeypatch):
    from qms.core.app_settings import SettingsSection, declared_sections

    class Config:
        label = "demo"

    section = SettingsSection(key="site", label="Site", model=object, form_class=object)
    monkeypatch.setattr(registry, "declared", lambda concern, attribute: [(Config, [section])])
    with pytest.raises(ImproperlyConfigured, match="site"):
        declared_sections()

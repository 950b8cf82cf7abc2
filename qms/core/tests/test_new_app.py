"""docs/new-app.md is true: the app it describes registers everywhere, with no file of qms/core or of another app
changed.

The example app of the page is written, block by block, into a temporary directory put on ``sys.path``, and
installed with ``override_settings`` (``INSTALLED_APPS``, and a URLconf that includes its ``urls.py`` as
``qms/urls.py`` would). Then every registry is asked about it.
"""

from __future__ import annotations

import hashlib
import re
import sys
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import override_settings
from django.urls import reverse

from qms.celery import app as celery_app
from qms.core import access, panels, registry, schedule, sources
from qms.core.app_settings import declared_sections
from qms.core.choices import Role
from qms.core.factories import UserFactory
from qms.core.models import ActivityLog
from qms.core.navigation import declared_entries, nav_items
from qms.core.roles import declared_roles, role_permissions, sync_roles
from qms.core.tests.test_architecture import Project, declared_dependencies, offences

DOC = Path(settings.BASE_DIR) / "docs" / "new-app.md"
BLOCK = re.compile(r"^```python (trainings/[\w/]+\.py)\n(.*?)^```$", re.MULTILINE | re.DOTALL)
SITE_URLCONF = """\
from django.urls import include, path

from qms.urls import urlpatterns as project_urlpatterns

urlpatterns = [*project_urlpatterns, path("formations/", include("trainings.urls"))]
"""


def project_files_digest() -> dict[str, str]:
    """A hash of every file of the installed project apps: what must not change when an app is added."""
    digest = {}
    for config in registry.project_apps():
        for path in sorted(Path(config.path).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return digest


def write_example_app(root: Path) -> Path:
    blocks = BLOCK.findall(DOC.read_text(encoding="utf-8"))
    assert len(blocks) >= 10, "docs/new-app.md lost its example app"
    package = root / "trainings"
    package.mkdir()
    (package / "__init__.py").write_text("", encoding="utf-8")
    for name, code in blocks:
        target = root / name
        assert not target.exists(), f"{name} is written twice in docs/new-app.md"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(code, encoding="utf-8")
    (root / "trainings_site_urls.py").write_text(SITE_URLCONF, encoding="utf-8")
    return package


def forget_example_app() -> None:
    session = apps.all_models.get("trainings", {}).get("session")
    if session is not None:
        sources.unregister(session)
    panels.unregister("trainings.sessions")
    for name in [name for name in sys.modules if name.split(".")[0] in {"trainings", "trainings_site_urls"}]:
        del sys.modules[name]
    apps.all_models.pop("trainings", None)
    apps.clear_cache()
    ContentType.objects.clear_cache()
    registry.clear()
    celery_app.conf.beat_schedule = schedule.beat_schedule()


@pytest.fixture
def trainings_app(tmp_path):
    before = project_files_digest()
    package = write_example_app(tmp_path)
    sys.path.insert(0, str(tmp_path))
    registry.clear()
    try:
        with override_settings(
            INSTALLED_APPS=[*settings.INSTALLED_APPS, "trainings"], ROOT_URLCONF="trainings_site_urls"
        ):
            registry.clear()
            yield package
    finally:
        sys.path.remove(str(tmp_path))
        forget_example_app()
    assert project_files_digest() == before, "adding the app changed a file of qms/core or of another app"


def test_the_example_app_registers_everywhere(trainings_app):
    from trainings.models import Session, TrainingSettings

    from processes.models import Process

    assert "trainings" in {config.label for config in registry.project_apps()}
    # Roles: its own role, and its permissions merged into the existing ones.
    assert declared_roles()["training_officer"] == "Training officer"
    permissions = role_permissions()
    assert {"trainings.view_session", "trainings.change_trainingsettings"} <= permissions[Role.QUALITY_MANAGER]
    assert "complaints.view_complaint" in permissions[Role.QUALITY_MANAGER]  # the others' blocks are still there
    assert permissions["training_officer"] == {f"trainings.{a}_session" for a in ("add", "change", "delete", "view")}
    # The menu, in its order, with an address.
    entries = {entry.key: entry for entry in declared_entries()}
    assert entries["trainings"].order == 50 and entries["trainings"].url() == "/formations/"
    # The periodic job, with its expiry.
    assert schedule.beat_schedule()["trainings-remind"]["options"]["expires"] == 3600
    # Its section of the settings page, after the helpdesk's.
    keys = [section.key for section in declared_sections()]
    assert keys.index("helpdesk") < keys.index("trainings")
    assert next(s for s in declared_sections() if s.key == "trainings").model is TrainingSettings
    # Its architecture rules, which its code keeps (string references to core and processes included).
    assert declared_dependencies()["trainings"] == {"qms.core", "qms.notifications", "processes", "actionplans"}
    assert offences("trainings", declared_dependencies()["trainings"], Project.current()) == []
    assert "trainings" not in access.open_to_signed_in()
    # A source of actions, and a panel on the process sheet.
    source = sources.get(Session)
    session = Session(reference="FOR-1", title="Accueil des nouveaux personnels")
    assert source is not None and source.reference(session) == "FOR-1"
    assert source.label(session) == "FOR-1 — Accueil des nouveaux personnels"
    # Beside the panels other apps register for processes (action plans' "Actions"), the new one is there.
    assert "trainings.sessions" in [panel.key for panel in panels.panels_for(Process())]
    # A registered source gets the action plans' "Actions" panel with no code of its own.
    assert [panel.key for panel in panels.panels_for(session)] == ["actionplans.actions"]


def test_the_architecture_check_would_catch_the_example_app_importing_the_helpdesk(trainings_app):
    (trainings_app / "exports.py").write_text("from complaints.models import Complaint\n", encoding="utf-8")
    found = offences("trainings", declared_dependencies()["trainings"], Project.current())
    assert len(found) == 1 and "trainings imports complaints.models, a part of complaints" in found[0]


@pytest.mark.django_db(transaction=True)
def test_the_example_apps_section_is_saved_on_the_settings_page(trainings_app, client):
    from trainings.models import TrainingSettings

    with connection.schema_editor() as editor:
        editor.create_model(TrainingSettings)
    try:
        create_permissions(apps.get_app_config("trainings"), verbosity=0)
        sync_roles(verbosity=0)
        manager = UserFactory(username="qualite", roles=[Role.QUALITY_MANAGER])
        client.force_login(manager)

        page = client.get(reverse("core:site-settings")).content.decode()
        assert 'data-settings-section="trainings"' in page
        assert "trainings" in [item.key for item in nav_items(manager, "/")]
        response = client.post(reverse("core:site-settings"), {"section": "trainings", "trainings-reminder_days": "3"})

        assert response.status_code == 302
        assert TrainingSettings.get().reminder_days == 3
        assert ActivityLog.objects.get(verb="trainings_settings.updated").user == manager
    finally:
        with connection.schema_editor() as editor:
            editor.delete_model(TrainingSettings)

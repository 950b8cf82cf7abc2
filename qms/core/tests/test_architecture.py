"""Dependencies point one way (shared/DESIGN.md), as the apps declare them.

Each app of the project says which packages of the project it may use, in ``<app>/dependencies.py:
MAY_IMPORT`` (read through ``qms.core.registry``): a new app adds its own rules without touching this file. A
reference to another app counts whether it is an import or a string: ``"actionplans.Action"`` in a
``ForeignKey``, a ``GenericRelation`` or a migration, ``apps.get_model("actionplans", "Action")``, a migration's
dependency on ``("actionplans", "0001_initial")``. Any such arrow that its app did not declare fails.

Tests are left out: they may build other apps' objects to check the seams.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.apps import apps

from qms.core import registry

# Every app of the design, with or without code yet.
DESIGN_APPS = {
    "qms.core",
    "qms.notifications",
    "qms.reviews",
    "processes",
    "actionplans",
    "complaints",
    "surveys",
    "certifications",
}
# The project's wiring imports every app: an app that imported it would depend on all of them.
PROJECT_WIRING = {"qms.urls", "qms.settings", "qms.wsgi", "qms.asgi"}

_MODEL_REFERENCE = re.compile(r"([a-z_][a-z0-9_]*)\.([A-Za-z_][A-Za-z0-9_]*)")
_MIGRATION_NAME = re.compile(r"\d{4}_\w+|__first__|__latest__")


# --- What the apps declare --------------------------------------------------------------------------------------


def declared_dependencies() -> dict[str, frozenset[str]]:
    """``{app name: the project packages it may import}``, from each app's ``dependencies.py``."""
    return {config.name: frozenset(allowed) for config, allowed in registry.declared("dependencies", "MAY_IMPORT")}


@dataclass(frozen=True)
class Project:
    """What the scan needs to know of the project: its apps, their labels and their models."""

    paths: dict[str, Path]  # app name -> directory
    labels: dict[str, str]  # app label -> app name
    models: dict[str, frozenset[str]]  # app label -> model names, lower case

    @classmethod
    def current(cls) -> Project:
        configs = registry.project_apps()
        return cls(
            paths={config.name: Path(config.path) for config in configs},
            labels={config.label: config.name for config in configs},
            models={
                config.label: frozenset(
                    model._meta.model_name for model in apps.get_app_config(config.label).get_models()
                )
                for config in configs
            },
        )

    def owner_of_module(self, module: str) -> str | None:
        """The app a module belongs to (the longest app name it starts with), "qms" for the project's wiring."""
        if module in PROJECT_WIRING:
            return "qms"
        owners = [name for name in self.paths if module == name or module.startswith(name + ".")]
        return max(owners, key=len) if owners else None

    def owner_of_string(self, text: str) -> str | None:
        """The app that ``"label.Model"`` names, when it is a model reference to a project app."""
        match = _MODEL_REFERENCE.fullmatch(text)
        if match and match[2].lower() in self.models.get(match[1], ()):
            return self.labels[match[1]]
        return None


@dataclass(frozen=True)
class Reference:
    line: int
    what: str
    owner: str


def _string(node: ast.AST) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def references(path: Path, project: Project) -> Iterator[Reference]:
    """Every reference of ``path`` to a project app: imports, string model references, migration dependencies."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if owner := project.owner_of_module(alias.name):
                    yield Reference(node.lineno, f"imports {alias.name}", owner)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if owner := project.owner_of_module(node.module):
                yield Reference(node.lineno, f"imports {node.module}", owner)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            if owner := project.owner_of_string(node.value):
                yield Reference(node.lineno, f"names the model {node.value!r}", owner)
        elif isinstance(node, ast.Call) and node.args:
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            label = _string(node.args[0])
            if name == "get_model" and label in project.labels:
                yield Reference(node.lineno, f"gets a model of {label!r}", project.labels[label])
        elif isinstance(node, ast.Tuple) and len(node.elts) == 2:
            label, migration = (_string(element) for element in node.elts)
            if label in project.labels and migration and _MIGRATION_NAME.fullmatch(migration):
                yield Reference(node.lineno, f"depends on the migration {label}.{migration}", project.labels[label])


def source_files(directory: Path) -> list[Path]:
    return sorted(path for path in directory.rglob("*.py") if "tests" not in path.relative_to(directory).parts)


def offences(app: str, allowed: frozenset[str], project: Project, directory: Path | None = None) -> list[str]:
    """Each reference of ``app``'s code to a project package it did not declare."""
    directory = directory or project.paths[app]
    found = []
    for path in source_files(directory):
        # Files of an app nested in this one's directory (qms.core holds none) belong to that app.
        if project.owner_of_module(_module_name(path, directory, app)) != app:
            continue
        for reference in sorted(references(path, project), key=lambda reference: reference.line):
            if reference.owner != app and reference.owner not in allowed:
                found.append(f"{path}:{reference.line}: {app} {reference.what}, a part of {reference.owner}")
    return found


def _module_name(path: Path, directory: Path, app: str) -> str:
    parts = path.relative_to(directory).with_suffix("").parts
    return ".".join([app, *(part for part in parts if part != "__init__")])


# --- The rules hold ------------------------------------------------------------------------------------------------

DECLARED = declared_dependencies()


def test_every_app_of_the_project_and_of_the_design_declares_its_dependencies():
    project_apps = {config.name for config in registry.project_apps()}
    assert project_apps >= DESIGN_APPS
    assert sorted(project_apps - set(DECLARED)) == []


def test_the_declarations_name_project_apps_and_make_no_cycle():
    for app, allowed in DECLARED.items():
        assert app not in allowed, f"{app} lists itself"
        assert allowed <= set(DECLARED), f"{app} may import unknown packages: {sorted(allowed - set(DECLARED))}"
    # An order exists in which each app comes after everything it may import.
    placed: set[str] = set()
    while len(placed) < len(DECLARED):
        ready = {app for app, allowed in DECLARED.items() if app not in placed and allowed <= placed}
        assert ready, f"these apps may import each other in a cycle: {sorted(set(DECLARED) - placed)}"
        placed |= ready


def test_the_declarations_keep_the_arrows_of_the_design():
    assert DECLARED["qms.core"] == frozenset()
    assert DECLARED["qms.notifications"] == {"qms.core"}
    assert "actionplans" not in DECLARED["processes"]
    assert not {"complaints", "surveys", "certifications", "qms.reviews"} & DECLARED["actionplans"]
    assert "complaints" not in DECLARED["surveys"]
    assert DECLARED["certifications"] >= {"qms.core", "qms.notifications", "processes", "actionplans"}
    assert DECLARED["qms.reviews"] >= DESIGN_APPS - {"qms.reviews"}


@pytest.mark.parametrize("app", sorted(DECLARED))
def test_an_app_refers_only_to_what_it_declared(app):
    assert offences(app, DECLARED[app], Project.current()) == []


# --- The check catches what it should ---------------------------------------------------------------------------


def offending_app(tmp_path: Path, source: str, name: str = "models.py") -> Path:
    directory = tmp_path / "processes"
    (directory / "migrations").mkdir(parents=True)
    (directory / name).write_text(source, encoding="utf-8")
    return directory


def test_the_rule_catches_an_offending_import(tmp_path):
    directory = offending_app(tmp_path, "def f():\n    from actionplans.models import Action\n\nimport complaints\n")
    found = offences("processes", DECLARED["processes"], Project.current(), directory)
    assert len(found) == 2
    assert "imports actionplans.models, a part of actionplans" in found[0]
    assert "imports complaints, a part of complaints" in found[1]


def test_the_rule_catches_an_offending_string_model_reference(tmp_path):
    directory = offending_app(
        tmp_path,
        "from django.apps import apps\n"
        "from django.contrib.contenttypes.fields import GenericRelation\n"
        "from django.db import models\n"
        "class Risk(models.Model):\n"
        '    action = models.ForeignKey("actionplans.Action", on_delete=models.CASCADE)\n'
        '    sources = GenericRelation("actionplans.ActionSource")\n'
        "def treatment():\n"
        '    return apps.get_model("actionplans", "Action")\n',
    )
    found = offences("processes", DECLARED["processes"], Project.current(), directory)
    assert [line.split(": ", 1)[1] for line in found] == [
        "processes names the model 'actionplans.Action', a part of actionplans",
        "processes names the model 'actionplans.ActionSource', a part of actionplans",
        "processes gets a model of 'actionplans', a part of actionplans",
    ]


def test_the_rule_catches_a_migration_that_names_another_app(tmp_path):
    directory = offending_app(
        tmp_path,
        "from django.db import migrations, models\n"
        "class Migration(migrations.Migration):\n"
        "    dependencies = [('core', '0001_initial'), ('actionplans', '0001_initial')]\n"
        "    operations = [migrations.AddField('risk', 'action', models.ForeignKey(on_delete=models.CASCADE,"
        " to='actionplans.action'))]\n",
        name="migrations/0002_risk_action.py",
    )
    found = offences("processes", DECLARED["processes"], Project.current(), directory)
    assert [line.split(": ", 1)[1] for line in found] == [
        "processes depends on the migration actionplans.0001_initial, a part of actionplans",
        "processes names the model 'actionplans.action', a part of actionplans",
    ]


def test_what_is_declared_or_not_a_model_passes(tmp_path):
    directory = offending_app(
        tmp_path,
        "from qms.core.models import OrgUnit\n"
        "from qms.notifications.services import notify\n"
        'PERMISSIONS = ["actionplans.view_action"]  # a permission name, not a model\n'
        'OWNER = models.ForeignKey("core.User", on_delete=None)\n'
        'KEY = "actionplans.actions"\n',
    )
    assert offences("processes", DECLARED["processes"], Project.current(), directory) == []


def test_the_project_wiring_is_no_app_to_import(tmp_path):
    directory = offending_app(tmp_path, "from qms.urls import urlpatterns\n")
    found = offences("processes", DECLARED["processes"], Project.current(), directory)
    assert len(found) == 1 and "imports qms.urls, a part of qms" in found[0]

"""The import boundary: no module of ``processes`` (its tests included) imports ``actionplans`` or names one of its
models, not even as a string. Actions reach the process map through the registries of ``qms.core`` (sources, object
panels); links to action plans' pages go by URL name (``actionplans:…``), which is not a reference to its code."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from django.apps import apps

import processes

PACKAGE = Path(processes.__file__).resolve().parent
FORBIDDEN = "actionplans"


def forbidden_names() -> frozenset[str]:
    """What ``"actionplans.<name>"`` may not name: one of its models, or one of its modules (lower case). A metric key
    such as ``"actionplans.on_time_rate"`` is a name in the shared metric registry, not a reference to its code."""
    config = apps.get_app_config(FORBIDDEN)
    models = {model._meta.model_name for model in config.get_models()}
    modules = {path.stem for path in Path(config.path).glob("*.py")} | {
        path.name for path in Path(config.path).iterdir() if path.is_dir()
    }
    return frozenset(models | modules)


def is_reference(text: str, names: frozenset[str]) -> bool:
    """``"actionplans"`` alone (an app label given to ``get_model``…), or ``"actionplans.<model or module>"``."""
    text = text.strip()
    if text == FORBIDDEN:
        return True
    prefix, _dot, rest = text.partition(".")
    return prefix == FORBIDDEN and rest.split(".")[0].lower() in names


def python_files() -> list[Path]:
    # This very file spells the forbidden names to check that the checks catch them.
    return sorted(path for path in PACKAGE.rglob("*.py") if path.resolve() != Path(__file__).resolve())


def offending_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        found += [name for name in names if name == "actionplans" or name.startswith("actionplans.")]
    return found


def offending_strings(path: Path, names: frozenset[str] | None = None) -> list[str]:
    names = forbidden_names() if names is None else names
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and is_reference(node.value, names)
    ]


def test_no_module_of_processes_imports_actionplans():
    offenders = [
        f"{path.relative_to(PACKAGE)}: {names}" for path in python_files() if (names := offending_imports(path))
    ]
    assert offenders == []


def test_no_module_of_processes_names_an_actionplans_model_even_as_a_string():
    offenders = [
        f"{path.relative_to(PACKAGE)}: {found}" for path in python_files() if (found := offending_strings(path))
    ]
    assert offenders == []


def test_no_template_of_processes_includes_an_actionplans_template():
    offenders = [
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.html")
        if re.search(r"""\{%\s*(include|extends)\s+["']actionplans/""", path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_the_checks_catch_what_they_should(tmp_path):
    module = tmp_path / "bad.py"
    module.write_text(
        "def f():\n    from actionplans.models import Action\n\n"
        "REF = 'actionplans.Action'\nGET = ('actionplans', 'action')\n",
        encoding="utf-8",
    )
    assert offending_imports(module) == ["actionplans.models"]
    assert offending_strings(module) == ["actionplans.Action", "actionplans"]
    fine = tmp_path / "fine.py"
    fine.write_text(
        "URL = 'actionplans:source-actions'\nTEXT = 'action plans'\nKEY = 'actionplans.on_time_rate'\n",
        encoding="utf-8",
    )
    assert offending_strings(fine) == []


def test_processes_declares_what_it_may_import():
    from processes.dependencies import MAY_IMPORT

    assert "actionplans" not in MAY_IMPORT
    assert set(MAY_IMPORT) <= {"qms.core", "qms.notifications"}

"""Dependencies point one way (shared/DESIGN.md): each rule names the packages a package must never import."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]

FORBIDDEN = {
    "qms/core": [
        "qms.notifications",
        "qms.reviews",
        "processes",
        "actionplans",
        "complaints",
        "surveys",
        "certifications",
    ],
    "qms/notifications": ["qms.reviews", "processes", "actionplans", "complaints", "surveys", "certifications"],
    "processes": ["actionplans", "complaints", "surveys", "certifications", "qms.reviews"],
    "actionplans": ["complaints", "surveys", "certifications", "qms.reviews"],
    "complaints": ["surveys", "certifications", "qms.reviews"],
}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_a_package_never_imports_what_sits_above_it(package):
    offenders = []
    for path in sorted((ROOT / package).rglob("*.py")):
        if "tests" in path.relative_to(ROOT).parts:
            continue  # tests may build objects of other apps to check the seams
        for module in imported_modules(path):
            if any(module == banned or module.startswith(banned + ".") for banned in FORBIDDEN[package]):
                offenders.append(f"{path.relative_to(ROOT)} imports {module}")
    assert not offenders, "\n".join(offenders)


def test_the_rule_catches_an_offending_import(tmp_path):
    offending = tmp_path / "bad.py"
    offending.write_text("def f():\n    from complaints.models import Complaint\n", encoding="utf-8")
    assert "complaints.models" in imported_modules(offending)

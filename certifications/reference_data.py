"""The frameworks every installation gets: loaded by ``manage.py load_reference_data`` from the YAML files of
``certifications/data/`` (built from the shared referentials, each with its sources and notes on confidence).

Idempotent: a framework version is matched on (code, version), its requirements on their reference; loading
again changes nothing. Texts and the tree follow the files; the grading scale and the rules are only given on
first load, since the quality manager may edit them afterwards. After loading, each file's ``expected_counts``
are checked against the database, and a mismatch undoes that file and stops the command.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import yaml
from django.db import transaction

from certifications.choices import NcGrading, NewEntrantHandling
from certifications.models import ActionCategory, Condition, Framework, Grade, LiveEvidence, Requirement
from certifications.services.frameworks import rebuild_tree

DATA_DIR = Path(__file__).resolve().parent / "data"

RULE_FIELDS = (
    "certificate_validity_months",
    "surveillance_from_month",
    "surveillance_to_month",
    "renewal_takes_effect_after_expiry",
)
GRADE_FIELDS = (
    "label",
    "kind",
    "needs_action",
    "action_plan_days",
    "implementation_months",
    "verification_months",
    "verify_at_next_audit",
    "notes",
)


class ReferenceDataError(Exception):
    """A data file does not load, or does not give the counts it declares."""


@dataclass
class LoadResult:
    framework: Framework
    created: bool = False
    changes: int = 0
    counts: dict[str, int] = field(default_factory=dict)

    def __str__(self) -> str:
        state = "created" if self.created else ("updated" if self.changes else "unchanged")
        count = self.counts.get("requirements", 0)
        return f"{self.framework.code} {self.framework.version}: {count} requirements, {state}"


def data_files() -> list[Path]:
    return sorted(DATA_DIR.glob("*.yaml"))


def read(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def _date(value: Any) -> datetime.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value))


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "\n".join(str(item) for item in value)
    return str(value)


def _assign(obj, values: dict[str, Any]) -> int:
    """Set ``values`` on ``obj``; the number of fields that changed."""
    changed = 0
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed += 1
    return changed


def _flatten(nodes: list[dict], parent: str | None = None) -> list[tuple[dict, str | None]]:
    flat = []
    for node in nodes or []:
        flat.append((node, parent))
        flat.extend(_flatten(node.get("children") or [], str(node["ref"])))
    return flat


def counts_of(framework: Framework) -> dict[str, Any]:
    """What the database holds for ``framework``, in the shape of a data file's ``expected_counts``."""
    rows = list(framework.requirements.values("pk", "depth", "is_leaf", "nc_grading", "new_entrants", "criterion_id"))
    references = dict(framework.requirements.values_list("pk", "reference"))
    counts: dict[str, Any] = {"requirements": len(rows), "leaves": sum(1 for r in rows if r["is_leaf"])}
    for depth, number in Counter(r["depth"] for r in rows).items():
        counts[f"depth_{depth}"] = number
    counts["major_only"] = sum(1 for r in rows if r["nc_grading"] == NcGrading.MAJOR_ONLY)
    counts["adapted"] = sum(1 for r in rows if r["new_entrants"] == NewEntrantHandling.ADAPTED)
    counts["leaves_under"] = dict(Counter(references[r["criterion_id"]] for r in rows if r["is_leaf"]))
    return counts


def check_counts(framework: Framework, expected: dict[str, Any]) -> dict[str, Any]:
    """Compare the database with ``expected``; raise ``ReferenceDataError`` listing every difference."""
    actual = counts_of(framework)
    problems = []
    for key, wanted in (expected or {}).items():
        found = actual.get(key, 0)
        if isinstance(wanted, dict):
            found = {name: actual.get(key, {}).get(name, 0) for name in wanted}
        if found != wanted:
            problems.append(f"{key}: expected {wanted}, found {found}")
    if problems:
        raise ReferenceDataError(f"{framework.code} {framework.version}: " + "; ".join(problems))
    return actual


@transaction.atomic
def load_file(path: Path) -> LoadResult:
    """Load one data file; all or nothing."""
    data = read(path)
    rules = data.get("rules") or {}
    framework = Framework.objects.filter(code=data["code"], version=str(data["version"])).first()
    result = LoadResult(framework=framework, created=framework is None)
    if framework is None:
        framework = Framework(code=data["code"], version=str(data["version"]), is_reference=True)
        for name in RULE_FIELDS:
            if name in rules:
                setattr(framework, name, rules[name])
        framework.rules_notes = _text(rules.get("notes"))
        framework.levels = data.get("levels") or []
    result.framework = framework
    result.changes += _assign(
        framework,
        {
            "name": data["name"],
            "kind": data.get("kind") or framework.kind,
            "publisher": _text(data.get("publisher")),
            "effective_from": _date(data.get("effective_from")),
            "effective_until": _date(data.get("effective_until")),
            "description": _text(data.get("notes")),
            "sources": _text(data.get("sources")),
            "is_reference": True,
        },
    )
    if result.created or result.changes:
        framework.save()

    categories = {}
    for position, item in enumerate(data.get("categories") or [], start=1):
        category, created = ActionCategory.objects.get_or_create(
            framework=framework, code=item["code"], defaults={"title": item["title"], "position": position}
        )
        if not created and _assign(category, {"title": item["title"], "position": position}):
            category.save()
            result.changes += 1
        result.changes += created
        categories[item["code"]] = category
    conditions = {}
    for position, item in enumerate(data.get("conditions") or [], start=1):
        condition, created = Condition.objects.get_or_create(
            framework=framework, code=item["code"], defaults={"title": item["title"], "position": position}
        )
        if not created and _assign(condition, {"title": item["title"], "position": position}):
            condition.save()
            result.changes += 1
        result.changes += created
        conditions[item["code"]] = condition

    # The scale: given once, then the quality manager's.
    if not framework.grades.exists():
        grades = {}
        for position, item in enumerate(data.get("grades") or [], start=1):
            grades[item["code"]] = Grade.objects.create(
                framework=framework,
                code=item["code"],
                position=position,
                **{name: item[name] for name in GRADE_FIELDS if item.get(name) is not None},
            )
            result.changes += 1
        for item in data.get("grades") or []:
            if item.get("regrades_to"):
                grade = grades[item["code"]]
                grade.regrades_to = grades[item["regrades_to"]]
                grade.save(update_fields=["regrades_to"])

    existing = {r.reference: r for r in framework.requirements.prefetch_related("categories", "live_evidence")}
    seen: set[str] = set()
    for position, (node, parent_ref) in enumerate(_flatten(data.get("requirements") or []), start=1):
        reference = str(node["ref"])
        if reference in seen:
            raise ReferenceDataError(f"{path.name}: reference {reference} appears twice.")
        seen.add(reference)
        requirement = existing.get(reference)
        created = requirement is None
        if created:
            requirement = Requirement(framework=framework, reference=reference)
        values = {
            "parent": existing.get(parent_ref) if parent_ref else None,
            "title": _text(node.get("title")),
            "title_en": _text(node.get("title_en")),
            "statement": _text(node.get("statement")),
            "guidance": _text(node.get("guidance")),
            "tags": list(node.get("tags") or []),
            "condition": conditions.get(node["condition"]) if node.get("condition") else None,
            "applies_when": _text(node.get("applies_when")),
            "nc_grading": node.get("nc_grading") or "",
            "new_entrants": node.get("new_entrants") or "",
            "position": position,
        }
        if node.get("condition") and node["condition"] not in conditions:
            raise ReferenceDataError(f"{path.name}: {reference} names an unknown condition {node['condition']}.")
        if _assign(requirement, values) or created:
            requirement.save()
            result.changes += 1
        existing[reference] = requirement
        wanted_categories = {categories[code].pk for code in node.get("categories") or []}
        current_categories = {c.pk for c in requirement.categories.all()} if not created else set()
        if wanted_categories != current_categories:
            requirement.categories.set(wanted_categories)
            result.changes += 1
        wanted_live = [(item["kind"], item["key"], item.get("label", "")) for item in node.get("live_evidence") or []]
        current_live = (
            [(live.kind, live.key, live.label) for live in requirement.live_evidence.all()] if not created else []
        )
        if wanted_live != current_live:
            requirement.live_evidence.all().delete()
            for rank, (kind, key, label) in enumerate(wanted_live, start=1):
                LiveEvidence.objects.create(requirement=requirement, kind=kind, key=key, label=label, position=rank)
            result.changes += 1
    # Requirements the file no longer has: removed unless something points at them.
    for reference, requirement in existing.items():
        if reference in seen:
            continue
        if requirement.assessments.exists() or requirement.findings.exists():
            raise ReferenceDataError(
                f"{path.name}: {reference} was removed from the file but has been assessed; make a new version."
            )
        requirement.delete()
        result.changes += 1
    result.changes += rebuild_tree(framework)
    result.counts = check_counts(framework, data.get("expected_counts") or {})
    return result


def load(stdout: TextIO | None = None) -> list[LoadResult]:
    """Load every data file (``manage.py load_reference_data`` calls this)."""
    results = []
    for path in data_files():
        result = load_file(path)
        results.append(result)
        if stdout is not None:
            stdout.write(f"Frameworks: {result}.")
    return results

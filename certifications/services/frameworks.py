"""Frameworks: the requirement tree, custom frameworks made in the back office, and grading scales."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from certifications.choices import GradeKind
from certifications.models import Framework, Grade, Requirement
from certifications.services.base import CertificationError, set_fields
from qms.core.models import User
from qms.core.services import log_activity

FRAMEWORK_FIELDS = (
    "name",
    "version",
    "kind",
    "publisher",
    "effective_from",
    "effective_until",
    "description",
    "sources",
    "certificate_validity_months",
    "surveillance_from_month",
    "surveillance_to_month",
    "renewal_takes_effect_after_expiry",
    "rules_notes",
)
REQUIREMENT_FIELDS = ("reference", "title", "statement", "guidance", "parent")
GRADE_FIELDS = (
    "code",
    "label",
    "kind",
    "needs_action",
    "position",
    "action_plan_days",
    "implementation_months",
    "verification_months",
    "verify_at_next_audit",
    "regrades_to",
    "notes",
)

# The scale every framework starts from unless its data gives another (AFNOR style, as ISO 9001 audits use).
DEFAULT_SCALE = (
    ("PF", "Point fort", GradeKind.STRENGTH, False),
    ("PP", "Piste de progrès", GradeKind.IMPROVEMENT, False),
    ("PS", "Point sensible", GradeKind.ATTENTION, False),
    ("NCm", "Non-conformité mineure", GradeKind.MINOR_NC, True),
    ("NCM", "Non-conformité majeure", GradeKind.MAJOR_NC, True),
)


def rebuild_tree(framework: Framework) -> int:
    """Recompute each requirement's preorder position, depth, leaf flag and top-level criterion from the parent
    links, in three queries whatever the size; returns the number of rows that changed. Refuses a cycle."""
    nodes = list(
        framework.requirements.only("pk", "parent_id", "reference", "position", "depth", "is_leaf", "criterion_id")
    )
    children: dict[int | None, list[Requirement]] = {}
    for node in nodes:
        children.setdefault(node.parent_id, []).append(node)
    for siblings in children.values():
        siblings.sort(key=lambda n: (n.position, n.pk))
    changed: list[Requirement] = []
    seen: set[int] = set()
    counter = 0

    def visit(node: Requirement, depth: int, criterion_id: int) -> None:
        nonlocal counter
        if node.pk in seen:
            raise CertificationError(_("A requirement cannot be placed under itself or one of its children."))
        seen.add(node.pk)
        counter += 1
        values = {
            "position": counter,
            "depth": depth,
            "is_leaf": not children.get(node.pk),
            "criterion_id": criterion_id,
        }
        if any(getattr(node, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(node, name, value)
            changed.append(node)
        for child in children.get(node.pk, []):
            visit(child, depth + 1, criterion_id)

    for root in children.get(None, []):
        visit(root, 0, root.pk)
    if len(seen) != len(nodes):
        raise CertificationError(_("A requirement cannot be placed under itself or one of its children."))
    if changed:
        Requirement.objects.bulk_update(changed, ["position", "depth", "is_leaf", "criterion"], batch_size=500)
    return len(changed)


def create_default_scale(framework: Framework) -> list[Grade]:
    """Give ``framework`` the AFNOR-style scale (strength … major non-conformity) when it has no grade yet."""
    if framework.grades.exists():
        return list(framework.grades.all())
    return [
        Grade.objects.create(framework=framework, code=code, label=label, kind=kind, needs_action=needs, position=i)
        for i, (code, label, kind, needs) in enumerate(DEFAULT_SCALE, start=1)
    ]


def _check_framework(framework: Framework) -> None:
    if not framework.code or not framework.name.strip() or not framework.version.strip():
        raise CertificationError(_("A framework needs a code, a name and a version."))
    if framework.effective_from and framework.effective_until and framework.effective_until < framework.effective_from:
        raise CertificationError(_("A framework cannot stop being in force before it starts."), field="effective_until")
    if (
        framework.surveillance_from_month
        and framework.surveillance_to_month
        and framework.surveillance_to_month < framework.surveillance_from_month
    ):
        raise CertificationError(
            _("The surveillance window cannot end before it starts."), field="surveillance_to_month"
        )
    clash = Framework.objects.filter(code=framework.code, version=framework.version).exclude(pk=framework.pk)
    if clash.exists():
        raise CertificationError(
            _("Version “%(version)s” of this framework already exists.") % {"version": framework.version},
            field="version",
        )


@transaction.atomic
def framework_create(*, code: str, name: str, version: str, by: User | None, **fields: Any) -> Framework:
    """Create a custom framework (made in the back office, not reference data), with the default scale."""
    framework = Framework(code=code.strip(), name=name.strip(), version=version.strip())
    set_fields(framework, fields, FRAMEWORK_FIELDS)
    _check_framework(framework)
    framework.save()
    create_default_scale(framework)
    log_activity(obj=framework, verb="created", by=by)
    return framework


@transaction.atomic
def framework_update(*, framework: Framework, by: User | None, **changes: Any) -> Framework:
    """Change a framework's own fields and rules (the reference data's texts are changed by their files)."""
    changed = set_fields(framework, changes, FRAMEWORK_FIELDS)
    _check_framework(framework)
    if changed:
        framework.save()
        log_activity(obj=framework, verb="updated", by=by, details={"changes": changed})
    return framework


def _check_editable(framework: Framework) -> None:
    if framework.is_reference:
        raise CertificationError(
            _("This framework is reference data: its requirements change with its data file, not here.")
        )


def _check_requirement(requirement: Requirement) -> None:
    requirement.reference = requirement.reference.strip()
    if not requirement.reference:
        raise CertificationError(_("A requirement needs a reference."), field="reference")
    if requirement.parent_id and requirement.parent.framework_id != requirement.framework_id:
        raise CertificationError(_("The parent belongs to another framework."), field="parent")
    clash = Requirement.objects.filter(framework=requirement.framework_id, reference=requirement.reference)
    if clash.exclude(pk=requirement.pk).exists():
        raise CertificationError(
            _("Reference “%(reference)s” is already used in this framework.") % {"reference": requirement.reference},
            field="reference",
        )


@transaction.atomic
def requirement_create(
    *,
    framework: Framework,
    reference: str,
    title: str,
    by: User | None,
    parent: Requirement | None = None,
    statement: str = "",
    guidance: str = "",
) -> Requirement:
    """Add a requirement to a custom framework, last among its siblings."""
    _check_editable(framework)
    if parent is not None and parent.assessments.exists():
        raise CertificationError(
            _("“%(reference)s” has been assessed: it cannot receive sub-requirements.")
            % {"reference": parent.reference},
            field="parent",
        )
    last = framework.requirements.filter(parent=parent).aggregate(top=Max("position"))["top"] or 0
    requirement = Requirement(
        framework=framework,
        parent=parent,
        reference=reference,
        title=title.strip(),
        statement=statement,
        guidance=guidance,
        position=last + 1,
    )
    _check_requirement(requirement)
    requirement.save()
    rebuild_tree(framework)
    log_activity(obj=framework, verb="requirement_added", by=by, details={"reference": requirement.reference})
    return requirement


@transaction.atomic
def requirement_update(*, requirement: Requirement, by: User | None, **changes: Any) -> Requirement:
    _check_editable(requirement.framework)
    changed = set_fields(requirement, changes, REQUIREMENT_FIELDS)
    _check_requirement(requirement)
    if changed:
        requirement.save()
        rebuild_tree(requirement.framework)
        log_activity(
            obj=requirement.framework,
            verb="requirement_updated",
            by=by,
            details={"reference": requirement.reference, "changes": changed},
        )
    return requirement


@transaction.atomic
def requirement_delete(*, requirement: Requirement, by: User | None) -> None:
    """Remove a requirement of a custom framework, unless it (or a child) was assessed or cited by a finding."""
    framework = requirement.framework
    _check_editable(framework)
    subtree = [requirement.pk]
    frontier = [requirement.pk]
    while frontier:
        frontier = list(Requirement.objects.filter(parent__in=frontier).values_list("pk", flat=True))
        subtree += frontier
    used = Requirement.objects.filter(pk__in=subtree)
    if used.filter(assessments__isnull=False).exists() or used.filter(findings__isnull=False).exists():
        raise CertificationError(_("This requirement has been assessed or cited by a finding: it is kept."))
    reference = requirement.reference
    Requirement.objects.filter(pk__in=subtree).delete()
    rebuild_tree(framework)
    log_activity(obj=framework, verb="requirement_deleted", by=by, details={"reference": reference})


@transaction.atomic
def framework_new_version(
    *,
    framework: Framework,
    version: str,
    by: User | None,
    effective_from: datetime.date | None = None,
) -> Framework:
    """Copy a framework into a new version of the same code (its tree, categories, conditions and scale), to be
    edited. The earlier version and what was assessed against it stay as they are."""
    copy = Framework(
        code=framework.code,
        name=framework.name,
        version=version.strip(),
        kind=framework.kind,
        publisher=framework.publisher,
        effective_from=effective_from,
        description=framework.description,
        sources=framework.sources,
        certificate_validity_months=framework.certificate_validity_months,
        surveillance_from_month=framework.surveillance_from_month,
        surveillance_to_month=framework.surveillance_to_month,
        renewal_takes_effect_after_expiry=framework.renewal_takes_effect_after_expiry,
        rules_notes=framework.rules_notes,
        levels=framework.levels,
    )
    _check_framework(copy)
    copy.save()
    categories = {
        c.pk: copy.categories.create(code=c.code, title=c.title, position=c.position)
        for c in framework.categories.all()
    }
    conditions = {
        c.pk: copy.conditions.create(code=c.code, title=c.title, position=c.position)
        for c in framework.conditions.all()
    }
    grades: dict[int, Grade] = {}
    for grade in framework.grades.all():
        grades[grade.pk] = Grade.objects.create(
            framework=copy, **{name: getattr(grade, name) for name in GRADE_FIELDS if name != "regrades_to"}
        )
    for grade in framework.grades.filter(regrades_to__isnull=False):
        target = grades[grade.pk]
        target.regrades_to = grades.get(grade.regrades_to_id)
        target.save(update_fields=["regrades_to"])
    copies: dict[int, Requirement] = {}
    for node in framework.requirements.prefetch_related("categories", "live_evidence").order_by("position"):
        new = Requirement.objects.create(
            framework=copy,
            parent=copies.get(node.parent_id),
            reference=node.reference,
            title=node.title,
            title_en=node.title_en,
            statement=node.statement,
            guidance=node.guidance,
            tags=node.tags,
            condition=conditions.get(node.condition_id),
            applies_when=node.applies_when,
            nc_grading=node.nc_grading,
            new_entrants=node.new_entrants,
            position=node.position,
        )
        new.categories.set([categories[c.pk] for c in node.categories.all()])
        for live in node.live_evidence.all():
            new.live_evidence.create(kind=live.kind, key=live.key, label=live.label, position=live.position)
        copies[node.pk] = new
    rebuild_tree(copy)
    log_activity(obj=copy, verb="created", by=by, details={"copied_from": framework.pk})
    return copy


# --- Grading scales -----------------------------------------------------------------------------------------------


def _check_grade(grade: Grade) -> None:
    grade.code = grade.code.strip()
    grade.label = grade.label.strip()
    if not grade.code or not grade.label:
        raise CertificationError(_("A grade needs a code and a label."))
    if grade.kind not in GradeKind.values:
        raise CertificationError(_("“%(kind)s” is not a kind of grade.") % {"kind": grade.kind}, field="kind")
    if grade.regrades_to_id and (
        grade.regrades_to.framework_id != grade.framework_id or grade.regrades_to_id == grade.pk
    ):
        raise CertificationError(_("A grade is regraded to another grade of the same scale."), field="regrades_to")
    if Grade.objects.filter(framework=grade.framework_id, code=grade.code).exclude(pk=grade.pk).exists():
        raise CertificationError(
            _("Code “%(code)s” is already used in this scale.") % {"code": grade.code}, field="code"
        )
    if not grade.needs_action and (grade.implementation_months or grade.verification_months or grade.action_plan_days):
        raise CertificationError(_("Only a grade that needs an action plan has dates."), field="needs_action")


@transaction.atomic
def grade_save(*, framework: Framework, by: User | None, grade: Grade | None = None, **fields: Any) -> Grade:
    """Create (``grade`` None) or change a grade of ``framework``'s scale."""
    created = grade is None
    if created:
        grade = Grade(framework=framework)
        fields.setdefault("position", (framework.grades.aggregate(top=Max("position"))["top"] or 0) + 1)
    elif grade.framework_id != framework.pk:
        raise CertificationError(_("This grade belongs to another framework."))
    changed = set_fields(grade, fields, GRADE_FIELDS)
    _check_grade(grade)
    if created or changed:
        grade.save()
        log_activity(
            obj=framework,
            verb="grade_added" if created else "grade_updated",
            by=by,
            details={"grade": grade.code, "changes": changed},
        )
    return grade


@transaction.atomic
def grade_delete(*, grade: Grade, by: User | None) -> None:
    if grade.findings.exists() or grade.framework.requirements.filter(findings__original_grade=grade).exists():
        raise CertificationError(_("Findings carry this grade: it is kept."))
    framework, code = grade.framework, grade.code
    grade.delete()
    log_activity(obj=framework, verb="grade_deleted", by=by, details={"grade": code})

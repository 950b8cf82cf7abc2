"""Applying the imports of certifications/imports.py: all or nothing, and the same file twice changes nothing."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from certifications import imports
from certifications.choices import ImportKind
from certifications.models import Certificate, Certification, CertificationImport, Framework, Requirement
from certifications.services.base import CertificationError
from certifications.services.compliance import assessment_save
from certifications.services.frameworks import create_default_scale, rebuild_tree
from certifications.services.register import (
    certificate_add,
    certificate_update,
    certification_create,
    certification_update,
)
from qms.core.models import OrgUnit, User
from qms.core.services import log_activity
from qms.core.spreadsheets import SpreadsheetError


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    target: Any = None


def import_start(
    *,
    kind: str,
    by: User,
    source: Any,
    filename: str = "",
    certification: Certification | None = None,
    options: dict[str, Any] | None = None,
) -> CertificationImport:
    """Read an uploaded file and keep its rows, owned by ``by`` and expiring, until they confirm the preview."""
    if kind == ImportKind.SELF_ASSESSMENT and certification is None:
        raise CertificationError(_("A self-assessment is imported into a certification."))
    if kind == ImportKind.FRAMEWORK:
        options = options or {}
        if not options.get("code") or not options.get("version") or not options.get("name"):
            raise CertificationError(_("Give the new framework a code, a name and a version."))
        existing = Framework.objects.filter(code=options["code"], version=options["version"]).first()
        if existing is not None and existing.is_reference:
            raise CertificationError(
                _("This framework is reference data: it changes with its data file, not by import."), field="code"
            )
    try:
        payload = imports.read_import_file(kind, source, filename=filename)
    except SpreadsheetError as error:
        raise CertificationError(error.message, field="file") from None
    imports.purge_expired_imports()
    return CertificationImport.objects.create(
        kind=kind,
        certification=certification,
        options=options or {},
        created_by=by,
        filename=filename[:250],
        payload=payload,
    )


def _refuse_errors(preview: imports.ImportPreview) -> None:
    if preview.has_errors:
        count = len(preview.errors)
        raise CertificationError(
            ngettext(
                "The file has %(count)s error: nothing was imported.",
                "The file has %(count)s errors: nothing was imported.",
                count,
            )
            % {"count": count}
        )


def _apply_framework(batch: CertificationImport, preview: imports.ImportPreview, by: User) -> ImportResult:
    options = batch.options
    framework = Framework.objects.filter(code=options["code"], version=options["version"]).first()
    result = ImportResult()
    if framework is None:
        framework = Framework.objects.create(
            code=options["code"], name=options["name"], version=options["version"], kind=options.get("kind") or "label"
        )
        create_default_scale(framework)
        log_activity(obj=framework, verb="created", by=by, details={"imported_from": batch.filename})
    nodes = {r.reference: r for r in framework.requirements.all()}
    for row in preview.rows:
        values = row.values
        if row.op == "create":
            nodes[values["reference"]] = Requirement.objects.create(
                framework=framework,
                reference=values["reference"],
                title=values["title"],
                statement=values["statement"],
                guidance=values["guidance"],
                position=row.line,
            )
            result.created += 1
        elif row.op == "update":
            requirement = nodes[values["reference"]]
            for name in ("title", "statement", "guidance"):
                if name in preview.columns:
                    setattr(requirement, name, values[name])
            requirement.save()
            result.updated += 1
        else:
            result.unchanged += 1
    for row in preview.rows:
        if "parent" not in preview.columns:
            break
        requirement = nodes[row.values["reference"]]
        parent = nodes.get(row.values["parent"]) if row.values["parent"] else None
        if requirement.parent_id != (parent.pk if parent else None):
            requirement.parent = parent
            requirement.save(update_fields=["parent"])
    for row in preview.rows:
        requirement = nodes[row.values["reference"]]
        if requirement.position != row.line:
            requirement.position = row.line
            requirement.save(update_fields=["position"])
    rebuild_tree(framework)
    log_activity(
        obj=framework,
        verb="imported",
        by=by,
        details={"file": batch.filename, "created": result.created, "updated": result.updated},
    )
    result.target = framework
    return result


def _apply_register(batch: CertificationImport, preview: imports.ImportPreview, by: User) -> ImportResult:
    result = ImportResult()
    frameworks = {f.pk: f for f in Framework.objects.filter(pk__in={r.values["framework"] for r in preview.rows})}
    units = {u.pk: u for u in OrgUnit.objects.filter(pk__in={r.values["holder"] for r in preview.rows})}
    owners = {
        u.pk: u for u in User.objects.filter(pk__in={r.values["owner"] for r in preview.rows if r.values["owner"]})
    }
    for row in preview.rows:
        if row.op == "unchanged":
            result.unchanged += 1
            continue
        values = row.values
        framework = frameworks[values["framework"]]
        certification = Certification.objects.filter(
            framework__code=framework.code, name__iexact=values["name"]
        ).first()
        fields = {
            "scope": values["scope"],
            "certifying_body": values["certifying_body"],
            "level": values["level"],
        }
        # An empty cell leaves what the register holds.
        fields = {name: value for name, value in fields.items() if value}
        if certification is None:
            certification = certification_create(
                name=values["name"],
                framework=framework,
                holder=units[values["holder"]],
                owner=owners.get(values["owner"]),
                by=by,
                **fields,
            )
        elif fields:
            certification_update(certification=certification, by=by, **fields)
        dates = {name: datetime.date.fromisoformat(values[name]) for name in ("issued_on", "valid_from", "valid_until")}
        certificates = Certificate.objects.filter(certification=certification)
        certificate = (
            certificates.filter(number=values["number"]).first()
            if values["number"]
            else certificates.filter(issued_on=dates["issued_on"]).first()
        )
        if certificate is None:
            certificate_add(certification=certification, by=by, number=values["number"], **dates)
        else:
            certificate_update(certificate=certificate, by=by, **dates)
        if row.op == "create":
            result.created += 1
        else:
            result.updated += 1
    return result


def _apply_self_assessment(batch: CertificationImport, preview: imports.ImportPreview, by: User) -> ImportResult:
    result = ImportResult()
    certification = batch.certification
    requirements = {
        r.pk: r for r in Requirement.objects.filter(pk__in={row.values["requirement"] for row in preview.rows})
    }
    owners = {
        u.pk: u for u in User.objects.filter(pk__in={r.values["owner"] for r in preview.rows if r.values["owner"]})
    }
    for row in preview.rows:
        if row.op == "unchanged":
            result.unchanged += 1
            continue
        values = row.values
        assessment_save(
            certification=certification,
            requirement=requirements[values["requirement"]],
            by=by,
            status=values["status"],
            comment=values["comment"],
            justification=values["justification"],
            owner=owners.get(values["owner"]),
        )
        if row.op == "create":
            result.created += 1
        else:
            result.updated += 1
    log_activity(
        obj=certification,
        verb="self_assessment_imported",
        by=by,
        details={"file": batch.filename, "created": result.created, "updated": result.updated},
    )
    return result


@transaction.atomic
def import_confirm(*, batch: CertificationImport, by: User) -> ImportResult:
    """Apply a previewed import: only its owner may, once, before it expires. The rows applied are those kept on
    the server at upload time, analysed again now; any error means nothing is written."""
    batch = CertificationImport.objects.select_for_update().get(pk=batch.pk)
    if batch.created_by_id != by.pk:
        raise CertificationError(_("This import belongs to someone else."))
    if batch.applied_at is not None:
        raise CertificationError(_("This import has already been applied."))
    if batch.is_expired:
        raise CertificationError(_("This import has expired: send the file again."))
    preview = imports.analyse(batch)
    _refuse_errors(preview)
    if batch.kind == ImportKind.FRAMEWORK:
        result = _apply_framework(batch, preview, by)
    elif batch.kind == ImportKind.REGISTER:
        result = _apply_register(batch, preview, by)
    else:
        result = _apply_self_assessment(batch, preview, by)
    batch.applied_at = timezone.now()
    batch.save(update_fields=["applied_at"])
    return result

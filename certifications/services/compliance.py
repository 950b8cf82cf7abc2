"""The compliance matrix: assessing a requirement, its evidence, and snapshots that freeze it."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from certifications.choices import ComplianceStatus, EvidenceKind
from certifications.models import (
    Assessment,
    AssessmentSnapshot,
    Audit,
    Certification,
    Evidence,
    Requirement,
    SnapshotRow,
)
from certifications.services.base import CertificationError, signed_in_user, value_for_log
from certifications.uploads import check_upload
from qms.core.models import User
from qms.core.services import log_activity


def _check_leaf(certification: Certification, requirement: Requirement) -> None:
    if requirement.framework_id != certification.framework_id:
        raise CertificationError(_("This requirement belongs to another version of the framework."))
    if not requirement.is_leaf:
        raise CertificationError(_("Only the last level of the tree is assessed."))


@transaction.atomic
def assessment_save(
    *,
    certification: Certification,
    requirement: Requirement,
    by: User | None,
    status: str,
    comment: str = "",
    justification: str = "",
    owner: User | None = None,
    at: datetime.datetime | None = None,
) -> Assessment:
    """Record how ``certification`` meets ``requirement`` (a leaf of its version). Not applicable needs a
    justification. The row is marked reviewed now; what changed is logged."""
    _check_leaf(certification, requirement)
    if status not in ComplianceStatus.values:
        raise CertificationError(_("“%(status)s” is not a known status.") % {"status": status}, field="status")
    justification = (justification or "").strip()
    if status == ComplianceStatus.NOT_APPLICABLE and not justification:
        raise CertificationError(_("Say why this requirement does not apply."), field="justification")
    assessment, created = Assessment.objects.select_for_update().get_or_create(
        certification=certification, requirement=requirement
    )
    before = {
        "status": assessment.status,
        "comment": assessment.comment,
        "justification": assessment.justification,
        "owner": assessment.owner,
    }
    assessment.status = status
    assessment.comment = (comment or "").strip()
    assessment.justification = justification
    assessment.owner = owner
    assessment.reviewed_at = at or timezone.now()
    assessment.reviewed_by = signed_in_user(by)
    assessment.save()
    changes = {
        name: [value_for_log(old), value_for_log(getattr(assessment, name))]
        for name, old in before.items()
        if old != getattr(assessment, name)
    }
    log_activity(
        obj=certification,
        verb="assessed",
        by=by,
        details={"requirement": requirement.reference, "changes": changes, "created": created},
    )
    return assessment


def _clean_url(url: str) -> str:
    url = (url or "").strip()
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        raise CertificationError(_("“%(url)s” is not a web address.") % {"url": url}, field="url") from None
    return url


@transaction.atomic
def evidence_add(
    *,
    certification: Certification,
    requirement: Requirement,
    by: User | None,
    file: UploadedFile | None = None,
    url: str = "",
    document_version: Any = None,
    label: str = "",
    dated: datetime.date | None = None,
) -> Evidence:
    """Attach a piece of evidence to ``requirement``'s row: an uploaded file, a URL, or a version of a controlled
    document of the process map (never the document in general), each with its date. A document version is
    dated by its edition unless a date is given."""
    _check_leaf(certification, requirement)
    given = [bool(file), bool((url or "").strip()), document_version is not None]
    if sum(given) != 1:
        raise CertificationError(_("Give one piece of evidence: a file, a link or a document version."))
    if dated is None and document_version is not None:
        dated = document_version.issued_on or (
            timezone.localdate(document_version.approved_at) if document_version.approved_at else None
        )
    dated = dated or timezone.localdate()
    if dated > timezone.localdate():
        raise CertificationError(_("The date of the evidence cannot be in the future."), field="dated")
    assessment, _created = Assessment.objects.get_or_create(certification=certification, requirement=requirement)
    evidence = Evidence(
        assessment=assessment,
        label=(label or "").strip()[:250],
        dated=dated,
        added_by=signed_in_user(by),
    )
    if file:
        check_upload(file)
        evidence.kind = EvidenceKind.FILE
        evidence.label = evidence.label or file.name[:250]
        evidence.file.save(file.name, file, save=False)
    elif document_version is not None:
        evidence.kind = EvidenceKind.DOCUMENT
        evidence.document_version = document_version
    else:
        evidence.kind = EvidenceKind.URL
        evidence.url = _clean_url(url)
    evidence.save()
    log_activity(
        obj=certification,
        verb="evidence_added",
        by=by,
        details={"requirement": requirement.reference, "kind": evidence.kind, "label": str(evidence)},
    )
    return evidence


@transaction.atomic
def evidence_delete(*, evidence: Evidence, by: User | None) -> None:
    certification = evidence.assessment.certification
    log_activity(
        obj=certification,
        verb="evidence_removed",
        by=by,
        details={"requirement": evidence.assessment.requirement.reference, "label": str(evidence)},
    )
    evidence.delete()


@transaction.atomic
def snapshot_take(
    *,
    certification: Certification,
    by: User | None,
    label: str,
    audit: Audit | None = None,
    at: datetime.datetime | None = None,
) -> AssessmentSnapshot:
    """Freeze the matrix of ``certification`` as it is now: statuses, comments, owners, evidence and live
    figures are copied into the snapshot, so that later edits and new versions change nothing of it."""
    from certifications.selectors import compliance_matrix

    label = (label or "").strip()
    if not label:
        raise CertificationError(_("Name the snapshot (“before the surveillance audit”, say)."), field="label")
    at = at or timezone.now()
    matrix = compliance_matrix(certification, today=timezone.localdate(at))
    snapshot = AssessmentSnapshot.objects.create(
        certification=certification,
        framework=certification.framework,
        label=label[:250],
        taken_at=at,
        taken_by=signed_in_user(by),
        audit=audit,
        readiness=matrix.readiness,
        leaves=matrix.leaves,
        not_assessed=matrix.not_assessed,
        counts=matrix.counts,
        criteria=[
            {
                "reference": row.requirement.reference,
                "title": row.requirement.label,
                "readiness": str(row.readiness) if row.readiness is not None else None,
                "leaves": row.leaves,
                "not_assessed": row.not_assessed,
            }
            for row in matrix.criteria
        ],
    )
    criteria = {row.requirement.pk: row.requirement.reference for row in matrix.criteria}
    SnapshotRow.objects.bulk_create(
        [
            SnapshotRow(
                snapshot=snapshot,
                position=position,
                reference=row.requirement.reference,
                title=row.requirement.label[:500],
                depth=row.requirement.depth,
                is_leaf=row.is_leaf,
                criterion_reference=criteria.get(row.requirement.criterion_id, ""),
                status=row.status if row.is_leaf else "",
                justification=row.assessment.justification if row.assessment else "",
                comment=row.assessment.comment if row.assessment else "",
                owner_name=str(row.assessment.owner) if row.assessment and row.assessment.owner_id else "",
                reviewed_at=row.assessment.reviewed_at if row.assessment else None,
                evidence=[
                    {
                        "kind": evidence.kind,
                        "label": str(evidence),
                        "dated": evidence.dated.isoformat(),
                        "url": evidence.url,
                        "obsolete": evidence.is_obsolete,
                    }
                    for evidence in row.evidence
                ],
                live=[figure.as_json() for figure in row.live],
            )
            for position, row in enumerate(matrix.rows, start=1)
        ],
        batch_size=500,
    )
    log_activity(
        obj=certification,
        verb="snapshot_taken",
        by=by,
        details={"snapshot": snapshot.pk, "label": snapshot.label, "readiness": str(matrix.readiness)},
    )
    return snapshot


def assessment_fields(assessment: Assessment | None) -> dict[str, Any]:
    """The editable values of a row, for a form's initial data."""
    if assessment is None:
        return {"status": ComplianceStatus.NOT_ASSESSED}
    return {
        "status": assessment.status,
        "comment": assessment.comment,
        "justification": assessment.justification,
        "owner": assessment.owner,
    }

"""Writes of the certifications. Every service is keyword-only, runs in one transaction, logs what it did, and
raises ``CertificationError`` (with a translated message) when the request does not make sense. Who may call
which service is the views' business (``certifications.selectors``); the services check what must hold
whoever calls them."""

from certifications.services.audits import (
    audit_create,
    audit_sync_grants,
    audit_transition,
    audit_update,
    grant_end,
    impartiality_conflicts,
    programme_save,
)
from certifications.services.base import CertificationError
from certifications.services.compliance import assessment_save, evidence_add, evidence_delete, snapshot_take
from certifications.services.findings import (
    default_dates,
    finding_answered,
    finding_create,
    finding_transition,
    finding_update,
    regrade_open_findings,
)
from certifications.services.frameworks import (
    create_default_scale,
    framework_create,
    framework_new_version,
    framework_update,
    grade_delete,
    grade_save,
    rebuild_tree,
    requirement_create,
    requirement_delete,
    requirement_update,
)
from certifications.services.imports import ImportResult, import_confirm, import_start
from certifications.services.register import (
    certificate_add,
    certificate_defaults,
    certificate_update,
    certification_create,
    certification_move_to_version,
    certification_transition,
    certification_update,
    surveillance_window,
)

__all__ = [
    "CertificationError",
    "ImportResult",
    "assessment_save",
    "audit_create",
    "audit_sync_grants",
    "audit_transition",
    "audit_update",
    "certificate_add",
    "certificate_defaults",
    "certificate_update",
    "certification_create",
    "certification_move_to_version",
    "certification_transition",
    "certification_update",
    "create_default_scale",
    "default_dates",
    "evidence_add",
    "evidence_delete",
    "finding_answered",
    "finding_create",
    "finding_transition",
    "finding_update",
    "framework_create",
    "framework_new_version",
    "framework_update",
    "grade_delete",
    "grade_save",
    "grant_end",
    "impartiality_conflicts",
    "import_confirm",
    "import_start",
    "programme_save",
    "rebuild_tree",
    "regrade_open_findings",
    "requirement_create",
    "requirement_delete",
    "requirement_update",
    "snapshot_take",
    "surveillance_window",
]

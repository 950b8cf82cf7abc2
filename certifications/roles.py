"""The certifications' permission blocks and the role they add (collected by qms.core.roles).

Groups say what may be done; where comes from memberships, ownership and access grants (see
certifications/selectors.py). External auditors keep ``Role.AUDITOR``; internal auditors are staff in the role
declared here, who also record the findings of the audits they are on.
"""

from django.utils.translation import gettext_lazy as _

from certifications.choices import INTERNAL_AUDITOR
from qms.core.choices import Role
from qms.core.roles import crud, view

ROLES = {INTERNAL_AUDITOR: _("Internal auditor")}

_REFERENCE = ("framework", "requirement", "actioncategory", "condition", "liveevidence", "grade")
_REGISTER = ("certification", "certificate", "versionchange")
_AUDITS = ("internalauditprogramme", "audit", "finding")
_MATRIX = ("assessment", "evidence", "assessmentsnapshot", "snapshotrow")
_READ_AN_AUDIT = [
    *view("certifications", *_REFERENCE, "certification", "certificate", "audit", "finding", *_MATRIX),
]

PERMISSIONS = {
    Role.QUALITY_MANAGER: [
        *crud("certifications", *_REFERENCE, *_REGISTER, *_AUDITS, *_MATRIX),
        *view("certifications", "certificationimport"),
        "certifications.view_certificationsettings",
        "certifications.change_certificationsettings",
    ],
    # A referent reads their units' certifications and audits, fills their matrix and follows up findings.
    Role.QUALITY_REFERENT: [
        *view("certifications", *_REFERENCE, *_REGISTER, *_AUDITS, *_MATRIX),
        "certifications.change_assessment",
        "certifications.add_evidence",
        "certifications.add_assessmentsnapshot",
        "certifications.change_finding",
    ],
    Role.DIRECTOR: [*view("certifications", *_REFERENCE, *_REGISTER, *_AUDITS, *_MATRIX)],
    Role.AUDITOR: _READ_AN_AUDIT,
    INTERNAL_AUDITOR: [*_READ_AN_AUDIT, "certifications.add_finding", "certifications.change_finding"],
}

"""Models of the certifications: frameworks as versioned data, the certificate register, audits and their
findings, the compliance matrix with its evidence and snapshots, and the app's settings."""

from certifications.models.audits import Audit, Finding, InternalAuditProgramme
from certifications.models.compliance import Assessment, AssessmentSnapshot, Evidence, SnapshotRow
from certifications.models.frameworks import ActionCategory, Condition, Framework, Grade, LiveEvidence, Requirement
from certifications.models.register import Certificate, Certification, VersionChange
from certifications.models.settings import CertificationImport, CertificationSettings

__all__ = [
    "ActionCategory",
    "Assessment",
    "AssessmentSnapshot",
    "Audit",
    "Certificate",
    "Certification",
    "CertificationImport",
    "CertificationSettings",
    "Condition",
    "Evidence",
    "Finding",
    "Framework",
    "Grade",
    "InternalAuditProgramme",
    "LiveEvidence",
    "Requirement",
    "SnapshotRow",
    "VersionChange",
]

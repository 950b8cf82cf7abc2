from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# The role this app adds (certifications/roles.py): staff who audit other units, distinct from Role.AUDITOR.
INTERNAL_AUDITOR = "internal_auditor"


class FrameworkKind(models.TextChoices):
    CERTIFICATION = "certification", _("Certification")
    LABEL = "label", pgettext_lazy("framework kind", "Label")
    EVALUATION = "evaluation", _("External evaluation")


class NcGrading(models.TextChoices):
    """Qualiopi: which non-conformity grades an indicator may receive."""

    MINOR_OR_MAJOR = "minor_or_major", _("Minor or major")
    MAJOR_ONLY = "major_only", _("Major only")


class NewEntrantHandling(models.TextChoices):
    """Qualiopi: a new entrant is exempted from no indicator; an "adapted" one is checked in two steps."""

    STANDARD = "standard", _("Standard")
    ADAPTED = "adapted", _("Adapted")


class GradeKind(models.TextChoices):
    """What a grade of a scale means, whatever its label (AFNOR scale, Qualiopi …)."""

    STRENGTH = "strength", _("Strength")
    IMPROVEMENT = "improvement", _("Improvement opportunity")
    ATTENTION = "attention", _("Point of attention")
    MINOR_NC = "minor_nc", _("Minor non-conformity")
    MAJOR_NC = "major_nc", _("Major non-conformity")


NONCONFORMITY_KINDS = (GradeKind.MINOR_NC, GradeKind.MAJOR_NC)

GRADE_BADGES = {
    GradeKind.STRENGTH: "success",
    GradeKind.IMPROVEMENT: "info",
    GradeKind.ATTENTION: "warning",
    GradeKind.MINOR_NC: "warning",
    GradeKind.MAJOR_NC: "danger",
}


class CertificationStatus(models.TextChoices):
    IN_PREPARATION = "in_preparation", _("In preparation")
    CERTIFIED = "certified", _("Certified")
    SUSPENDED = "suspended", _("Suspended")
    WITHDRAWN = "withdrawn", _("Withdrawn")


CERTIFICATION_STATUS_BADGES = {
    CertificationStatus.IN_PREPARATION: "secondary",
    CertificationStatus.CERTIFIED: "success",
    CertificationStatus.SUSPENDED: "warning",
    CertificationStatus.WITHDRAWN: "dark",
}
# The certifications whose figures count (readiness, expiries): not withdrawn.
ACTIVE_CERTIFICATION_STATUSES = (
    CertificationStatus.IN_PREPARATION,
    CertificationStatus.CERTIFIED,
    CertificationStatus.SUSPENDED,
)


class AuditType(models.TextChoices):
    INITIAL = "initial", _("Initial audit")
    SURVEILLANCE = "surveillance", _("Surveillance audit")
    RENEWAL = "renewal", _("Renewal audit")
    FOLLOW_UP = "follow_up", _("Follow-up audit")
    INTERNAL = "internal", _("Internal process or unit audit")


class AuditStatus(models.TextChoices):
    PLANNED = "planned", pgettext_lazy("audit", "Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    REPORT_RECEIVED = "report_received", _("Report received")
    CLOSED = "closed", pgettext_lazy("audit", "Closed")


AUDIT_STATUS_BADGES = {
    AuditStatus.PLANNED: "secondary",
    AuditStatus.IN_PROGRESS: "primary",
    AuditStatus.REPORT_RECEIVED: "info",
    AuditStatus.CLOSED: "dark",
}


class FindingStatus(models.TextChoices):
    """Only a finding whose grade needs action moves; a strength has no status ("")."""

    OPEN = "open", pgettext_lazy("finding", "Open")
    ACTION_PLANNED = "action_planned", _("Action planned")
    AWAITING_VERIFICATION = "awaiting_verification", _("Awaiting verification")
    CLOSED = "closed", pgettext_lazy("finding", "Closed")


FINDING_STATUS_BADGES = {
    FindingStatus.OPEN: "danger",
    FindingStatus.ACTION_PLANNED: "primary",
    FindingStatus.AWAITING_VERIFICATION: "info",
    FindingStatus.CLOSED: "success",
}


class FindingDate(models.TextChoices):
    """The three dates of a finding that needs action (for reminders)."""

    ACTION_PLAN = "action_plan_due", _("Action plan due")
    IMPLEMENTATION = "implementation_due", _("Implementation due")
    VERIFICATION = "verification_due", _("Verification due")


class ComplianceStatus(models.TextChoices):
    NOT_ASSESSED = "not_assessed", _("Not assessed")
    COMPLIANT = "compliant", _("Compliant")
    PARTIAL = "partial", _("Partially compliant")
    NON_COMPLIANT = "non_compliant", _("Non-compliant")
    NOT_APPLICABLE = "not_applicable", pgettext_lazy("compliance", "Not applicable")


COMPLIANCE_BADGES = {
    ComplianceStatus.NOT_ASSESSED: "light",
    ComplianceStatus.COMPLIANT: "success",
    ComplianceStatus.PARTIAL: "warning",
    ComplianceStatus.NON_COMPLIANT: "danger",
    ComplianceStatus.NOT_APPLICABLE: "secondary",
}


class EvidenceKind(models.TextChoices):
    FILE = "file", _("File")
    URL = "url", _("Link")
    DOCUMENT = "document", _("Document version")


class LiveEvidenceKind(models.TextChoices):
    METRIC = "metric", _("Metric")
    LIST = "list", _("Named list")


class ImportKind(models.TextChoices):
    FRAMEWORK = "framework", _("Framework")
    REGISTER = "register", _("Certificate register")
    SELF_ASSESSMENT = "self_assessment", _("Self-assessment")

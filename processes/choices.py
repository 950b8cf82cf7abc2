from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ProcessType(models.TextChoices):
    MANAGEMENT = "management", _("Management process")
    OPERATIONAL = "operational", _("Operational process")
    SUPPORT = "support", _("Support process")


class ProcessStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("process status", "Draft")
    VALIDATED = "validated", pgettext_lazy("process status", "Validated")


PROCESS_STATUS_BADGES = {ProcessStatus.DRAFT: "secondary", ProcessStatus.VALIDATED: "success"}


# --- Indicators -----------------------------------------------------------------------------------------------


class IndicatorFrequency(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    YEARLY = "yearly", _("Yearly")
    ACADEMIC_YEAR = "academic_year", _("Academic year")


class IndicatorSource(models.TextChoices):
    MANUAL = "manual", _("Entered by hand")
    METRIC = "metric", _("Computed from a metric")


class MeasurementOrigin(models.TextChoices):
    ENTERED = "entered", _("Entered")
    COMPUTED = "computed", _("Computed")
    IMPORTED = "imported", _("Imported")


class LightState(models.TextChoices):
    """A traffic light against the target and the alert threshold (the values of ``qms.core.charts``)."""

    GREEN = "green", _("On target")
    AMBER = "amber", _("Under watch")
    RED = "red", _("Off target")
    GREY = "grey", _("No data")


LIGHT_BADGES = {
    LightState.GREEN: "success",
    LightState.AMBER: "warning",
    LightState.RED: "danger",
    LightState.GREY: "secondary",
}


# --- Risks and opportunities ----------------------------------------------------------------------------------


class RiskKind(models.TextChoices):
    RISK = "risk", _("Risk")
    OPPORTUNITY = "opportunity", _("Opportunity")


class Likelihood(models.IntegerChoices):
    RARE = 1, _("1 — Rare")
    POSSIBLE = 2, _("2 — Possible")
    LIKELY = 3, _("3 — Likely")
    ALMOST_CERTAIN = 4, _("4 — Almost certain")


class Severity(models.IntegerChoices):
    MINOR = 1, _("1 — Minor")
    MODERATE = 2, _("2 — Moderate")
    MAJOR = 3, _("3 — Major")
    CRITICAL = 4, _("4 — Critical")


class RiskTreatment(models.TextChoices):
    ACCEPT = "accept", _("Accept")
    REDUCE = "reduce", _("Reduce")
    TRANSFER = "transfer", _("Transfer")
    AVOID = "avoid", _("Avoid")


class CriticalityBand(models.TextChoices):
    ACCEPTABLE = "acceptable", _("Acceptable")
    WATCH = "watch", _("To watch")
    CRITICAL = "critical", _("Critical")


BAND_BADGES = {
    CriticalityBand.ACCEPTABLE: "success",
    CriticalityBand.WATCH: "warning",
    CriticalityBand.CRITICAL: "danger",
}


class RiskScore(models.TextChoices):
    """Which score a heat map or a filter reads: before or after treatment."""

    GROSS = "gross", _("Gross (before treatment)")
    RESIDUAL = "residual", _("Residual (after treatment)")


# --- Reviews --------------------------------------------------------------------------------------------------


class ReviewStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("review status", "Draft")
    HELD = "held", pgettext_lazy("review status", "Held")


REVIEW_STATUS_BADGES = {ReviewStatus.DRAFT: "secondary", ReviewStatus.HELD: "success"}


# --- Controlled documents -------------------------------------------------------------------------------------


class DocumentType(models.TextChoices):
    POLICY = "policy", _("Policy")
    MANUAL = "manual", _("Manual")
    PROCEDURE = "procedure", _("Procedure")
    INSTRUCTION = "instruction", _("Instruction")
    FORM = "form", _("Form")
    RECORD_TEMPLATE = "record_template", _("Record template")


class DocumentOrigin(models.TextChoices):
    INTERNAL = "internal", _("Internal")
    EXTERNAL = "external", _("External")


class VersionStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("document version status", "Draft")
    IN_REVIEW = "in_review", pgettext_lazy("document version status", "In review")
    APPROVED = "approved", pgettext_lazy("document version status", "Approved")
    OBSOLETE = "obsolete", pgettext_lazy("document version status", "Obsolete")


VERSION_STATUS_BADGES = {
    VersionStatus.DRAFT: "secondary",
    VersionStatus.IN_REVIEW: "info",
    VersionStatus.APPROVED: "success",
    VersionStatus.OBSOLETE: "dark",
}


class DistributionTargetKind(models.TextChoices):
    """Who a distribution list names: people, the holders of a role in a unit, or a unit's members."""

    PERSON = "person", _("A person")
    ROLE_HOLDERS = "role_holders", _("The holders of a role in a unit")
    UNIT_MEMBERS = "unit_members", _("The members of a unit")


class ImportKind(models.TextChoices):
    RISKS = "risks", _("Risk register")
    DOCUMENTS = "documents", _("Document list")
    MEASUREMENTS = "measurements", _("Indicator measurements")

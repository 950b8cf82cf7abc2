from django.db import models
from django.utils.translation import gettext_lazy as _


class PlanKind(models.TextChoices):
    INSTITUTIONAL_EVALUATION = "institutional_evaluation", _("Institutional evaluation follow-up")
    STRATEGIC = "strategic", _("Strategic plan")
    QUALITY = "quality", _("Quality plan")
    PROGRAMME = "programme", _("Programme plan")
    CERTIFICATION = "certification", _("Certification follow-up")
    CONTINUOUS_IMPROVEMENT = "continuous_improvement", _("Continuous improvement")


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("Active")
    CLOSED = "closed", _("Closed")


PLAN_STATUS_BADGES = {
    PlanStatus.DRAFT: "secondary",
    PlanStatus.ACTIVE: "primary",
    PlanStatus.CLOSED: "dark",
}


class ActionKind(models.TextChoices):
    """ISO 9001 tells a correction (fixing the case at hand) from a corrective action (removing its cause)."""

    CORRECTION = "correction", _("Correction")
    CORRECTIVE = "corrective", _("Corrective action")
    PREVENTIVE = "preventive", _("Preventive action")
    IMPROVEMENT = "improvement", _("Improvement")
    STRATEGIC = "strategic", _("Strategic action")


class ActionStatus(models.TextChoices):
    """ "Late" is not a status: it is derived from the deadline of an open action."""

    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_STATUSES = (ActionStatus.PLANNED, ActionStatus.IN_PROGRESS)

ACTION_STATUS_BADGES = {
    ActionStatus.PLANNED: "secondary",
    ActionStatus.IN_PROGRESS: "primary",
    ActionStatus.DONE: "success",
    ActionStatus.CANCELLED: "dark",
}
LATE_BADGE = "danger"


class ActionPriority(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


PRIORITY_BADGES = {
    ActionPriority.LOW: "light",
    ActionPriority.NORMAL: "secondary",
    ActionPriority.HIGH: "warning",
    ActionPriority.URGENT: "danger",
}


class EffectivenessResult(models.TextChoices):
    EFFECTIVE = "effective", _("Effective")
    NOT_EFFECTIVE = "not_effective", _("Not effective")


EFFECTIVENESS_BADGES = {
    EffectivenessResult.EFFECTIVE: "success",
    EffectivenessResult.NOT_EFFECTIVE: "danger",
}

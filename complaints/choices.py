from django.db import models
from django.utils.translation import gettext_lazy as _


class ComplaintKind(models.TextChoices):
    """What the requester brings: the model is ``Complaint`` whatever its kind."""

    COMPLAINT = "complaint", _("Complaint")
    SUGGESTION = "suggestion", _("Suggestion")
    DYSFUNCTION = "dysfunction", _("Dysfunction report")
    COMPLIMENT = "compliment", _("Compliment")


class RequesterCategory(models.TextChoices):
    STUDENT = "student", _("Student")
    PROSPECTIVE_STUDENT = "prospective_student", _("Prospective student")
    ALUMNUS = "alumnus", _("Alumnus")
    TRAINEE = "trainee", _("Continuing-education trainee or apprentice")
    STAFF = "staff", _("Staff")
    PARTNER_COMPANY = "partner_company", _("Partner company")
    PARENT = "parent", _("Parent")
    OTHER = "other", _("Other")


class SensitiveNature(models.TextChoices):
    """Sensitive reports: seen only by the group that the institution names for them."""

    HARASSMENT = "harassment", _("Harassment")
    DISCRIMINATION = "discrimination", _("Discrimination")
    SEXUAL_VIOLENCE = "sexual_violence", _("Sexual and gender-based violence")


class ComplaintStatus(models.TextChoices):
    NEW = "new", _("New")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    IN_PROGRESS = "in_progress", _("In progress")
    WAITING = "waiting", _("Waiting for the requester")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")
    REDIRECTED = "redirected", _("Redirected")
    REJECTED = "rejected", _("Rejected (inadmissible)")
    SPAM = "spam", _("Spam")
    DUPLICATE = "duplicate", _("Duplicate")


# Statuses still moving: spam and duplicate may be marked from any of them.
OPEN_STATUSES = (
    ComplaintStatus.NEW,
    ComplaintStatus.ACKNOWLEDGED,
    ComplaintStatus.IN_PROGRESS,
    ComplaintStatus.WAITING,
    ComplaintStatus.ANSWERED,
)
# Statuses where the request's handling has ended; ``closed_at`` is set when one is reached.
FINISHED_STATUSES = (
    ComplaintStatus.CLOSED,
    ComplaintStatus.REDIRECTED,
    ComplaintStatus.REJECTED,
    ComplaintStatus.SPAM,
    ComplaintStatus.DUPLICATE,
)
# Left out of every figure.
EXCLUDED_FROM_FIGURES = (ComplaintStatus.SPAM, ComplaintStatus.DUPLICATE)
# The take-charge clock runs in these statuses, the answer clock in these plus "in progress".
BEFORE_TAKE_CHARGE = (ComplaintStatus.NEW, ComplaintStatus.ACKNOWLEDGED)
BEFORE_ANSWER = (ComplaintStatus.NEW, ComplaintStatus.ACKNOWLEDGED, ComplaintStatus.IN_PROGRESS)

STATUS_BADGES = {
    ComplaintStatus.NEW: "primary",
    ComplaintStatus.ACKNOWLEDGED: "info",
    ComplaintStatus.IN_PROGRESS: "warning",
    ComplaintStatus.WAITING: "secondary",
    ComplaintStatus.ANSWERED: "success",
    ComplaintStatus.CLOSED: "dark",
    ComplaintStatus.REDIRECTED: "info",
    ComplaintStatus.REJECTED: "danger",
    ComplaintStatus.SPAM: "light",
    ComplaintStatus.DUPLICATE: "light",
}


class Channel(models.TextChoices):
    PUBLIC_FORM = "public_form", _("Public form")
    STAFF_FORM = "staff_form", _("Staff form")


class Severity(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    CRITICAL = "critical", _("Critical")


class MessageKind(models.TextChoices):
    """Internal notes are never shown to the requester; every other kind is public."""

    INTERNAL_NOTE = "internal_note", _("Internal note")
    QUESTION = "question", _("Question to the requester")
    PUBLIC_REPLY = "public_reply", _("Public reply")
    FINAL_ANSWER = "final_answer", _("Final answer")
    REDIRECTION = "redirection", _("Redirection")
    REJECTION = "rejection", _("Rejection")
    REQUESTER = "requester", _("Message from the requester")


PUBLIC_MESSAGE_KINDS = tuple(kind for kind in MessageKind if kind != MessageKind.INTERNAL_NOTE)
# Staff messages that are emailed to the requester (when an address is known).
EMAILED_MESSAGE_KINDS = (
    MessageKind.QUESTION,
    MessageKind.PUBLIC_REPLY,
    MessageKind.FINAL_ANSWER,
    MessageKind.REDIRECTION,
    MessageKind.REJECTION,
)

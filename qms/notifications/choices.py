from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboxState(models.TextChoices):
    """Where an outbox email stands: queued → sending → sent; or failed (retried later), then given up."""

    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed, will be retried")
    GIVEN_UP = "given_up", _("Given up")


# Badge colours (Bootstrap) for each state, for the admin and later timelines.
OUTBOX_STATE_BADGES = {
    OutboxState.QUEUED: "secondary",
    OutboxState.SENDING: "info",
    OutboxState.SENT: "success",
    OutboxState.FAILED: "warning",
    OutboxState.GIVEN_UP: "danger",
}


class OutboxQueue(models.TextChoices):
    """The Celery queue an email goes through: a mass mailing never delays an acknowledgement."""

    URGENT = "urgent", _("Urgent")
    BULK = "bulk", _("Bulk")


class DigestMode(models.TextChoices):
    """How a person receives their reminders (urgent ones always go at once)."""

    DAILY = "daily", _("A daily digest")
    WEEKLY = "weekly", _("A weekly digest")
    URGENT_ONLY = "urgent_only", _("Urgent emails only")


class Delivery(models.TextChoices):
    """How ``notify`` delivers an email: at once (every email but reminders), or in the person's digest."""

    IMMEDIATE = "immediate", _("At once")
    DIGEST = "digest", _("In the digest")
    NONE = "none", _("Not by email")

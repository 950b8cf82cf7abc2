from __future__ import annotations

from email.utils import make_msgid
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qms.notifications.choices import DigestMode, OutboxQueue, OutboxState


def make_message_id(domain: str | None = None) -> str:
    """A globally unique RFC 5322 Message-ID, such as ``<170.12.345@qms.example.edu>``.

    It is made once, when the row is written, and sent with every attempt: a duplicate caused by a crash after
    the server accepted the message carries the same id, so mail clients fold it.
    """
    domain = domain or urlsplit(settings.SITE_URL).hostname or "localhost"
    return make_msgid(domain=domain)


HIDDEN_RECIPIENT = _("hidden recipient")


class OutboxEmail(models.Model):
    """One outgoing email: written in the caller's transaction, sent after commit, swept when due."""

    kind = models.CharField(_("kind"), max_length=100, help_text=_("The event that caused it."))
    recipient_email = models.EmailField(_("recipient address"), blank=True)
    recipient_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient user"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="outbox_emails",
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    subject = models.CharField(_("subject"), max_length=300)
    body_text = models.TextField(_("text body"), blank=True)
    body_html = models.TextField(_("HTML body"), blank=True)
    reply_to = models.EmailField(_("reply to"), blank=True)
    content_type = models.ForeignKey(
        ContentType, verbose_name=_("object type"), on_delete=models.SET_NULL, null=True, blank=True
    )
    object_id = models.PositiveBigIntegerField(_("object id"), null=True, blank=True)
    about = GenericForeignKey("content_type", "object_id")
    dedup_key = models.CharField(
        _("deduplication key"),
        max_length=200,
        unique=True,
        null=True,
        blank=True,
        help_text=_("A caller that asks for an email once gives a key; a second request with it writes nothing."),
    )
    message_id = models.CharField(_("Message-ID"), max_length=255, unique=True, default=make_message_id)
    queue = models.CharField(_("queue"), max_length=10, choices=OutboxQueue.choices, default=OutboxQueue.URGENT)
    state = models.CharField(_("state"), max_length=10, choices=OutboxState.choices, default=OutboxState.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    lease_until = models.DateTimeField(
        _("claimed until"),
        null=True,
        blank=True,
        help_text=_("A sender holds the email until then; after it, another may take it over."),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    context = models.JSONField(
        _("context of the body"),
        null=True,
        blank=True,
        editable=False,
        help_text=_(
            "What the body is rendered from when the email is sent (primary keys and values); cleared once sent."
        ),
    )
    contains_secret = models.BooleanField(
        _("contains a secret link"), default=False, help_text=_("The body is wiped once the email is sent.")
    )
    wiped_at = models.DateTimeField(_("body wiped at"), null=True, blank=True)
    hide_recipient = models.BooleanField(
        _("recipient hidden"),
        default=False,
        help_text=_(
            "Outbox pages count these emails and never show who they went to (survey invitations); the address is "
            "erased once the email is sent."
        ),
    )
    is_sensitive = models.BooleanField(
        _("about a sensitive case"),
        default=False,
        db_index=True,
        help_text=_("Shown only to the group that handles sensitive cases."),
    )

    class Meta:
        verbose_name = _("outgoing email")
        verbose_name_plural = _("outgoing emails")
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The sweep: what is due, by state and time.
            models.Index(fields=["state", "next_attempt_at"], name="outbox_due"),
            models.Index(fields=["state", "lease_until"], name="outbox_lease"),
            # Timelines and the GDPR purge: the emails about one object.
            models.Index(fields=["content_type", "object_id"], name="outbox_about"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(object_id__isnull=True) | Q(content_type__isnull=False), name="outbox_object_has_type"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_label} ({self.get_state_display()})"

    @property
    def recipient_label(self) -> str:
        """Who the email goes to, as outbox pages may show it: never the address of a hidden recipient."""
        if self.hide_recipient:
            return str(HIDDEN_RECIPIENT)
        return self.recipient_email or "—"

    @property
    def is_pending(self) -> bool:
        """Not sent yet, and not given up: a sender will still try it."""
        return self.state in (OutboxState.QUEUED, OutboxState.SENDING, OutboxState.FAILED)


class DailyCount(models.Model):
    """How many emails of one kind about one object went out on one day. It outlives the emails themselves: an
    app that deletes its mail rows (survey invitations, at the campaign's close) keeps these counts."""

    content_type = models.ForeignKey(ContentType, verbose_name=_("object type"), on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField(_("object id"))
    about = GenericForeignKey("content_type", "object_id")
    kind = models.CharField(_("kind"), max_length=120)
    date = models.DateField(_("date"))
    count = models.PositiveIntegerField(_("count"), default=0)

    class Meta:
        verbose_name = _("daily email count")
        verbose_name_plural = _("daily email counts")
        ordering = ["-date", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "kind", "date"], name="notifications_one_count_per_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.kind}: {self.count}"


class ReminderClaim(models.Model):
    """A reminder that was sent: one (recipient, object, kind, threshold, due date), claimed once.

    It is written in the same transaction as the outbox row it causes, so a rerun or a concurrent scan finds it
    and writes nothing. The due date is part of it: a moved deadline re-arms its thresholds.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="reminder_claims",
    )
    content_type = models.ForeignKey(ContentType, verbose_name=_("object type"), on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField(_("object id"))
    about = GenericForeignKey("content_type", "object_id")
    kind = models.CharField(_("kind"), max_length=100)
    threshold = models.SmallIntegerField(
        _("threshold"), help_text=_("Days before the due date; negative once overdue.")
    )
    due_date = models.DateField(_("due date"))
    claimed_at = models.DateTimeField(_("claimed at"), default=timezone.now, db_index=True)
    email = models.ForeignKey(
        OutboxEmail,
        verbose_name=_("email"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reminder_claims",
    )
    # A reminder kept for the person's digest: what the digest shows, and whether it went out yet.
    in_digest = models.BooleanField(_("kept for the digest"), default=False)
    digested_at = models.DateTimeField(_("sent in a digest at"), null=True, blank=True)
    urgent = models.BooleanField(_("urgent"), default=False)
    module = models.CharField(_("module"), max_length=100, blank=True)
    label = models.CharField(_("label"), max_length=300, blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        ordering = ["-claimed_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "content_type", "object_id", "kind", "threshold", "due_date"],
                name="reminder_claimed_once",
            ),
        ]
        indexes = [
            models.Index(fields=["content_type", "object_id"], name="reminder_about"),
            models.Index(fields=["recipient", "in_digest", "digested_at"], name="reminder_digest"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.object_id} ({self.threshold}, {self.due_date}) → {self.recipient_id}"


class ReminderPreference(models.Model):
    """How one person receives their reminders. Without a row, the default: a daily digest."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="reminder_preference",
    )
    mode = models.CharField(_("reminders"), max_length=20, choices=DigestMode.choices, default=DigestMode.DAILY)
    calendar_token_hash = models.CharField(_("calendar token (hashed)"), max_length=128, blank=True)
    calendar_token_created_at = models.DateTimeField(_("calendar link made at"), null=True, blank=True)

    class Meta:
        verbose_name = _("reminder preference")
        verbose_name_plural = _("reminder preferences")

    def __str__(self) -> str:
        return f"{self.user} ({self.get_mode_display()})"


class ReminderWording(models.Model):
    """The quality manager's wording of one kind of reminder in one language, in place of the file templates.

    A blank subject or body keeps the default one. The text is filled by plain ``{placeholder}`` substitution
    (``qms.notifications.wording``), never by the template engine."""

    kind = models.CharField(_("kind of reminder"), max_length=100)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    body = models.TextField(_("body"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("reminder wording")
        verbose_name_plural = _("reminder wordings")
        ordering = ["kind", "language"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "language"], name="one_reminder_wording_per_language"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} ({self.language})"

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

from qms.notifications.choices import OutboxQueue, OutboxState


def make_message_id(domain: str | None = None) -> str:
    """A globally unique RFC 5322 Message-ID, such as ``<170.12.345@qms.example.edu>``.

    It is made once, when the row is written, and sent with every attempt: a duplicate caused by a crash after
    the server accepted the message carries the same id, so mail clients fold it.
    """
    domain = domain or urlsplit(settings.SITE_URL).hostname or "localhost"
    return make_msgid(domain=domain)


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
        return f"{self.kind} → {self.recipient_email or '—'} ({self.get_state_display()})"

    @property
    def is_pending(self) -> bool:
        """Not sent yet, and not given up: a sender will still try it."""
        return self.state in (OutboxState.QUEUED, OutboxState.SENDING, OutboxState.FAILED)

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from complaints.choices import (
    BEFORE_ANSWER,
    BEFORE_TAKE_CHARGE,
    FINISHED_STATUSES,
    OPEN_STATUSES,
    PUBLIC_MESSAGE_KINDS,
    STATUS_BADGES,
    Channel,
    ComplaintKind,
    ComplaintStatus,
    MessageKind,
    RequesterCategory,
    SensitiveNature,
    Severity,
)
from complaints.storage import attachment_path
from qms.core.app_settings import AppSettings
from qms.core.search import normalise
from qms.core.storage import private_storage

# Fields whose text feeds the search column, folded by qms.core.search.normalise as the typed text is.
SEARCHED_FIELDS = ("reference", "subject", "description", "name", "email")


class HelpdeskSettings(AppSettings):
    """The helpdesk's settings, edited by the quality manager: deadlines, closing, reopening, retention, contacts."""

    take_charge_deadline_days = models.PositiveSmallIntegerField(
        _("take-charge deadline (working days)"), default=2, validators=[MinValueValidator(1)]
    )
    answer_deadline_days = models.PositiveSmallIntegerField(
        _("answer deadline (working days)"), default=15, validators=[MinValueValidator(1)]
    )
    auto_close_after_days = models.PositiveSmallIntegerField(
        _("quiet period before automatic closing (days)"),
        default=10,
        validators=[MinValueValidator(1)],
        help_text=_("An answered request with no news from its requester is closed after this many days."),
    )
    reopen_window_days = models.PositiveSmallIntegerField(
        _("period to reopen after the answer (days)"),
        default=30,
        help_text=_("The requester may add information and reopen the request during this period."),
    )
    retention_closed_months = models.PositiveSmallIntegerField(
        _("retention of closed requests (months)"), default=24, validators=[MinValueValidator(1)]
    )
    retention_spam_days = models.PositiveSmallIntegerField(
        _("retention of spam (days)"), default=30, validators=[MinValueValidator(1)]
    )
    reminder_lead_days = models.PositiveSmallIntegerField(
        _("reminder before a deadline (days)"),
        default=1,
        help_text=_("The assignee is reminded this many days before the take-charge and answer deadlines."),
    )
    ack_alert_after_hours = models.PositiveSmallIntegerField(
        _("alert on an unsent acknowledgement after (hours)"),
        default=4,
        validators=[MinValueValidator(1)],
        help_text=_("The quality manager is told when a request's acknowledgement is still not sent by then."),
    )
    sensitive_cases_contact = models.TextField(
        _("contacts for sensitive reports"),
        blank=True,
        help_text=_("The listening cell for harassment, discrimination and sexual and gender-based violence."),
    )

    class Meta(AppSettings.Meta):
        verbose_name = _("helpdesk settings")
        verbose_name_plural = _("helpdesk settings")
        constraints = [models.CheckConstraint(condition=Q(pk=1), name="helpdesk_settings_singleton")]

    def privacy_retention(self) -> list[str]:
        months = ngettext("%(count)s month", "%(count)s months", self.retention_closed_months)
        days = ngettext("%(count)s day", "%(count)s days", self.retention_spam_days)
        return [
            gettext(
                "Complaints and suggestions: %(months)s after they are closed (%(days)s for spam); then "
                "the personal data is erased and only anonymous figures are kept."
            )
            % {
                "months": months % {"count": self.retention_closed_months},
                "days": days % {"count": self.retention_spam_days},
            }
        ]


class RedirectBody(models.Model):
    """A body outside the institution's remit that a request can be redirected to (CROUS, médiateur …)."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    description = models.TextField(_("what it deals with"), blank=True)
    contact_details = models.TextField(
        _("contact details"), blank=True, help_text=_("Address, opening hours … They go into the reply.")
    )
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    url = models.URLField(_("web site"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("redirection body")
        verbose_name_plural = _("redirection bodies")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def contact_block(self) -> str:
        """The contact details as plain text, as they go into the reply."""
        lines = [self.name]
        lines += [line for line in self.contact_details.splitlines() if line.strip()]
        lines += [value for value in (self.phone, self.email, self.url) if value]
        return "\n".join(lines)


class RootCauseCategory(models.Model):
    """A root-cause category used to qualify requests (configurable)."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("root-cause category")
        verbose_name_plural = _("root-cause categories")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class DeadlineSetting(models.Model):
    """The take-charge and answer deadlines of one kind of request, in working days (blank: site default)."""

    kind = models.CharField(_("kind"), max_length=20, choices=ComplaintKind.choices, unique=True)
    take_charge_days = models.PositiveSmallIntegerField(
        _("take-charge deadline (working days)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_("Leave blank to use the site default."),
    )
    answer_days = models.PositiveSmallIntegerField(
        _("answer deadline (working days)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_("Leave blank to use the site default."),
    )

    class Meta:
        verbose_name = _("deadline setting")
        verbose_name_plural = _("deadline settings")
        ordering = ["kind"]

    def __str__(self) -> str:
        return str(self.get_kind_display())


class ReferenceCounter(models.Model):
    """The last reference number given in a year; its row is locked while a number is taken."""

    year = models.PositiveIntegerField(_("year"), primary_key=True)
    last = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("reference counter")
        verbose_name_plural = _("reference counters")

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class ComplaintQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self, today: date | None = None):
        return self.filter(overdue_q(today or timezone.localdate()))


def overdue_q(today: date) -> Q:
    """Requests past their take-charge or answer deadline; the clock stands still while waiting."""
    return Q(status__in=BEFORE_TAKE_CHARGE, take_charge_due__lt=today) | Q(
        status__in=BEFORE_ANSWER, answer_due__lt=today
    )


class Complaint(models.Model):
    """A request filed through the helpdesk: a complaint, a suggestion, a dysfunction report or a compliment."""

    reference = models.CharField(_("reference"), max_length=20, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=ComplaintKind.choices, default=ComplaintKind.COMPLAINT)
    requester_category = models.CharField(
        _("requester category"), max_length=30, choices=RequesterCategory.choices, default=RequesterCategory.OTHER
    )
    is_sensitive = models.BooleanField(_("sensitive"), default=False, db_index=True)
    sensitive_nature = models.CharField(
        _("sensitive nature"), max_length=20, choices=SensitiveNature.choices, blank=True
    )
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices, default=Channel.PUBLIC_FORM)

    # The requester: anonymous requests are allowed, so every field may be blank.
    name = models.CharField(_("name"), max_length=200, blank=True)
    email = models.EmailField(_("email"), blank=True)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="submitted_complaints",
        help_text=_("The member of staff who reported it from the staff form."),
    )
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    tracking_token_hash = models.CharField(
        _("tracking token hash"), max_length=64, unique=True, null=True, blank=True, editable=False
    )

    # What it is about.
    programme = models.ForeignKey(
        "core.Programme",
        verbose_name=_("programme concerned"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="complaints",
    )
    concerned_unit = models.ForeignKey(
        "core.OrgUnit",
        verbose_name=_("service concerned"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="concerning_complaints",
        help_text=_("As the requester gave it."),
    )
    subject = models.CharField(_("subject"), max_length=200)
    description = models.TextField(_("description"))

    # Handling.
    status = models.CharField(
        _("status"), max_length=20, choices=ComplaintStatus.choices, default=ComplaintStatus.NEW, db_index=True
    )
    org_unit = models.ForeignKey(
        "core.OrgUnit",
        verbose_name=_("unit in charge"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
    )
    process = models.ForeignKey(
        "processes.Process",
        verbose_name=_("process"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="complaints",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_complaints",
    )

    # Qualification.
    is_admissible = models.BooleanField(_("admissible"), null=True, blank=True)
    is_founded = models.BooleanField(_("founded"), null=True, blank=True)
    severity = models.CharField(_("severity"), max_length=20, choices=Severity.choices, blank=True)
    root_cause = models.ForeignKey(
        RootCauseCategory,
        verbose_name=_("root-cause category"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
    )
    qualified_at = models.DateTimeField(_("qualified at"), null=True, blank=True)

    # Outcome.
    redirect_body = models.ForeignKey(
        RedirectBody,
        verbose_name=_("redirected to"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
    )
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("duplicate of"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="duplicates",
    )
    resolution_summary = models.TextField(_("resolution summary"), blank=True)
    rating = models.PositiveSmallIntegerField(
        _("rating"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    rating_comment = models.TextField(_("rating comment"), blank=True)
    rated_at = models.DateTimeField(_("rated at"), null=True, blank=True)

    # Dates. ``closed_at`` is set when any finished status is reached (closed, redirected, rejected, spam,
    # duplicate), so that the retention period can count from it.
    received_at = models.DateTimeField(_("received at"), default=timezone.now, db_index=True)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    taken_in_charge_at = models.DateTimeField(_("taken in charge at"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    reopened_at = models.DateTimeField(_("reopened at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    # Deadlines, in working days, fixed at submission from the settings of the kind.
    take_charge_days = models.PositiveSmallIntegerField(_("take-charge deadline (working days)"), default=2)
    answer_days = models.PositiveSmallIntegerField(_("answer deadline (working days)"), default=15)
    # The day the clocks started: the day received, or the day the requester reopened the request.
    clock_started_on = models.DateField(_("clock started on"), default=timezone.localdate)
    # Working days spent waiting for the requester since the clock started, and the current pause.
    paused_days = models.PositiveIntegerField(_("paused working days"), default=0)
    paused_since = models.DateTimeField(_("paused since"), null=True, blank=True)
    # Current due dates, recomputed at each move so that lists and reminders filter on them in the database.
    take_charge_due = models.DateField(_("take charge by"), null=True, blank=True, db_index=True)
    answer_due = models.DateField(_("answer by"), null=True, blank=True, db_index=True)

    search_text = models.TextField(_("search text"), blank=True, editable=False)
    # Set by the retention purge (complaints/retention.py) once every piece of personal data is removed.
    purged_at = models.DateTimeField(_("personal data purged at"), null=True, blank=True, editable=False)

    objects = ComplaintQuerySet.as_manager()

    class Meta:
        verbose_name = _("request")
        verbose_name_plural = _("requests")
        ordering = ["-received_at", "-pk"]
        permissions = [
            ("view_complaint_ip", _("Can see the IP address a request was sent from")),
            ("view_complaint_requester", _("Can see who sent a request (name, email, account)")),
            ("view_complaint_statistics", _("Can see the helpdesk's statistics")),
        ]
        indexes = [
            models.Index(fields=["is_sensitive", "status", "received_at"]),
            models.Index(fields=["org_unit", "status"]),
            models.Index(fields=["assignee", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5), name="complaint_rating_1_to_5"
            ),
            models.CheckConstraint(
                condition=Q(is_sensitive=False) | ~Q(sensitive_nature=""), name="complaint_sensitive_has_nature"
            ),
        ]

    def __str__(self) -> str:
        # A sensitive request's subject never travels (action sources, logs, admin lists): its reference only. A
        # purged request has no subject left.
        return self.reference if self.is_sensitive or not self.subject else f"{self.reference} — {self.subject}"

    def save(self, *args, **kwargs) -> None:
        update_fields = kwargs.get("update_fields")
        self.fill_derived_fields(search=update_fields is None or bool(set(update_fields) & set(SEARCHED_FIELDS)))
        if update_fields is not None and set(update_fields) & set(SEARCHED_FIELDS):
            kwargs["update_fields"] = {*update_fields, "search_text"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("complaints:detail", kwargs={"reference": self.reference})

    def fill_derived_fields(self, *, search: bool = True) -> None:
        """Set what is derived from the other fields (``save`` does it; a bulk write calls it first)."""
        self.is_sensitive = bool(self.sensitive_nature)
        if search:
            self.search_text = normalise(" ".join(str(getattr(self, f) or "") for f in SEARCHED_FIELDS))

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED_STATUSES

    @property
    def is_anonymous(self) -> bool:
        return not (self.name or self.email or self.submitted_by_id)

    @property
    def is_paused(self) -> bool:
        return self.status == ComplaintStatus.WAITING

    @property
    def status_badge(self) -> str:
        return STATUS_BADGES.get(self.status, "secondary")

    def is_overdue(self, today: date | None = None) -> bool:
        today = today or timezone.localdate()
        if self.status in BEFORE_TAKE_CHARGE and self.take_charge_due and self.take_charge_due < today:
            return True
        return bool(self.status in BEFORE_ANSWER and self.answer_due and self.answer_due < today)

    @property
    def overdue(self) -> bool:
        return self.is_overdue()

    @property
    def current_due(self) -> date | None:
        """The deadline that matters now: take charge first, then answer."""
        if self.status in BEFORE_TAKE_CHARGE:
            return self.take_charge_due
        if self.status in (*BEFORE_ANSWER, ComplaintStatus.WAITING):
            return self.answer_due
        return None

    @property
    def current_due_kind(self) -> str:
        """Which deadline ``current_due`` is: "take_charge", "answer", or "" when none runs."""
        if self.status in BEFORE_TAKE_CHARGE:
            return "take_charge"
        if self.status in (*BEFORE_ANSWER, ComplaintStatus.WAITING):
            return "answer"
        return ""


class TrackingLink(models.Model):
    """A further tracking link of a request: sent by "Lost your link?", or given again to a repeated submission.

    The request's first link is ``Complaint.tracking_token_hash``; every link works until the requester revokes
    the others from one of them, or the request is purged. Only the hash of the token is stored."""

    complaint = models.ForeignKey(
        Complaint, verbose_name=_("request"), on_delete=models.CASCADE, related_name="tracking_links"
    )
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("tracking link")
        verbose_name_plural = _("tracking links")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.complaint.reference} {self.created_at:%Y-%m-%d %H:%M}"


class ComplaintMessage(models.Model):
    """A message on a request: an internal note, a public reply or question, or the requester's own message."""

    complaint = models.ForeignKey(
        Complaint, verbose_name=_("request"), on_delete=models.CASCADE, related_name="messages"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=MessageKind.choices)
    body = models.TextField(_("message"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty for the requester's messages."),
    )
    created_at = models.DateTimeField(_("written at"), default=timezone.now)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["complaint", "kind", "created_at"])]

    def __str__(self) -> str:
        return f"{self.complaint.reference} — {self.get_kind_display()}"

    @property
    def is_public(self) -> bool:
        return self.kind in PUBLIC_MESSAGE_KINDS

    @property
    def is_from_requester(self) -> bool:
        return self.kind == MessageKind.REQUESTER


class ComplaintAttachment(models.Model):
    """A file joined to a request, stored outside public media and served only through checked views."""

    complaint = models.ForeignKey(
        Complaint, verbose_name=_("request"), on_delete=models.CASCADE, related_name="attachments"
    )
    message = models.ForeignKey(
        ComplaintMessage,
        verbose_name=_("message"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="attachments",
    )
    file = models.FileField(_("file"), upload_to=attachment_path, storage=private_storage, max_length=255)
    original_name = models.CharField(_("original name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=120, help_text=_("Detected from the content."))
    size = models.PositiveIntegerField(_("size (bytes)"))
    from_requester = models.BooleanField(_("from the requester"), default=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("added at"), default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        return reverse(
            "complaints:attachment", kwargs={"reference": self.complaint.reference, "attachment_id": self.pk}
        )


class ReplyTemplate(models.Model):
    """A canned public answer that staff pick and adapt, in French and in English."""

    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(
        _("kind of request"),
        max_length=20,
        choices=ComplaintKind.choices,
        blank=True,
        help_text=_("Leave blank to offer it for every kind of request."),
    )
    body_fr = models.TextField(
        _("text in French"), help_text=_("{reference} and {institution} are replaced when the text is used.")
    )
    body_en = models.TextField(
        _("text in English"), blank=True, help_text=_("Leave blank to use the French text for every requester.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("reply template")
        verbose_name_plural = _("reply templates")
        ordering = ["order", "title", "pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("complaints:replytemplate-edit", kwargs={"pk": self.pk})

    def body_for(self, language: str | None) -> str:
        """The text in ``language`` ("en…" gives English when there is one), else the French text."""
        if (language or "").lower().startswith("en") and self.body_en.strip():
            return self.body_en
        return self.body_fr


@receiver([post_save, post_delete], sender=DeadlineSetting, dispatch_uid="complaints.deadline_setting_changed")
@receiver([post_save, post_delete], sender=RootCauseCategory, dispatch_uid="complaints.root_cause_changed")
@receiver([post_save, post_delete], sender=RedirectBody, dispatch_uid="complaints.redirect_body_changed")
def _helpdesk_configuration_changed(sender, **kwargs) -> None:
    # Cache invalidation only: deadlines are read with the configuration, and the request page's drop-downs of root
    # causes and redirect bodies are cached with it (qms.core.config_cache, qms.core.model_choices.cached_choices).
    from qms.core import config_cache

    config_cache.bump()

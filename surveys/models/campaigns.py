"""Campaigns and their targets (the courses, programmes or units they evaluate), and the roster's preview."""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qms.core.models import AcademicYear, Course, OrgUnit, Programme
from surveys.choices import CAMPAIGN_STATUS_BADGES, CampaignStatus, TargetKind
from surveys.models.questionnaires import QuestionnaireTemplate

# The anonymity threshold may never be set below this.
MINIMUM_THRESHOLD = 3


class Campaign(models.Model):
    """One survey run: a questionnaire, a year, its targets, its dates and its anonymity threshold k."""

    title = models.CharField(_("title"), max_length=200)
    template = models.ForeignKey(
        QuestionnaireTemplate, verbose_name=_("questionnaire"), on_delete=models.PROTECT, related_name="campaigns"
    )
    academic_year = models.ForeignKey(
        AcademicYear, verbose_name=_("academic year"), on_delete=models.PROTECT, related_name="survey_campaigns"
    )
    org_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("run by"),
        on_delete=models.PROTECT,
        related_name="survey_campaigns",
        help_text=_("The unit that runs the campaign: its quality referents manage it."),
    )
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"), help_text=_("The last day on which answers are accepted."))
    publication_date = models.DateField(
        _("results published on"),
        null=True,
        blank=True,
        help_text=_("Results are held until this date (after the exam board, for instance)."),
    )
    threshold = models.PositiveSmallIntegerField(
        _("anonymity threshold (k)"),
        default=5,
        validators=[MinValueValidator(MINIMUM_THRESHOLD)],
        help_text=_("Below this many answers to a question, only their number is shown. Never lowered once open."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT, db_index=True
    )
    copied_from = models.ForeignKey(
        "self",
        verbose_name=_("copied from"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="copies",
    )
    # Each mailing (the invitation, each reminder, each batch of roster corrections) has its number: it makes
    # the outbox's deduplication key of each student's email for that mailing.
    mailings = models.PositiveSmallIntegerField(_("mailings sent"), default=0)
    reminders = models.PositiveSmallIntegerField(_("reminders sent"), default=0)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    results_frozen = models.BooleanField(
        _("results frozen"), default=False, help_text=_("Set at close: results then read the frozen counters.")
    )
    roster_purged_at = models.DateTimeField(
        _("roster purged at"),
        null=True,
        blank=True,
        help_text=_("The roster and the tokens are deleted; the counts of invited and answered are kept."),
    )

    class Meta:
        verbose_name = _("survey campaign")
        verbose_name_plural = _("survey campaigns")
        ordering = ["-opens_on", "-pk"]
        permissions = [
            ("view_results", _("Can view survey results")),
            ("manage_roster", _("Can import and correct a survey roster")),
            ("moderate_comments", _("Can hide abusive survey comments")),
            ("export_raw_responses", _("Can export anonymous raw survey responses")),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(threshold__gte=MINIMUM_THRESHOLD), name="surveys_threshold_floor"),
            models.CheckConstraint(condition=Q(closes_on__gte=models.F("opens_on")), name="surveys_closes_after_opens"),
        ]
        indexes = [models.Index(fields=["status", "published_at"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("surveys:campaign-detail", args=[self.pk])

    @property
    def status_badge(self) -> str:
        return CAMPAIGN_STATUS_BADGES.get(self.status, "secondary")

    @property
    def is_draft(self) -> bool:
        return self.status == CampaignStatus.DRAFT

    @property
    def is_open(self) -> bool:
        return self.status == CampaignStatus.OPEN

    @property
    def is_published(self) -> bool:
        return self.status == CampaignStatus.PUBLISHED

    def accepts_answers(self, today: datetime.date | None = None) -> bool:
        """Open, and within its dates."""
        today = today or timezone.localdate()
        return self.status == CampaignStatus.OPEN and self.opens_on <= today <= self.closes_on


class CampaignTarget(models.Model):
    """What a campaign evaluates: one course, one programme or one unit. After the roster is purged, it keeps the
    number invited and the number who answered."""

    campaign = models.ForeignKey(Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="targets")
    kind = models.CharField(_("kind"), max_length=20, choices=TargetKind.choices)
    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("organisational unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # The unit that the target belongs to (the course's, the programme's, or the unit itself): its scope.
    scope_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("unit in charge"), on_delete=models.PROTECT, related_name="+", editable=False
    )
    invited_count = models.PositiveIntegerField(_("invited"), null=True, blank=True, editable=False)
    answered_count = models.PositiveIntegerField(_("answered"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("campaign target")
        verbose_name_plural = _("campaign targets")
        ordering = ["campaign", "course__code", "programme__code", "unit__code"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind=TargetKind.COURSE, course__isnull=False, programme__isnull=True, unit__isnull=True)
                    | Q(kind=TargetKind.PROGRAMME, course__isnull=True, programme__isnull=False, unit__isnull=True)
                    | Q(kind=TargetKind.ORG_UNIT, course__isnull=True, programme__isnull=True, unit__isnull=False)
                ),
                name="surveys_target_matches_kind",
            ),
            models.UniqueConstraint(fields=["campaign", "course"], name="surveys_unique_course_target"),
            models.UniqueConstraint(fields=["campaign", "programme"], name="surveys_unique_programme_target"),
            models.UniqueConstraint(fields=["campaign", "unit"], name="surveys_unique_unit_target"),
        ]

    def __str__(self) -> str:
        return self.label

    def save(self, *args, **kwargs) -> None:
        subject = self.subject
        if subject is not None:
            self.scope_unit_id = subject.pk if self.kind == TargetKind.ORG_UNIT else subject.org_unit_id
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("surveys:target-results", args=[self.campaign_id, self.pk])

    @property
    def subject(self) -> Course | Programme | OrgUnit | None:
        return {TargetKind.COURSE: self.course, TargetKind.PROGRAMME: self.programme, TargetKind.ORG_UNIT: self.unit}[
            self.kind
        ]

    @property
    def code(self) -> str:
        subject = self.subject
        return subject.code if subject is not None else ""

    @property
    def label(self) -> str:
        if self.kind == TargetKind.COURSE:
            return f"{self.course.code} {self.course.title}"
        if self.kind == TargetKind.PROGRAMME:
            return str(self.programme)
        return self.unit.name

    @property
    def is_course(self) -> bool:
        return self.kind == TargetKind.COURSE


def _roster_expiry() -> datetime.datetime:
    return timezone.now() + datetime.timedelta(hours=1)


class RosterImport(models.Model):
    """A roster file between its preview and its confirmation. It is deleted when confirmed or abandoned, and
    after an hour at most: the students' addresses are not kept in a long-lived payload."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="roster_imports"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("sent by"), on_delete=models.CASCADE, related_name="+"
    )
    expires_at = models.DateTimeField(_("expires at"), default=_roster_expiry, db_index=True)
    filename = models.CharField(_("file name"), max_length=250, blank=True)
    content = models.BinaryField(_("file"))

    class Meta:
        verbose_name = _("roster import")
        verbose_name_plural = _("roster imports")
        ordering = ["-expires_at"]

    def __str__(self) -> str:
        return f"{self.campaign} ← {self.filename}"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

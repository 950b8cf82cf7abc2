from __future__ import annotations

import datetime
import os
import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.translation import gettext_lazy as _

from actionplans.choices import (
    ACTION_STATUS_BADGES,
    EFFECTIVENESS_BADGES,
    LATE_BADGE,
    OPEN_STATUSES,
    PLAN_STATUS_BADGES,
    PRIORITY_BADGES,
    ActionKind,
    ActionPriority,
    ActionStatus,
    EffectivenessResult,
    PlanKind,
    PlanStatus,
)
from qms.core.app_settings import AppSettings
from qms.core.day_counts import DayCountsField
from qms.core.files import safe_filename
from qms.core.models import OrgUnit, Programme
from qms.core.storage import private_storage


class ActionPlan(models.Model):
    """A plan of actions (AEQES follow-up, strategic, quality, programme, certification, continuous improvement)."""

    title = models.CharField(_("title"), max_length=250)
    kind = models.CharField(_("kind"), max_length=30, choices=PlanKind.choices, default=PlanKind.QUALITY)
    org_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("scope"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="action_plans",
        help_text=_("The unit the plan covers; leave empty for the whole institution."),
    )
    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="action_plans",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("plan owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_action_plans",
    )
    period_start = models.DateField(_("period start"), null=True, blank=True)
    period_end = models.DateField(_("period end"), null=True, blank=True)
    source = models.CharField(
        _("source"), max_length=250, blank=True, help_text=_("What the plan answers, e.g. “AEQES evaluation 2022”.")
    )
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=PlanStatus.choices, default=PlanStatus.ACTIVE)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    class Meta:
        verbose_name = _("action plan")
        verbose_name_plural = _("action plans")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_start__isnull=True)
                | Q(period_end__isnull=True)
                | Q(period_end__gte=models.F("period_start")),
                name="actionplan_period_ends_after_start",
            ),
            # One active continuous-improvement plan per unit, and one for the whole institution.
            models.UniqueConstraint(
                fields=["org_unit"],
                condition=Q(kind=PlanKind.CONTINUOUS_IMPROVEMENT, status=PlanStatus.ACTIVE),
                name="one_active_ci_plan_per_unit",
            ),
            models.UniqueConstraint(
                fields=["kind"],
                condition=Q(kind=PlanKind.CONTINUOUS_IMPROVEMENT, status=PlanStatus.ACTIVE, org_unit__isnull=True),
                name="one_active_institution_ci_plan",
            ),
        ]
        indexes = [models.Index(fields=["status", "kind"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("actionplans:plan-detail", args=[self.pk])

    @property
    def status_badge(self) -> str:
        return PLAN_STATUS_BADGES.get(self.status, "secondary")

    @property
    def is_closed(self) -> bool:
        return self.status == PlanStatus.CLOSED


class Axis(models.Model):
    """A strategic axis of a plan (AEQES: Gouvernance, Qualité, Programmes …)."""

    plan = models.ForeignKey(ActionPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="axes")
    code = models.CharField(_("code"), max_length=20, blank=True)
    title = models.CharField(_("title"), max_length=250)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("axis")
        verbose_name_plural = _("axes")
        ordering = ["plan_id", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["plan", "title"], name="unique_axis_title_in_plan")]

    def __str__(self) -> str:
        return f"{self.code}. {self.title}" if self.code else self.title


class Objective(models.Model):
    """A strategic objective of a plan, under one of its axes (or directly under the plan)."""

    plan = models.ForeignKey(ActionPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="objectives")
    axis = models.ForeignKey(
        Axis, verbose_name=_("axis"), on_delete=models.CASCADE, null=True, blank=True, related_name="objectives"
    )
    title = models.CharField(_("title"), max_length=500)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("strategic objective")
        verbose_name_plural = _("strategic objectives")
        ordering = ["plan_id", "order", "pk"]

    def __str__(self) -> str:
        return self.title


class ActionQuerySet(models.QuerySet):
    def open(self) -> ActionQuerySet:
        return self.filter(status__in=OPEN_STATUSES)

    def late(self, today: datetime.date | None = None) -> ActionQuerySet:
        """Open actions whose deadline has passed: "late" is derived, never stored."""
        return self.open().filter(deadline__lt=today or timezone.localdate())

    def not_late(self, today: datetime.date | None = None) -> ActionQuerySet:
        today = today or timezone.localdate()
        return self.exclude(Q(status__in=OPEN_STATUSES) & Q(deadline__lt=today))

    def due_within(self, days: int, today: datetime.date | None = None) -> ActionQuerySet:
        """Open actions due from today to ``days`` days from now."""
        today = today or timezone.localdate()
        return self.open().filter(deadline__gte=today, deadline__lte=today + datetime.timedelta(days=days))

    def in_units(self, unit_ids: list[int]) -> ActionQuerySet:
        """Actions of these units: their own unit, else (when they have none) their plan's."""
        return self.filter(Q(org_unit__in=unit_ids) | Q(org_unit__isnull=True, plan__org_unit__in=unit_ids))


class Action(models.Model):
    """An action (AEQES: a specific objective): what is to be done, by whom, by when, and why."""

    plan = models.ForeignKey(ActionPlan, verbose_name=_("plan"), on_delete=models.PROTECT, related_name="actions")
    objective = models.ForeignKey(
        Objective,
        verbose_name=_("strategic objective"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="actions",
    )
    reference = models.CharField(
        _("reference"), max_length=30, help_text=_("Short and stable; unique in its plan. Given when left empty.")
    )
    position = models.PositiveIntegerField(_("position"), default=0, help_text=_("Order in its objective."))
    title = models.CharField(_("title"), max_length=500)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=ActionKind.choices, default=ActionKind.IMPROVEMENT)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_actions",
    )
    owner_label = models.CharField(
        _("owner (as written)"),
        max_length=250,
        blank=True,
        help_text=_("Free text for an owner that is a unit or several people."),
    )
    org_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("organisational unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="actions",
    )
    process = models.ForeignKey(
        "processes.Process",
        verbose_name=_("process"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="actions",
    )
    priority = models.CharField(
        _("priority"), max_length=10, choices=ActionPriority.choices, default=ActionPriority.NORMAL
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0, validators=[MaxValueValidator(100)])
    expected_result = models.TextField(_("expected result"), blank=True)
    indicator = models.CharField(_("follow-up indicator"), max_length=500, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ActionStatus.choices, default=ActionStatus.PLANNED, editable=False
    )
    completed_on = models.DateField(_("completed on"), null=True, blank=True, editable=False)
    effectiveness_due = models.DateField(
        _("effectiveness check due"),
        null=True,
        blank=True,
        help_text=_("The date by which the effectiveness of the action is to be checked."),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    objects = ActionQuerySet.as_manager()

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering = ["plan_id", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "reference"], name="unique_action_reference_in_plan"),
            models.CheckConstraint(condition=Q(progress__lte=100), name="action_progress_at_most_100"),
        ]
        indexes = [
            models.Index(fields=["status", "deadline"]),
            models.Index(fields=["owner", "status"]),
            models.Index(fields=["plan", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.reference} — {self.title}" if self.reference else self.title

    def get_absolute_url(self) -> str:
        return reverse("actionplans:action-detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_late(self) -> bool:
        """Open with its deadline passed."""
        return bool(self.is_open and self.deadline and self.deadline < timezone.localdate())

    @property
    def status_badge(self) -> str:
        return LATE_BADGE if self.is_late else ACTION_STATUS_BADGES.get(self.status, "secondary")

    @property
    def priority_badge(self) -> str:
        return PRIORITY_BADGES.get(self.priority, "secondary")

    @property
    def owner_display(self) -> str:
        """Who answers for the action, as people read it: the user, else the free-text label."""
        return str(self.owner) if self.owner_id else self.owner_label

    @property
    def origin_link(self) -> ActionSource | None:
        """The first source link (prefetch ``sources`` to avoid a query)."""
        sources = list(self.sources.all())
        return min(sources, key=lambda s: (s.created_at, s.pk)) if sources else None

    @property
    def origin(self) -> models.Model | None:
        """What first caused the action (a complaint, an audit finding …), or None."""
        link = self.origin_link
        return link.source if link else None


class ActionSource(models.Model):
    """One thing that an action answers (a complaint, a finding, a council decision …). The first is its origin."""

    action = models.ForeignKey(Action, verbose_name=_("action"), on_delete=models.CASCADE, related_name="sources")
    content_type = models.ForeignKey(ContentType, verbose_name=_("object type"), on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField(_("object id"))
    source = GenericForeignKey("content_type", "object_id")
    created_at = models.DateTimeField(_("linked at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("linked by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("action source")
        verbose_name_plural = _("action sources")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["action", "content_type", "object_id"], name="unique_action_source"),
        ]
        # The unique constraint indexes action → sources; this one serves source → actions.
        indexes = [models.Index(fields=["content_type", "object_id"], name="actionsource_object_idx")]

    def __str__(self) -> str:
        return f"{self.action.reference} ← {self.label}"

    @property
    def label(self) -> str:
        source = self.source
        if source is None:
            return _("%(type)s #%(id)s (deleted)") % {"type": self.content_type.name, "id": self.object_id}
        return str(source)

    @property
    def url(self) -> str:
        source = self.source
        get_url = getattr(source, "get_absolute_url", None)
        return get_url() if callable(get_url) else ""


class ActionUpdate(models.Model):
    """A dated progress note on an action, with its new progress and evidence."""

    action = models.ForeignKey(Action, verbose_name=_("action"), on_delete=models.CASCADE, related_name="updates")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.SET_NULL, null=True, blank=True
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    comment = models.TextField(_("comment"), blank=True)
    progress = models.PositiveSmallIntegerField(
        _("new progress (%)"), null=True, blank=True, validators=[MaxValueValidator(100)]
    )

    class Meta:
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["action", "at"])]

    def __str__(self) -> str:
        return f"{self.action.reference} @ {self.at:%Y-%m-%d}"


def evidence_upload_to(instance: ActionEvidence, filename: str) -> str:
    # A random directory keeps names unguessable and lets two files share a name.
    base = safe_filename(filename)
    return f"actionplans/evidence/{instance.update.action_id}/{get_random_string(16)}/{base}"


class ActionEvidence(models.Model):
    """A piece of evidence of a progress update: an attached file or a link."""

    update = models.ForeignKey(
        ActionUpdate, verbose_name=_("progress update"), on_delete=models.CASCADE, related_name="evidence"
    )
    file = models.FileField(
        _("file"), upload_to=evidence_upload_to, storage=private_storage, max_length=300, blank=True
    )
    url = models.URLField(_("link"), max_length=500, blank=True)
    label = models.CharField(_("label"), max_length=250, blank=True)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(file="") | ~Q(url=""), name="evidence_has_file_or_link"),
        ]

    def __str__(self) -> str:
        return self.label or self.filename or self.url

    def get_absolute_url(self) -> str:
        if self.file:
            return reverse("actionplans:evidence-download", args=[self.pk])
        return self.url

    @property
    def filename(self) -> str:
        return os.path.basename(self.file.name) if self.file else ""


class EffectivenessCheck(models.Model):
    """Closing the PDCA loop: whether a done action proved effective, who checked it, and when."""

    action = models.ForeignKey(
        Action, verbose_name=_("action"), on_delete=models.CASCADE, related_name="effectiveness_checks"
    )
    result = models.CharField(_("result"), max_length=20, choices=EffectivenessResult.choices)
    checked_on = models.DateField(_("checked on"), default=timezone.localdate)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("checked by"), on_delete=models.SET_NULL, null=True, blank=True
    )
    comment = models.TextField(_("comment"), blank=True)
    follow_up = models.ForeignKey(
        Action,
        verbose_name=_("follow-up action"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="started_by_checks",
    )
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("effectiveness check")
        verbose_name_plural = _("effectiveness checks")
        ordering = ["checked_on", "pk"]

    def __str__(self) -> str:
        return f"{self.action.reference}: {self.get_result_display()}"

    @property
    def badge(self) -> str:
        return EFFECTIVENESS_BADGES.get(self.result, "secondary")


def _import_expiry() -> datetime.datetime:
    return timezone.now() + datetime.timedelta(hours=2)


class PlanImport(models.Model):
    """An uploaded spreadsheet between its preview and its confirmation: the rows as read, owned by the person
    who sent it, expiring. The confirmation applies these rows, never anything posted back by the browser."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    plan = models.ForeignKey(ActionPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="imports")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("sent by"), on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(_("sent at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"), default=_import_expiry)
    filename = models.CharField(_("file name"), max_length=250, blank=True)
    payload = models.JSONField(_("rows read"), default=dict)
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)

    class Meta:
        verbose_name = _("plan import")
        verbose_name_plural = _("plan imports")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["expires_at"])]

    def __str__(self) -> str:
        return f"{self.plan} ← {self.filename}"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()


class ActionPlanSettings(AppSettings):
    """What the quality manager sets for the action plans (their section of the "Paramètres" page): when actions
    and effectiveness checks are reminded, and when a late action is escalated."""

    action_reminder_days = DayCountsField(
        _("reminders before an action's deadline (days)"),
        default=(14, 7, 1),
        help_text=_("The person responsible is reminded this many days before, and once the deadline is passed."),
    )
    escalate_after_days = models.PositiveSmallIntegerField(
        _("escalation of a late action (days late)"),
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_(
            "An action late by more than this many days is reported to the plan owner and the quality manager."
        ),
    )
    effectiveness_reminder_days = DayCountsField(
        _("reminders before an effectiveness check (days)"),
        default=(7,),
        help_text=_("Before a done action's effectiveness check is due, and once it is overdue."),
    )

    class Meta(AppSettings.Meta):
        verbose_name = _("action plan settings")
        verbose_name_plural = _("action plan settings")
        constraints = [models.CheckConstraint(condition=Q(pk=1), name="actionplan_settings_singleton")]

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from processes.choices import PROCESS_STATUS_BADGES, CriticalityBand, ProcessStatus, ProcessType
from qms.core.app_settings import AppSettings
from qms.core.day_counts import DayCountsField
from qms.core.models import OrgUnit


class Process(models.Model):
    """A process of the process map (management, operational or support), with its owner (pilote)."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    type = models.CharField(_("type"), max_length=20, choices=ProcessType.choices)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("process owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_processes",
    )
    org_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("organisational unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="processes",
    )
    is_active = models.BooleanField(_("active"), default=True)
    # What the map's first version lacked: the rest of the process sheet.
    parent = models.ForeignKey(
        "self",
        verbose_name=_("macro-process"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        help_text=_("The macro-process that groups this process, if any."),
    )
    deputies = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("deputies"), blank=True, related_name="deputy_processes"
    )
    purpose = models.TextField(_("purpose"), blank=True, help_text=_("Why the process exists (finalité)."))
    scope = models.TextField(_("scope"), blank=True, help_text=_("Where it starts and ends, what it covers."))
    inputs = models.TextField(_("inputs"), blank=True)
    outputs = models.TextField(_("outputs"), blank=True)
    beneficiaries = models.TextField(_("beneficiaries and stakeholders"), blank=True)
    interactions = models.TextField(
        _("interactions"), blank=True, help_text=_("What it receives from and gives to other processes.")
    )
    related_processes = models.ManyToManyField(
        "self", verbose_name=_("interacting processes"), blank=True, symmetrical=False, related_name="+"
    )
    # The resources it needs (ISO 9001 §4.4.1 d).
    resources_people = models.TextField(_("people and skills"), blank=True)
    resources_premises = models.TextField(_("premises"), blank=True)
    resources_equipment = models.TextField(_("equipment"), blank=True)
    resources_information_systems = models.TextField(_("information systems"), blank=True)
    resources_budget = models.TextField(_("budget"), blank=True)
    version = models.CharField(_("version"), max_length=20, default="1")
    status = models.CharField(_("status"), max_length=20, choices=ProcessStatus.choices, default=ProcessStatus.DRAFT)
    validated_on = models.DateField(_("validated on"), null=True, blank=True)
    validated_by = models.CharField(
        _("validated by"),
        max_length=200,
        blank=True,
        help_text=_("Who validated it, as written in the minutes: e.g. “Conseil d'administration”."),
    )
    next_review_on = models.DateField(_("next review"), null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("process")
        verbose_name_plural = _("processes")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("processes:process-detail", args=[self.pk])

    @property
    def status_badge(self) -> str:
        return PROCESS_STATUS_BADGES.get(self.status, "secondary")

    RESOURCE_FIELDS = (
        "resources_people",
        "resources_premises",
        "resources_equipment",
        "resources_information_systems",
        "resources_budget",
    )

    @property
    def resources(self) -> list[tuple[str, str]]:
        """(label, text) of each kind of resource, filled or not, in the order of the sheet."""
        return [(str(self._meta.get_field(name).verbose_name), getattr(self, name)) for name in self.RESOURCE_FIELDS]


class ProcessMapSettings(AppSettings):
    """The process map's own settings: criticality bands, review rhythm, the grace period of measurements."""

    watch_from = models.PositiveSmallIntegerField(
        _("“to watch” from criticality"),
        default=5,
        validators=[MinValueValidator(2), MaxValueValidator(16)],
        help_text=_("Criticality (likelihood × severity, 1 to 16) from which a risk is to be watched."),
    )
    critical_from = models.PositiveSmallIntegerField(
        _("“critical” from criticality"),
        default=9,
        validators=[MinValueValidator(2), MaxValueValidator(16)],
        help_text=_("Criticality from which a risk is critical."),
    )
    process_review_months = models.PositiveSmallIntegerField(
        _("months between process reviews"), default=12, validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    measurement_grace_days = models.PositiveSmallIntegerField(
        _("days to enter a measurement"),
        default=15,
        validators=[MaxValueValidator(180)],
        help_text=_("A measurement is due this many days after the end of its period."),
    )
    # Lead times of the reminders (processes/reminders.py), each also sent once the date is passed.
    measurement_reminder_days = DayCountsField(
        _("reminders before a measurement is due (days)"),
        default=(7,),
        help_text=_("To the indicator's owner, else the process owner."),
    )
    document_review_reminder_days = DayCountsField(
        _("reminders before a document review (days)"),
        default=(30, 7),
        help_text=_("To the document's owner, else its process owner."),
    )
    process_review_reminder_days = DayCountsField(
        _("reminders before a process review (days)"),
        default=(30, 7),
        help_text=_("To the process owner."),
    )
    risk_review_reminder_days = DayCountsField(
        _("reminders before a risk review (days)"),
        default=(7,),
        help_text=_("To the process owner."),
    )

    class Meta(AppSettings.Meta):
        verbose_name = _("process map settings")
        verbose_name_plural = _("process map settings")
        constraints = [
            models.CheckConstraint(condition=Q(critical_from__gt=models.F("watch_from")), name="bands_in_order"),
        ]

    def band(self, criticality: int | None) -> str | None:
        """The band of a criticality score (None stays None)."""
        if criticality is None:
            return None
        if criticality >= self.critical_from:
            return CriticalityBand.CRITICAL
        if criticality >= self.watch_from:
            return CriticalityBand.WATCH
        return CriticalityBand.ACCEPTABLE


@receiver([post_save, post_delete], sender=Process, dispatch_uid="processes.process_changed")
def _process_changed(sender, **kwargs) -> None:
    # Cache invalidation only: drop-downs of processes shown on busy pages (the request page's) are cached with the
    # configuration (qms.core.config_cache, qms.core.model_choices.cached_choices).
    from qms.core import config_cache

    config_cache.bump()

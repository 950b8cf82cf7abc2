from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from processes.choices import IndicatorFrequency, IndicatorSource, MeasurementOrigin
from processes.models.process import Process
from qms.core.metrics import Direction, MetricUnit
from qms.core.models import OrgUnit


class Indicator(models.Model):
    """A steering indicator of a process: entered by hand, or computed from a registered metric."""

    process = models.ForeignKey(Process, verbose_name=_("process"), on_delete=models.PROTECT, related_name="indicators")
    name = models.CharField(_("name"), max_length=250)
    definition = models.TextField(_("definition"), blank=True, help_text=_("What is counted, and how."))
    unit = models.CharField(_("unit"), max_length=20, choices=MetricUnit.choices, default=MetricUnit.PERCENT)
    direction = models.CharField(
        _("direction"), max_length=10, choices=Direction.choices, default=Direction.HIGHER_IS_BETTER
    )
    frequency = models.CharField(
        _("frequency"), max_length=20, choices=IndicatorFrequency.choices, default=IndicatorFrequency.YEARLY
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("indicator owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_indicators",
        help_text=_("Who enters its measurements; the process owner when empty."),
    )
    source = models.CharField(
        _("source"), max_length=10, choices=IndicatorSource.choices, default=IndicatorSource.MANUAL
    )
    metric_key = models.CharField(_("metric"), max_length=100, blank=True)
    org_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("unit measured"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("For a computed indicator: the unit it covers, sub-units included. Empty: the whole institution."),
    )
    tracked_from = models.DateField(
        _("tracked from"), null=True, blank=True, help_text=_("The first period measured starts on or after it.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["process__code", "name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(source=IndicatorSource.METRIC) | ~Q(metric_key=""), name="computed_indicator_has_metric"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("processes:indicator-detail", args=[self.pk])

    @property
    def is_computed(self) -> bool:
        return self.source == IndicatorSource.METRIC

    @property
    def unit_symbol(self) -> str:
        """The unit as written after a figure ("%", "jours" …)."""
        return str(MetricUnit(self.unit).label) if self.unit != MetricUnit.COUNT else ""

    @property
    def responsible(self):
        """Who answers for its measurements: its owner, else the process owner."""
        return self.owner if self.owner_id else self.process.owner


class IndicatorTarget(models.Model):
    """A target and alert threshold, in force from a date onward: a new target does not recolour the past."""

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="targets"
    )
    applies_from = models.DateField(_("applies from"), help_text=_("Periods starting on or after this date."))
    target = models.DecimalField(_("target"), max_digits=12, decimal_places=2)
    alert_threshold = models.DecimalField(
        _("alert threshold"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Between the threshold and the target, the light is amber; past it, red."),
    )
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("set by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    set_at = models.DateTimeField(_("set at"), default=timezone.now)

    class Meta:
        verbose_name = _("indicator target")
        verbose_name_plural = _("indicator targets")
        ordering = ["indicator_id", "applies_from"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "applies_from"], name="one_target_per_start"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} ≥ {self.applies_from}: {self.target}"


class Measurement(models.Model):
    """The value of an indicator for one period: entered by someone, imported, or a computed snapshot.

    A snapshot whose metric returned nothing (no data, too few answers) keeps ``value`` empty: "no value", a gap
    on the chart, never a 0.
    """

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="measurements"
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=4, null=True, blank=True)
    numerator = models.DecimalField(_("numerator"), max_digits=16, decimal_places=4, null=True, blank=True)
    denominator = models.DecimalField(_("denominator"), max_digits=16, decimal_places=4, null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    origin = models.CharField(
        _("origin"), max_length=10, choices=MeasurementOrigin.choices, default=MeasurementOrigin.ENTERED
    )
    metric_key = models.CharField(_("metric"), max_length=100, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    computed_at = models.DateTimeField(_("computed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("measurement")
        verbose_name_plural = _("measurements")
        ordering = ["indicator_id", "period_start"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "period_start"], name="one_measurement_per_period"),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")), name="measurement_period_in_order"
            ),
        ]
        indexes = [models.Index(fields=["indicator", "-period_start"])]

    def __str__(self) -> str:
        return f"{self.indicator} {self.period_start:%Y-%m-%d}: {self.value if self.value is not None else '—'}"

    @property
    def has_value(self) -> bool:
        return self.value is not None

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from processes.choices import Likelihood, RiskKind, RiskTreatment, Severity
from processes.models.process import Process


class RiskQuerySet(models.QuerySet):
    def current(self) -> RiskQuerySet:
        """Not archived."""
        return self.filter(is_archived=False)

    def threats(self) -> RiskQuerySet:
        return self.filter(kind=RiskKind.RISK)

    def opportunities(self) -> RiskQuerySet:
        return self.filter(kind=RiskKind.OPPORTUNITY)


class Risk(models.Model):
    """A risk (threat) or an opportunity of a process, scored before and after its treatment.

    Archived, never deleted: the actions that treat it keep their source.
    """

    process = models.ForeignKey(Process, verbose_name=_("process"), on_delete=models.PROTECT, related_name="risks")
    reference = models.CharField(_("reference"), max_length=30, unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=RiskKind.choices, default=RiskKind.RISK)
    description = models.TextField(_("description"))
    cause = models.TextField(_("cause"), blank=True)
    consequence = models.TextField(_("consequence"), blank=True)
    likelihood = models.PositiveSmallIntegerField(_("likelihood"), choices=Likelihood.choices)
    severity = models.PositiveSmallIntegerField(_("severity"), choices=Severity.choices)
    treatment = models.CharField(_("treatment"), max_length=10, choices=RiskTreatment.choices, blank=True)
    residual_likelihood = models.PositiveSmallIntegerField(
        _("residual likelihood"), choices=Likelihood.choices, null=True, blank=True
    )
    residual_severity = models.PositiveSmallIntegerField(
        _("residual severity"), choices=Severity.choices, null=True, blank=True
    )
    review_on = models.DateField(_("review date"), null=True, blank=True)
    is_archived = models.BooleanField(_("archived"), default=False)
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = RiskQuerySet.as_manager()

    class Meta:
        verbose_name = _("risk or opportunity")
        verbose_name_plural = _("risks and opportunities")
        ordering = ["process__code", "reference"]
        constraints = [
            models.CheckConstraint(condition=Q(likelihood__gte=1, likelihood__lte=4), name="risk_likelihood_1_4"),
            models.CheckConstraint(condition=Q(severity__gte=1, severity__lte=4), name="risk_severity_1_4"),
            models.CheckConstraint(
                condition=Q(residual_likelihood__isnull=True)
                | Q(residual_likelihood__gte=1, residual_likelihood__lte=4),
                name="risk_residual_likelihood_1_4",
            ),
            models.CheckConstraint(
                condition=Q(residual_severity__isnull=True) | Q(residual_severity__gte=1, residual_severity__lte=4),
                name="risk_residual_severity_1_4",
            ),
        ]
        indexes = [models.Index(fields=["kind", "is_archived"])]

    def __str__(self) -> str:
        return f"{self.reference} — {self.short_description}"

    def get_absolute_url(self) -> str:
        return reverse("processes:risk-detail", args=[self.pk])

    @property
    def short_description(self) -> str:
        return Truncator(" ".join(self.description.split())).chars(90)

    @property
    def criticality(self) -> int:
        """Gross criticality: likelihood × severity, before treatment."""
        return self.likelihood * self.severity

    @property
    def has_residual(self) -> bool:
        return self.residual_likelihood is not None and self.residual_severity is not None

    @property
    def residual_criticality(self) -> int | None:
        """Criticality after treatment, when it has been assessed."""
        return self.residual_likelihood * self.residual_severity if self.has_residual else None

    @property
    def is_opportunity(self) -> bool:
        return self.kind == RiskKind.OPPORTUNITY

"""Audits (internal and external), the internal audit programme, and the findings of an audit."""

from __future__ import annotations

import os

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.translation import gettext_lazy as _

from certifications.choices import (
    AUDIT_STATUS_BADGES,
    FINDING_STATUS_BADGES,
    AuditStatus,
    AuditType,
    FindingStatus,
)
from certifications.models.frameworks import Framework, Grade, Requirement
from certifications.models.register import Certification
from qms.core.models import OrgUnit
from qms.core.storage import private_storage


class InternalAuditProgramme(models.Model):
    """A yearly plan of internal audits of processes and units (ISO 9001 9.2.2)."""

    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=250)
    framework = models.ForeignKey(
        Framework,
        verbose_name=_("framework"),
        on_delete=models.PROTECT,
        related_name="audit_programmes",
        help_text=_("The requirements and the grading scale its audits use."),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_audit_programmes",
    )
    objectives = models.TextField(_("objectives and criteria"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("internal audit programme")
        verbose_name_plural = _("internal audit programmes")
        ordering = ["-year", "title"]
        constraints = [models.UniqueConstraint(fields=["year", "title"], name="unique_programme_title_per_year")]

    def __str__(self) -> str:
        return f"{self.title} ({self.year})"

    def get_absolute_url(self) -> str:
        return reverse("certifications:programme-detail", args=[self.pk])


def audit_upload_to(instance: Audit, filename: str) -> str:
    base = os.path.basename(filename)[-100:]
    return f"certifications/audits/{instance.pk or 'new'}/{get_random_string(16)}/{base}"


class Audit(models.Model):
    """An audit, internal or external, of a certification or of processes and units (internal programme)."""

    title = models.CharField(_("title"), max_length=250)
    certification = models.ForeignKey(
        Certification,
        verbose_name=_("certification"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audits",
    )
    programme = models.ForeignKey(
        InternalAuditProgramme,
        verbose_name=_("internal audit programme"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="audits",
    )
    framework = models.ForeignKey(
        Framework,
        verbose_name=_("framework version"),
        on_delete=models.PROTECT,
        related_name="audits",
        help_text=_("Its requirements and grading scale: the certification's, or the programme's."),
    )
    is_internal = models.BooleanField(_("internal audit"), default=False)
    audit_type = models.CharField(_("type"), max_length=20, choices=AuditType.choices)
    start_date = models.DateField(_("first day"))
    end_date = models.DateField(_("last day"))
    lead_auditor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lead auditor"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="led_audits",
    )
    lead_auditor_name = models.CharField(
        _("lead auditor (as written)"), max_length=250, blank=True, help_text=_("For an auditor with no account.")
    )
    team = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("audit team"), blank=True, related_name="audit_teams"
    )
    audited_units = models.ManyToManyField(OrgUnit, verbose_name=_("audited units"), blank=True, related_name="audits")
    audited_processes = models.ManyToManyField(
        "processes.Process", verbose_name=_("audited processes"), blank=True, related_name="audits"
    )
    plan_file = models.FileField(
        _("audit plan"), upload_to=audit_upload_to, storage=private_storage, max_length=300, blank=True
    )
    report_file = models.FileField(
        _("audit report"), upload_to=audit_upload_to, storage=private_storage, max_length=300, blank=True
    )
    summary = models.TextField(_("conclusion"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=AuditStatus.choices, default=AuditStatus.PLANNED, editable=False
    )
    impartiality_override_reason = models.TextField(_("reason for overriding the impartiality rule"), blank=True)
    impartiality_overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("impartiality rule overridden by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    impartiality_overridden_at = models.DateTimeField(
        _("impartiality rule overridden at"), null=True, blank=True, editable=False
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

    class Meta:
        verbose_name = _("audit")
        verbose_name_plural = _("audits")
        ordering = ["-start_date", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=models.F("start_date")), name="audit_ends_after_start"),
        ]
        indexes = [models.Index(fields=["status", "start_date"]), models.Index(fields=["certification", "end_date"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("certifications:audit-detail", args=[self.pk])

    @property
    def status_badge(self) -> str:
        return AUDIT_STATUS_BADGES.get(self.status, "secondary")

    @property
    def lead_auditor_display(self) -> str:
        return str(self.lead_auditor) if self.lead_auditor_id else self.lead_auditor_name

    @property
    def reference(self) -> str:
        return f"AUD-{self.pk}"


class Finding(models.Model):
    """A finding of an audit: its grade against a requirement, what was seen, and, when its grade needs
    action, its three dates and its moving status. A finding is an action source (qms.core.sources)."""

    audit = models.ForeignKey(Audit, verbose_name=_("audit"), on_delete=models.CASCADE, related_name="findings")
    reference = models.CharField(_("reference"), max_length=30)
    requirement = models.ForeignKey(
        Requirement,
        verbose_name=_("requirement"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="findings",
    )
    grade = models.ForeignKey(Grade, verbose_name=_("grade"), on_delete=models.PROTECT, related_name="findings")
    original_grade = models.ForeignKey(
        Grade,
        verbose_name=_("original grade"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        help_text=_("The grade given at first, kept when the finding was regraded."),
    )
    regraded_at = models.DateTimeField(_("regraded at"), null=True, blank=True, editable=False)
    regraded_at_audit = models.ForeignKey(
        Audit,
        verbose_name=_("regraded at the close of"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="regraded_findings",
    )
    description = models.TextField(_("description"))
    evidence_seen = models.TextField(_("evidence seen"), blank=True)
    root_cause = models.TextField(_("root-cause analysis"), blank=True)
    action_plan_due = models.DateField(_("action plan due"), null=True, blank=True)
    implementation_due = models.DateField(_("implementation due"), null=True, blank=True)
    verification_due = models.DateField(_("verification due"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=30, choices=FindingStatus.choices, blank=True, default="", editable=False
    )
    closed_on = models.DateField(_("closed on"), null=True, blank=True, editable=False)
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
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["audit_id", "reference", "pk"]
        constraints = [models.UniqueConstraint(fields=["audit", "reference"], name="unique_finding_reference")]
        indexes = [models.Index(fields=["status"])]

    def __str__(self) -> str:
        return f"{self.full_reference} — {self.grade}"

    def get_absolute_url(self) -> str:
        return reverse("certifications:finding-detail", args=[self.pk])

    @property
    def full_reference(self) -> str:
        return f"AUD-{self.audit_id}/{self.reference}"

    @property
    def status_badge(self) -> str:
        return FINDING_STATUS_BADGES.get(self.status, "secondary")

    @property
    def is_open(self) -> bool:
        return bool(self.status) and self.status != FindingStatus.CLOSED

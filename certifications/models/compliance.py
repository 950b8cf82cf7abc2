"""The compliance matrix: one assessment per applicable leaf requirement, its evidence, and frozen snapshots."""

from __future__ import annotations

import datetime
import os
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from certifications.choices import COMPLIANCE_BADGES, ComplianceStatus, EvidenceKind
from certifications.models.audits import Audit
from certifications.models.frameworks import Framework, Requirement
from certifications.models.register import Certification
from qms.core.storage import private_storage


class Assessment(models.Model):
    """How a certification meets one requirement of its framework version: a row of the compliance matrix.

    Rows are made when first assessed; a leaf with no row is "not assessed". Rows of an earlier version stay as
    they were when the certification moves to a new one."""

    certification = models.ForeignKey(
        Certification, verbose_name=_("certification"), on_delete=models.CASCADE, related_name="assessments"
    )
    requirement = models.ForeignKey(
        Requirement, verbose_name=_("requirement"), on_delete=models.PROTECT, related_name="assessments"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ComplianceStatus.choices, default=ComplianceStatus.NOT_ASSESSED
    )
    justification = models.TextField(_("justification"), blank=True, help_text=_("Required when not applicable."))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_assessments",
    )
    comment = models.TextField(_("comment"), blank=True)
    reviewed_at = models.DateTimeField(_("last reviewed"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = pgettext_lazy("compliance", "assessment")
        verbose_name_plural = _("assessments")
        ordering = ["certification_id", "requirement__position"]
        constraints = [
            models.UniqueConstraint(fields=["certification", "requirement"], name="unique_assessment"),
            models.CheckConstraint(
                condition=~Q(status=ComplianceStatus.NOT_APPLICABLE) | ~Q(justification=""),
                name="not_applicable_is_justified",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.certification} — {self.requirement.reference}: {self.get_status_display()}"

    @property
    def badge(self) -> str:
        return COMPLIANCE_BADGES.get(self.status, "secondary")


def evidence_upload_to(instance: Evidence, filename: str) -> str:
    base = os.path.basename(filename)[-100:]
    return f"certifications/evidence/{instance.assessment.certification_id}/{get_random_string(16)}/{base}"


class Evidence(models.Model):
    """A piece of evidence for one assessment: an uploaded file or a URL, each with its date."""

    assessment = models.ForeignKey(
        Assessment,
        verbose_name=pgettext_lazy("compliance", "assessment"),
        on_delete=models.CASCADE,
        related_name="evidence",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=EvidenceKind.choices)
    label = models.CharField(_("label"), max_length=250, blank=True)
    file = models.FileField(
        _("file"), upload_to=evidence_upload_to, storage=private_storage, max_length=300, blank=True
    )
    url = models.URLField(_("link"), max_length=500, blank=True)
    # A version of a controlled document of the process map, never "the document" in general: what the auditor
    # reads is the version that was cited.
    document_version = models.ForeignKey(
        "processes.DocumentVersion",
        verbose_name=_("document version"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="certification_evidence",
    )
    dated = models.DateField(_("date of the evidence"), default=timezone.localdate)
    added_at = models.DateTimeField(_("added at"), default=timezone.now, editable=False)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["assessment_id", "-dated", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind=EvidenceKind.FILE) & ~Q(file=""))
                | (Q(kind=EvidenceKind.URL) & ~Q(url=""))
                | (Q(kind=EvidenceKind.DOCUMENT) & Q(document_version__isnull=False)),
                name="evidence_matches_its_kind",
            ),
        ]

    def __str__(self) -> str:
        if self.label:
            return self.label
        if self.kind == EvidenceKind.DOCUMENT and self.document_version_id:
            return str(self.document_version)
        return self.filename or self.url

    def get_absolute_url(self) -> str:
        if self.kind == EvidenceKind.URL:
            return self.url
        if self.kind == EvidenceKind.DOCUMENT and self.document_version_id and not self.document_version.file:
            return self.document_version.link
        return reverse("certifications:evidence-download", args=[self.pk])

    @property
    def stored_file(self):
        """The file this evidence carries: its own, or its document version's (None for a link)."""
        if self.kind == EvidenceKind.FILE:
            return self.file or None
        if self.kind == EvidenceKind.DOCUMENT and self.document_version_id:
            return self.document_version.file or None
        return None

    @property
    def filename(self) -> str:
        stored = self.stored_file
        if self.kind == EvidenceKind.DOCUMENT and stored:
            return self.document_version.filename or os.path.basename(stored.name)
        return os.path.basename(stored.name) if stored else ""

    def is_old(self, max_age_months: int, today: datetime.date | None = None) -> bool:
        """Older than the age the certifications' settings allow."""
        from dateutil.relativedelta import relativedelta

        return bool(max_age_months) and self.dated < (today or timezone.localdate()) - relativedelta(
            months=max_age_months
        )

    @property
    def is_obsolete(self) -> bool:
        """A document version that became obsolete since it was cited."""
        from processes.choices import VersionStatus

        return bool(self.document_version_id and self.document_version.status == VersionStatus.OBSOLETE)


class AssessmentSnapshot(models.Model):
    """The matrix of a certification frozen at a date, with its readiness and live figures. Never edited."""

    certification = models.ForeignKey(
        Certification, verbose_name=_("certification"), on_delete=models.CASCADE, related_name="snapshots"
    )
    framework = models.ForeignKey(
        Framework, verbose_name=_("framework version"), on_delete=models.PROTECT, related_name="+"
    )
    label = models.CharField(_("label"), max_length=250)
    taken_at = models.DateTimeField(_("taken at"), default=timezone.now)
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("taken by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    audit = models.ForeignKey(
        Audit,
        verbose_name=_("taken when this audit started"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="snapshots",
    )
    readiness = models.DecimalField(_("readiness (%)"), max_digits=5, decimal_places=1, null=True, blank=True)
    leaves = models.PositiveIntegerField(_("requirements assessed against"), default=0)
    not_assessed = models.PositiveIntegerField(_("requirements not assessed"), default=0)
    counts = models.JSONField(_("counts by status"), default=dict, blank=True)
    criteria = models.JSONField(_("readiness by criterion"), default=list, blank=True)

    class Meta:
        verbose_name = _("assessment snapshot")
        verbose_name_plural = _("assessment snapshots")
        ordering = ["certification_id", "taken_at", "pk"]
        indexes = [models.Index(fields=["certification", "taken_at"])]

    def __str__(self) -> str:
        return f"{self.certification} — {self.label}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ValueError("A snapshot is never edited.")
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("certifications:snapshot-detail", args=[self.pk])


class SnapshotRow(models.Model):
    """One node of a frozen matrix, as it was: the texts are copied, so later edits change nothing."""

    snapshot = models.ForeignKey(
        AssessmentSnapshot, verbose_name=_("snapshot"), on_delete=models.CASCADE, related_name="rows"
    )
    position = models.PositiveIntegerField(_("position"))
    reference = models.CharField(_("reference"), max_length=50)
    title = models.CharField(_("title"), max_length=500, blank=True)
    depth = models.PositiveSmallIntegerField(_("depth"), default=0)
    is_leaf = models.BooleanField(_("leaf"), default=True)
    criterion_reference = models.CharField(_("criterion"), max_length=50, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=ComplianceStatus.choices, blank=True)
    justification = models.TextField(_("justification"), blank=True)
    comment = models.TextField(_("comment"), blank=True)
    owner_name = models.CharField(_("owner"), max_length=250, blank=True)
    reviewed_at = models.DateTimeField(_("last reviewed"), null=True, blank=True)
    evidence = models.JSONField(_("evidence"), default=list, blank=True)
    live = models.JSONField(_("live evidence"), default=list, blank=True)

    class Meta:
        verbose_name = _("snapshot row")
        verbose_name_plural = _("snapshot rows")
        ordering = ["snapshot_id", "position"]

    def __str__(self) -> str:
        return f"{self.reference} {self.status}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ValueError("A snapshot is never edited.")
        super().save(*args, **kwargs)

    @property
    def badge(self) -> str:
        return COMPLIANCE_BADGES.get(self.status, "secondary")

    @property
    def evidence_items(self) -> list[dict]:
        """The evidence as it was frozen, each with its date read back as a date (``dated_on``)."""
        items = []
        for item in self.evidence:
            try:
                dated_on = datetime.date.fromisoformat(item.get("dated") or "")
            except ValueError:
                dated_on = None
            items.append({**item, "dated_on": dated_on})
        return items

    @property
    def live_items(self) -> list[dict]:
        """The live figures as they were frozen, each value read back as a number (shown the language's way)."""
        items = []
        for item in self.live:
            try:
                value = Decimal(item["value"]) if item.get("value") not in (None, "") else None
            except (InvalidOperation, TypeError):
                value = None
            items.append({**item, "value": value})
        return items

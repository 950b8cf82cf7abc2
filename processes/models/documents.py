from __future__ import annotations

import os

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.translation import gettext_lazy as _

from processes.choices import (
    VERSION_STATUS_BADGES,
    DistributionTargetKind,
    DocumentOrigin,
    DocumentType,
    VersionStatus,
)
from processes.models.process import Process
from qms.core.choices import MembershipRole
from qms.core.models import OrgUnit
from qms.core.storage import private_storage


class Document(models.Model):
    """A controlled document (information documentée): written and approved here, or external (a law, a framework,
    a partner's document) whose current edition is known. Its versions are ``document.versions``."""

    reference = models.CharField(_("reference"), max_length=50, unique=True)
    title = models.CharField(_("title"), max_length=250)
    doc_type = models.CharField(_("type"), max_length=20, choices=DocumentType.choices, default=DocumentType.PROCEDURE)
    process = models.ForeignKey(
        Process,
        verbose_name=_("process"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("document owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_documents",
    )
    origin = models.CharField(
        _("origin"), max_length=10, choices=DocumentOrigin.choices, default=DocumentOrigin.INTERNAL
    )
    issuer = models.CharField(
        _("issuer"), max_length=200, blank=True, help_text=_("For an external document: who issues it.")
    )
    authoritative_url = models.URLField(
        _("authoritative copy"),
        max_length=500,
        blank=True,
        help_text=_("For an external document: where its authoritative copy is (Légifrance, the issuer's site …)."),
    )
    review_period_months = models.PositiveSmallIntegerField(
        _("review period (months)"),
        null=True,
        blank=True,
        default=24,
        help_text=_("Empty: no periodic review."),
    )
    in_library = models.BooleanField(
        _("in the staff library"),
        default=True,
        help_text=_("Its approved version is listed in the procedures and forms library, open to all staff."),
    )
    last_reviewed_on = models.DateField(_("last reviewed on"), null=True, blank=True)
    next_review_on = models.DateField(_("next review"), null=True, blank=True, db_index=True)
    is_active = models.BooleanField(_("active"), default=True)
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

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["reference"]

    def __str__(self) -> str:
        return f"{self.reference} — {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("processes:document-detail", args=[self.pk])

    @property
    def is_external(self) -> bool:
        return self.origin == DocumentOrigin.EXTERNAL


def version_upload_to(instance: DocumentVersion, filename: str) -> str:
    # A random directory keeps names unguessable and lets two versions share a file name.
    base = os.path.basename(filename)[-100:]
    return f"processes/documents/{instance.document_id}/{get_random_string(16)}/{base}"


class DocumentVersion(models.Model):
    """One version of a document: its file or link, and where it stands (draft → in review → approved → obsolete).

    At most one version of a document is approved at a time.
    """

    document = models.ForeignKey(
        Document, verbose_name=_("document"), on_delete=models.PROTECT, related_name="versions"
    )
    number = models.CharField(
        _("version"), max_length=30, help_text=_("For an external document, the issuer's edition.")
    )
    file = models.FileField(_("file"), upload_to=version_upload_to, storage=private_storage, max_length=300, blank=True)
    filename = models.CharField(_("file name"), max_length=255, blank=True)
    content_type = models.CharField(_("content type"), max_length=120, blank=True)
    size = models.PositiveBigIntegerField(_("size"), null=True, blank=True)
    link = models.URLField(_("link"), max_length=500, blank=True)
    change_summary = models.TextField(_("change summary"), blank=True)
    issued_on = models.DateField(_("edition date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=VersionStatus.choices, default=VersionStatus.DRAFT)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approver"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    submitted_at = models.DateTimeField(_("submitted for review at"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    obsolete_at = models.DateTimeField(_("obsolete since"), null=True, blank=True)

    class Meta:
        verbose_name = _("document version")
        verbose_name_plural = _("document versions")
        ordering = ["document_id", "-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="unique_version_number"),
            models.UniqueConstraint(
                fields=["document"], condition=Q(status=VersionStatus.APPROVED), name="one_approved_version"
            ),
        ]
        indexes = [models.Index(fields=["status", "document"])]

    def __str__(self) -> str:
        return f"{self.document.reference} v{self.number}"

    def get_absolute_url(self) -> str:
        return reverse("processes:document-detail", args=[self.document_id]) + f"#version-{self.pk}"

    @property
    def status_badge(self) -> str:
        return VERSION_STATUS_BADGES.get(self.status, "secondary")

    @property
    def is_approved(self) -> bool:
        return self.status == VersionStatus.APPROVED

    @property
    def download_url(self) -> str:
        return reverse("processes:version-download", args=[self.pk]) if self.file else ""


class Distribution(models.Model):
    """One sending of an approved version to a list of people; each confirms that they have read it."""

    version = models.ForeignKey(
        DocumentVersion, verbose_name=_("version"), on_delete=models.PROTECT, related_name="distributions"
    )
    message = models.TextField(_("message"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("distribution")
        verbose_name_plural = _("distributions")
        ordering = ["-sent_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.version} → {self.sent_at:%Y-%m-%d}"


class DistributionTarget(models.Model):
    """One line of a distribution list: a person, the holders of a role in a unit, or a unit's members."""

    distribution = models.ForeignKey(
        Distribution, verbose_name=_("distribution"), on_delete=models.CASCADE, related_name="targets"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=DistributionTargetKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("organisational unit"), on_delete=models.CASCADE, null=True, blank=True
    )
    role = models.CharField(_("role"), max_length=20, choices=MembershipRole.choices, blank=True)

    class Meta:
        verbose_name = _("distribution target")
        verbose_name_plural = _("distribution targets")
        ordering = ["distribution_id", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind=DistributionTargetKind.PERSON) & Q(user__isnull=False))
                | (Q(kind=DistributionTargetKind.ROLE_HOLDERS) & Q(org_unit__isnull=False) & ~Q(role=""))
                | (Q(kind=DistributionTargetKind.UNIT_MEMBERS) & Q(org_unit__isnull=False)),
                name="distribution_target_complete",
            ),
        ]

    def __str__(self) -> str:
        if self.kind == DistributionTargetKind.PERSON:
            return str(self.user)
        if self.kind == DistributionTargetKind.ROLE_HOLDERS:
            return f"{self.get_role_display()} — {self.org_unit}"
        return _("Members of %(unit)s") % {"unit": self.org_unit}


class ReadConfirmation(models.Model):
    """A person who received a version, and when they confirmed reading it (empty: not yet)."""

    version = models.ForeignKey(
        DocumentVersion, verbose_name=_("version"), on_delete=models.CASCADE, related_name="read_confirmations"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="document_read_confirmations",
    )
    distribution = models.ForeignKey(
        Distribution,
        verbose_name=_("distribution"),
        on_delete=models.CASCADE,
        related_name="confirmations",
        help_text=_("The first distribution that reached this person."),
    )
    notified_at = models.DateTimeField(_("notified at"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("read on"), null=True, blank=True)

    class Meta:
        verbose_name = _("read confirmation")
        verbose_name_plural = _("read confirmations")
        ordering = ["version_id", "user__last_name", "user__first_name", "pk"]
        constraints = [models.UniqueConstraint(fields=["version", "user"], name="one_confirmation_per_reader")]

    def __str__(self) -> str:
        return f"{self.version} — {self.user}"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None

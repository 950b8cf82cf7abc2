"""The certificate and label register: certifications and their successive certificates."""

from __future__ import annotations

import datetime
import os

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.translation import gettext_lazy as _

from certifications.choices import CERTIFICATION_STATUS_BADGES, CertificationStatus
from certifications.models.frameworks import ActionCategory, Condition, Framework
from qms.core.models import OrgUnit
from qms.core.storage import private_storage


class Certification(models.Model):
    """A certification or label the institution holds or prepares, against one version of a framework.

    Its expiry is derived from its latest certificate, never typed."""

    name = models.CharField(_("name"), max_length=250)
    framework = models.ForeignKey(
        Framework, verbose_name=_("framework version"), on_delete=models.PROTECT, related_name="certifications"
    )
    holder = models.ForeignKey(
        OrgUnit, verbose_name=_("holder unit"), on_delete=models.PROTECT, related_name="certifications"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_certifications",
    )
    scope = models.TextField(_("scope"), blank=True)
    certifying_body = models.CharField(_("certifying body"), max_length=250, blank=True)
    level = models.CharField(_("level"), max_length=100, blank=True, help_text=_("For labels with levels."))
    categories = models.ManyToManyField(
        ActionCategory,
        verbose_name=_("action categories"),
        blank=True,
        related_name="certifications",
        help_text=_("Qualiopi: the categories of actions certified; they decide the applicable indicators."),
    )
    conditions = models.ManyToManyField(
        Condition,
        verbose_name=_("conditions that hold"),
        blank=True,
        related_name="certifications",
        help_text=_("The indicators that apply only under a condition apply when it is declared here."),
    )
    is_new_entrant = models.BooleanField(
        _("new entrant"),
        default=False,
        help_text=_("Qualiopi: no indicator is waived; adapted ones are formalised first, then checked."),
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=CertificationStatus.choices,
        default=CertificationStatus.IN_PREPARATION,
        editable=False,
    )
    show_on_public_page = models.BooleanField(_("shown on the public page"), default=True)
    notes = models.TextField(_("notes"), blank=True)
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
        verbose_name = _("certification")
        verbose_name_plural = _("certifications")
        ordering = ["name", "pk"]
        indexes = [models.Index(fields=["status"])]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("certifications:certification-detail", args=[self.pk])

    @property
    def status_badge(self) -> str:
        return CERTIFICATION_STATUS_BADGES.get(self.status, "secondary")

    @property
    def level_label(self) -> str:
        """The level as the framework names it ("2 étoiles"), else as recorded."""
        return dict(self.framework.level_choices).get(self.level, self.level) if self.level else ""

    @property
    def latest_certificate(self) -> Certificate | None:
        """The certificate in force or last in force (prefetch ``certificates`` to spare a query)."""
        certificates = list(self.certificates.all())
        return max(certificates, key=lambda c: (c.valid_from, c.pk)) if certificates else None

    @property
    def expires_on(self) -> datetime.date | None:
        """The last day of validity of the latest certificate: derived, never typed."""
        latest = self.latest_certificate
        return latest.valid_until if latest else None

    def is_expired(self, today: datetime.date | None = None) -> bool:
        expires_on = self.expires_on
        return bool(expires_on and expires_on < (today or timezone.localdate()))

    @property
    def expired(self) -> bool:
        return self.is_expired()


def certificate_upload_to(instance: Certificate, filename: str) -> str:
    base = os.path.basename(filename)[-100:]
    return f"certifications/certificates/{instance.certification_id}/{get_random_string(16)}/{base}"


class Certificate(models.Model):
    """One certificate of a certification: its number, date of issue, validity and file."""

    certification = models.ForeignKey(
        Certification, verbose_name=_("certification"), on_delete=models.CASCADE, related_name="certificates"
    )
    number = models.CharField(_("number"), max_length=100, blank=True)
    issued_on = models.DateField(_("date of issue"))
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    file = models.FileField(
        _("file"), upload_to=certificate_upload_to, storage=private_storage, max_length=300, blank=True
    )
    notes = models.TextField(_("notes"), blank=True)
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

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["certification_id", "-valid_from", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gte=models.F("valid_from")), name="certificate_valid_until_after_from"
            ),
        ]
        indexes = [models.Index(fields=["valid_until"])]

    def __str__(self) -> str:
        return self.number or f"{self.certification} ({self.valid_from:%d/%m/%Y})"

    @property
    def filename(self) -> str:
        return os.path.basename(self.file.name) if self.file else ""


class VersionChange(models.Model):
    """A certification moved to another version of its framework: what was carried, what is new, what is gone."""

    certification = models.ForeignKey(
        Certification, verbose_name=_("certification"), on_delete=models.CASCADE, related_name="version_changes"
    )
    from_framework = models.ForeignKey(
        Framework, verbose_name=_("from version"), on_delete=models.PROTECT, related_name="+"
    )
    to_framework = models.ForeignKey(
        Framework, verbose_name=_("to version"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.SET_NULL, null=True, blank=True
    )
    carried = models.PositiveIntegerField(_("statuses carried"), default=0)
    new_references = models.JSONField(_("new requirements"), default=list, blank=True)
    gone_references = models.JSONField(_("requirements gone"), default=list, blank=True)

    class Meta:
        verbose_name = _("version change")
        verbose_name_plural = _("version changes")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.certification}: {self.from_framework.version} → {self.to_framework.version}"

"""The certifications' own settings record, and the spreadsheets waiting between preview and confirmation."""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from certifications.choices import ImportKind
from certifications.models.register import Certification
from qms.core.app_settings import AppSettings
from qms.core.day_counts import DayCountsField


class CertificationSettings(AppSettings):
    """What the quality manager sets for the certifications (their section of the "Paramètres" page)."""

    evidence_max_age_months = models.PositiveSmallIntegerField(
        _("age that flags evidence (months)"),
        default=12,
        validators=[MinValueValidator(1)],
        help_text=_("Evidence dated earlier than this is flagged in the compliance matrix."),
    )
    zip_max_megabytes = models.PositiveIntegerField(
        _("largest evidence archive (MB)"),
        default=200,
        validators=[MinValueValidator(1)],
        help_text=_("An evidence archive for the certifier stops with a clear message past this size."),
    )
    auditor_grant_days = models.PositiveSmallIntegerField(
        _("auditors' access after the audit (days)"),
        default=30,
        help_text=_("How long auditors keep reading an audit after its last day."),
    )
    # Lead times of the reminders (certifications/reminders.py).
    expiry_reminder_days = DayCountsField(
        _("reminders before a certificate expires (days)"),
        default=(180, 90, 30),
        help_text=_("The certification's owner and the quality manager are reminded this many days before."),
    )
    audit_reminder_days = DayCountsField(
        _("reminders before an audit (days)"),
        default=(30, 7),
        help_text=_("The audit's owner, its auditors and the owners of the audited processes are reminded."),
    )
    finding_reminder_days = DayCountsField(
        _("reminders before a finding's dates (days)"),
        default=(14, 7),
        help_text=_("Before its action plan, implementation and verification dates, and once each is passed."),
    )

    class Meta(AppSettings.Meta):
        verbose_name = _("certification settings")
        verbose_name_plural = _("certification settings")

    @property
    def zip_max_bytes(self) -> int:
        return self.zip_max_megabytes * 1024 * 1024


def _import_expiry() -> datetime.datetime:
    return timezone.now() + datetime.timedelta(hours=2)


class CertificationImport(models.Model):
    """An uploaded spreadsheet between its preview and its confirmation (a framework, the certificate register
    or a self-assessment): the rows as read, owned by who sent it, expiring. Confirming applies these rows."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=ImportKind.choices)
    certification = models.ForeignKey(
        Certification,
        verbose_name=_("certification"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="imports",
    )
    options = models.JSONField(_("options"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("sent by"), on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(_("sent at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"), default=_import_expiry)
    filename = models.CharField(_("file name"), max_length=250, blank=True)
    payload = models.JSONField(_("rows read"), default=dict)
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)

    class Meta:
        verbose_name = _("certification import")
        verbose_name_plural = _("certification imports")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["expires_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ← {self.filename}"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

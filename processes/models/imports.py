from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from processes.choices import ImportKind


def _import_expiry() -> datetime.datetime:
    return timezone.now() + datetime.timedelta(hours=2)


class ProcessImport(models.Model):
    """An uploaded spreadsheet (risk register, document list, measurement history) between its preview and its
    confirmation: the rows as read, owned by the person who sent it, expiring. Confirming applies these rows, never
    anything posted back by the browser."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=ImportKind.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("sent by"), on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(_("sent at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"), default=_import_expiry)
    filename = models.CharField(_("file name"), max_length=250, blank=True)
    payload = models.JSONField(_("rows read"), default=dict)
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)

    class Meta:
        verbose_name = _("process map import")
        verbose_name_plural = _("process map imports")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["expires_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ← {self.filename}"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

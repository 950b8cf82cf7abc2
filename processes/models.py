from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from processes.choices import ProcessType
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

    class Meta:
        verbose_name = _("process")
        verbose_name_plural = _("processes")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"

"""Improvement councils (conseils de perfectionnement): one a year per programme, its members, the inputs it
reviewed and its decisions (which become actions through the action sources registry)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from qms.core.models import AcademicYear, Programme
from qms.core.storage import private_storage
from surveys.councils_choices import COUNCIL_STATUS_BADGES, CouncilMemberRole, CouncilStatus


def minutes_path(council: Council, filename: str) -> str:
    return f"surveys/councils/{council.academic_year_id}/{council.pk or 'new'}/{filename}"


class Council(models.Model):
    """An improvement council of an academic year, covering one or more programmes."""

    academic_year = models.ForeignKey(
        AcademicYear, verbose_name=_("academic year"), on_delete=models.PROTECT, related_name="councils"
    )
    programmes = models.ManyToManyField(Programme, verbose_name=_("programmes"), related_name="councils")
    planned_date = models.DateField(_("planned date"), null=True, blank=True)
    held_date = models.DateField(_("held date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=CouncilStatus.choices, default=CouncilStatus.PLANNED, db_index=True
    )
    agenda = models.TextField(_("agenda"), blank=True)
    minutes = models.FileField(_("minutes"), storage=private_storage, upload_to=minutes_path, blank=True)
    minutes_name = models.CharField(_("minutes file name"), max_length=120, blank=True)
    minutes_content_type = models.CharField(_("minutes file type"), max_length=120, blank=True)
    composition_reason = models.TextField(
        _("reason for an incomplete composition"),
        blank=True,
        help_text=_("Why the council met without a teacher or without a student present."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("improvement council")
        verbose_name_plural = _("improvement councils")
        ordering = ["-academic_year__start_date", "planned_date", "pk"]

    def __str__(self) -> str:
        names = ", ".join(p.code for p in self.programmes.all())
        return _("Improvement council %(year)s — %(programmes)s") % {"year": self.academic_year, "programmes": names}

    def get_absolute_url(self) -> str:
        return reverse("surveys:council-detail", args=[self.pk])

    @property
    def status_badge(self) -> str:
        return COUNCIL_STATUS_BADGES.get(self.status, "secondary")

    @property
    def minutes_published(self) -> bool:
        return self.status == CouncilStatus.MINUTES_PUBLISHED


class CouncilMember(models.Model):
    """Someone sitting on a council: an account (a teacher, a student who signs in) or a name (a professional
    from outside, an alumnus), their group, and whether they attended."""

    council = models.ForeignKey(Council, verbose_name=_("council"), on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="council_seats",
    )
    # Typed for someone without an account; for an account, its name when linked, kept if the account goes.
    name = models.CharField(_("name"), max_length=200, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=CouncilMemberRole.choices)
    attended = models.BooleanField(_("attended"), default=False)

    class Meta:
        verbose_name = _("council member")
        verbose_name_plural = _("council members")
        ordering = ["role", "name", "pk"]
        constraints = [
            # Linked or not, a member keeps a name: an account that goes (SET_NULL) leaves it behind.
            models.CheckConstraint(condition=~models.Q(name=""), name="council_member_has_a_name"),
            models.UniqueConstraint(
                fields=["council", "user"],
                condition=models.Q(user__isnull=False),
                name="unique_council_member_account",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    def save(self, *args, **kwargs) -> None:
        if not self.name.strip() and self.user_id:
            self.name = str(self.user)[:200]
        super().save(*args, **kwargs)

    def clean(self) -> None:
        if not self.name.strip() and not self.user_id:
            raise ValidationError(_("Give the member's name or choose their account."))

    @property
    def display_name(self) -> str:
        """The account's name when the member is linked to one, else the name recorded (select ``user``)."""
        if self.user_id:
            return str(self.user)
        return self.name or "—"


class CouncilInput(models.Model):
    """Something the council reviewed: published survey results, helpdesk figures, an indicator (a link or a note)."""

    council = models.ForeignKey(Council, verbose_name=_("council"), on_delete=models.CASCADE, related_name="inputs")
    title = models.CharField(_("title"), max_length=200)
    url = models.CharField(_("link"), max_length=500, blank=True, help_text=_("An address in the application."))
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("input reviewed")
        verbose_name_plural = _("inputs reviewed")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.title


class CouncilDecision(models.Model):
    """What a council decided for one of its programmes; archived, never deleted (actions may answer it)."""

    council = models.ForeignKey(Council, verbose_name=_("council"), on_delete=models.PROTECT, related_name="decisions")
    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.PROTECT, related_name="council_decisions"
    )
    number = models.PositiveIntegerField(_("number"), editable=False)
    text = models.TextField(_("decision"))
    archived = models.BooleanField(_("archived"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("council decision")
        verbose_name_plural = _("council decisions")
        ordering = ["council", "number"]
        constraints = [
            models.UniqueConstraint(fields=["council", "programme", "number"], name="unique_council_decision_number")
        ]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse("surveys:council-detail", args=[self.council_id]) + f"#decision-{self.pk}"

    @property
    def reference(self) -> str:
        start = self.council.academic_year.start_date.year
        return f"CP-{start}-{self.programme.code}-{self.number}"

    def delete(self, *args, **kwargs):
        raise models.ProtectedError(str(_("A council decision is archived, never deleted.")), {self})

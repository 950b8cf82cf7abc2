from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qms.core.choices import Actor, MembershipRole, OrgUnitKind, ProgrammeLevel, Semester, StudyMode


class User(AbstractUser):
    """A person who signs in: staff, teachers, quality officers, auditors."""

    language = models.CharField(
        _("preferred language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")
        swappable = "AUTH_USER_MODEL"

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class OrgUnit(models.Model):
    """A unit of the institution's tree: the institution, its faculties and schools, their departments and services."""

    parent = models.ForeignKey(
        "self", verbose_name=_("parent unit"), on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=OrgUnitKind.choices)
    code = models.SlugField(_("code"), max_length=30, unique=True, allow_unicode=False)
    name = models.CharField(_("name"), max_length=200)
    is_active = models.BooleanField(_("active"), default=True)
    # Materialised path of primary keys ("/1/4/9/"), so that a unit's sub-tree is one indexed prefix query.
    path = models.CharField(_("path"), max_length=500, editable=False, db_index=True, default="")

    class Meta:
        verbose_name = _("organisational unit")
        verbose_name_plural = _("organisational units")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.parent_id and self.pk and f"/{self.pk}/" in (self.parent.path or ""):
            raise ValidationError({"parent": _("A unit cannot be placed under itself or one of its sub-units.")})

    def save(self, *args, **kwargs) -> None:
        old_path = self.path
        if not self.pk:
            super().save(*args, **kwargs)
            kwargs.pop("force_insert", None)
        self.path = (self.parent.path if self.parent_id else "/") + f"{self.pk}/"
        super().save(*args, **kwargs)
        if old_path and old_path != self.path:
            # The unit moved: rewrite the paths of its sub-tree in one statement.
            for unit in OrgUnit.objects.filter(path__startswith=old_path).exclude(pk=self.pk):
                OrgUnit.objects.filter(pk=unit.pk).update(path=self.path + unit.path[len(old_path) :])

    @property
    def depth(self) -> int:
        return self.path.count("/") - 2

    def descendants(self, include_self: bool = True):
        qs = OrgUnit.objects.filter(path__startswith=self.path)
        return qs if include_self else qs.exclude(pk=self.pk)

    def ancestors(self, include_self: bool = True):
        ids = [int(part) for part in self.path.strip("/").split("/") if part]
        if not include_self:
            ids = ids[:-1]
        return OrgUnit.objects.filter(pk__in=ids).order_by("path")


class AcademicYear(models.Model):
    """A university year, such as 2025-2026; exactly one is current."""

    name = models.CharField(_("name"), max_length=20, unique=True, help_text=_("For example 2025-2026."))
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    is_current = models.BooleanField(_("current year"), default=False)

    class Meta:
        verbose_name = _("academic year")
        verbose_name_plural = _("academic years")
        ordering = ["-start_date"]
        constraints = [
            models.UniqueConstraint(fields=["is_current"], condition=Q(is_current=True), name="one_current_year"),
            models.CheckConstraint(condition=Q(end_date__gt=models.F("start_date")), name="year_ends_after_start"),
        ]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def current(cls) -> AcademicYear | None:
        return cls.objects.filter(is_current=True).first()


class Programme(models.Model):
    """A programme of study (formation), such as a licence or an engineering degree."""

    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=250)
    level = models.CharField(_("level"), max_length=20, choices=ProgrammeLevel.choices)
    mode = models.CharField(_("mode of study"), max_length=20, choices=StudyMode.choices, default=StudyMode.INITIAL)
    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("organisational unit"), on_delete=models.PROTECT, related_name="programmes"
    )
    director = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("programme director"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="directed_programmes",
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Course(models.Model):
    """A course (enseignement, UE); it may be shared by several programmes."""

    code = models.CharField(_("code"), max_length=30, unique=True)
    title = models.CharField(_("title"), max_length=250)
    semester = models.CharField(_("semester"), max_length=8, choices=Semester.choices, blank=True)
    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("organisational unit"), on_delete=models.PROTECT, related_name="courses"
    )
    programmes = models.ManyToManyField(Programme, verbose_name=_("programmes"), related_name="courses", blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class Teaching(models.Model):
    """Who teaches a course in a given academic year."""

    course = models.ForeignKey(Course, verbose_name=_("course"), on_delete=models.CASCADE, related_name="teachings")
    academic_year = models.ForeignKey(
        AcademicYear, verbose_name=_("academic year"), on_delete=models.PROTECT, related_name="teachings"
    )
    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("teacher"), on_delete=models.CASCADE, related_name="teachings"
    )

    class Meta:
        verbose_name = _("teaching assignment")
        verbose_name_plural = _("teaching assignments")
        constraints = [
            models.UniqueConstraint(fields=["course", "academic_year", "teacher"], name="unique_teaching"),
        ]

    def __str__(self) -> str:
        return f"{self.course} — {self.academic_year} — {self.teacher}"


class Membership(models.Model):
    """A person's place in a unit; it gives the scope where their groups' permissions apply (and sub-units)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships"
    )
    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("organisational unit"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=MembershipRole.choices, default=MembershipRole.MEMBER)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [models.UniqueConstraint(fields=["user", "org_unit", "role"], name="unique_membership")]
        indexes = [models.Index(fields=["org_unit", "role"])]

    def __str__(self) -> str:
        return f"{self.user} — {self.org_unit} ({self.get_role_display()})"


class AccessGrantQuerySet(models.QuerySet):
    def active(self, at=None):
        at = at or timezone.now()
        return self.filter(valid_from__lte=at).filter(Q(valid_until__isnull=True) | Q(valid_until__gt=at))


class AccessGrant(models.Model):
    """A time-boxed access of one user to one object, such as an auditor's to the audit they are given."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="access_grants"
    )
    content_type = models.ForeignKey(ContentType, verbose_name=_("object type"), on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField(_("object id"))
    target = GenericForeignKey("content_type", "object_id")
    valid_from = models.DateTimeField(_("from"), default=timezone.now)
    valid_until = models.DateTimeField(_("until"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=250, blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("granted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = AccessGrantQuerySet.as_manager()

    class Meta:
        verbose_name = _("access grant")
        verbose_name_plural = _("access grants")
        indexes = [models.Index(fields=["user", "content_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.user} → {self.content_type.model} #{self.object_id}"


class ActivityLog(models.Model):
    """Who did what to which object, and when; written by services."""

    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.SET_NULL, null=True, blank=True
    )
    actor = models.CharField(_("actor"), max_length=20, choices=Actor.choices, default=Actor.USER)
    verb = models.CharField(_("action"), max_length=60)
    content_type = models.ForeignKey(ContentType, verbose_name=_("object type"), on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField(_("object id"))
    target = GenericForeignKey("content_type", "object_id")
    object_repr = models.CharField(_("object"), max_length=250, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("activity log entry")
        verbose_name_plural = _("activity log")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.verb} {self.object_repr}"

    @property
    def actor_label(self) -> str:
        return str(self.user) if self.user_id else self.get_actor_display()


class StatusChange(models.Model):
    """One move of an object's status, for every workflow of the project (see qms/core/workflow.py)."""

    content_type = models.ForeignKey(ContentType, verbose_name=_("object type"), on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField(_("object id"))
    target = GenericForeignKey("content_type", "object_id")
    from_status = models.CharField(_("from"), max_length=40, blank=True)
    to_status = models.CharField(_("to"), max_length=40)
    at = models.DateTimeField(_("at"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.SET_NULL, null=True, blank=True
    )
    actor = models.CharField(_("actor"), max_length=20, choices=Actor.choices, default=Actor.USER)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["at", "pk"]
        indexes = [
            models.Index(fields=["content_type", "object_id", "at"]),
            models.Index(fields=["content_type", "to_status", "at"]),
        ]

    def __str__(self) -> str:
        return f"{self.from_status or '∅'} → {self.to_status}"

    @property
    def actor_label(self) -> str:
        return str(self.by) if self.by_id else self.get_actor_display()

from __future__ import annotations

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.contrib.auth.models import AbstractUser, _user_has_module_perms, _user_has_perm
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qms.core.choices import (
    HOLIDAY_SUBDIVISIONS,
    REPORT_IN_FLIGHT,
    REPORT_STATE_BADGES,
    AccessibilityCompliance,
    Actor,
    HolidayCountry,
    MembershipRole,
    OrgUnitKind,
    ProgrammeLevel,
    ReportState,
    Semester,
    StudyMode,
)
from qms.core.storage import private_storage


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

    # Django grants an active superuser everything, before asking the backends; here only in a session verified
    # with a second factor (qms.core.backends), so that a password alone never opens the back office.
    def has_perm(self, perm, obj=None) -> bool:
        from qms.core.backends import has_superuser_powers

        if self.is_superuser and not has_superuser_powers(self):
            return self.is_active and _user_has_perm(self, perm, obj)
        return super().has_perm(perm, obj)

    def has_module_perms(self, app_label) -> bool:
        from qms.core.backends import has_superuser_powers

        if self.is_superuser and not has_superuser_powers(self):
            return self.is_active and _user_has_module_perms(self, app_label)
        return super().has_module_perms(app_label)


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

    def clean(self) -> None:
        if self.parent_id and self.pk and f"/{self.pk}/" in (self.parent.path or ""):
            raise ValidationError({"parent": _("A unit cannot be placed under itself or one of its sub-units.")})

    @property
    def depth(self) -> int:
        return self.path.count("/") - 2

    def descendants(self, include_self: bool = True):
        qs = OrgUnit.objects.filter(path__startswith=self.path)
        return qs if include_self else qs.exclude(pk=self.pk)

    def ancestors(self, include_self: bool = True):
        return OrgUnit.objects.filter(pk__in=self.ancestor_ids(include_self)).order_by("path")

    def ancestor_ids(self, include_self: bool = True) -> list[int]:
        """The ids of the unit's ancestors from the top down (and its own, last), read off its path."""
        ids = [int(part) for part in self.path.strip("/").split("/") if part]
        return ids if include_self else ids[:-1]


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
    valid_from = models.DateTimeField(pgettext_lazy("access period", "from"), default=timezone.now)
    valid_until = models.DateTimeField(pgettext_lazy("access period", "until"), null=True, blank=True)
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
    from_status = models.CharField(pgettext_lazy("status change", "from"), max_length=40, blank=True)
    to_status = models.CharField(pgettext_lazy("status change", "to"), max_length=40)
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


def _site_logo_path(instance: SiteSettings, filename: str) -> str:
    return f"site/{filename}"


class SiteSettings(models.Model):
    """What the institution edits at run time; one record. Empty fields fall back to the environment.

    Read it with ``SiteSettings.get()`` (cached, fall-backs applied, read-only); edit ``SiteSettings.load()``.
    """

    SINGLETON_PK = 1
    CACHE_KEY = "core:site-settings"
    CACHE_TIMEOUT = 300  # seconds; saving clears it at once, the timeout only bounds a missed invalidation

    # The institution
    institution_name = models.CharField(
        _("institution name"), max_length=200, blank=True, help_text=_("Leave empty to use the server's setting.")
    )
    logo = models.ImageField(
        _("logo"),
        upload_to=_site_logo_path,
        blank=True,
        help_text=_("PNG or JPEG, shown in the header of pages and PDF reports."),
    )
    address = models.TextField(_("postal address"), blank=True)
    site_url = models.URLField(
        _("public site address"),
        blank=True,
        help_text=_("Used in links of emails built in the background, e.g. https://qualite.example.edu."),
    )
    quality_office_email = models.EmailField(_("quality office email"), blank=True)
    legal_notice = models.TextField(
        _("legal notice"), blank=True, help_text=_("Publisher, director of publication and host of the site.")
    )
    # Data protection (GDPR)
    dpo_name = models.CharField(_("data protection officer"), max_length=200, blank=True)
    dpo_email = models.EmailField(_("data protection officer's email"), blank=True)
    dpo_address = models.TextField(_("data protection officer's postal address"), blank=True)
    # Accessibility statement (RGAA)
    accessibility_compliance = models.CharField(
        _("accessibility compliance"),
        max_length=10,
        choices=AccessibilityCompliance.choices,
        default=AccessibilityCompliance.NONE,
        help_text=_("As established by the last accessibility audit; “not compliant” until one is made."),
    )
    accessibility_audit_rate = models.DecimalField(
        _("share of criteria met (%)"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    accessibility_audit_date = models.DateField(_("date of the accessibility audit"), null=True, blank=True)
    accessibility_contact_email = models.EmailField(
        _("accessibility contact email"), blank=True, help_text=_("Leave empty to use the quality office email.")
    )
    # Working-day calendar
    holidays_country = models.CharField(
        _("country of public holidays"), max_length=2, choices=HolidayCountry.choices, blank=True
    )
    holidays_subdivision = models.CharField(
        _("region of public holidays"),
        max_length=10,
        blank=True,
        choices=[(country.label, HOLIDAY_SUBDIVISIONS[country]) for country in HolidayCountry],
        help_text=_("Alsace and Moselle add Good Friday and 26 December."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("site settings")
        verbose_name_plural = _("site settings")
        constraints = [models.CheckConstraint(condition=Q(pk=1), name="site_settings_singleton")]

    def __str__(self) -> str:
        return str(_("Site settings"))

    def save(self, *args, **kwargs) -> None:
        if getattr(self, "_resolved", False):
            raise ValueError("SiteSettings.get() is read-only: edit SiteSettings.load() instead.")
        self.pk = self.SINGLETON_PK
        super().save(*args, **kwargs)
        self.clear_cache()

    def get_absolute_url(self) -> str:
        return reverse("core:site-settings")

    def delete(self, *args, **kwargs):
        raise ValueError("The site settings cannot be deleted.")

    def clean(self) -> None:
        country = self.holidays_country or settings.HOLIDAYS_COUNTRY
        if self.holidays_subdivision and self.holidays_subdivision not in dict(HOLIDAY_SUBDIVISIONS[country]):
            raise ValidationError(
                {"holidays_subdivision": _("This region does not belong to the country of public holidays.")}
            )

    # --- Reading ---------------------------------------------------------------------------------------------
    @classmethod
    def load(cls) -> SiteSettings:
        """The stored record, created with its defaults on first use, without fall-backs: for editing."""
        obj, _created = cls.objects.get_or_create(pk=cls.SINGLETON_PK)
        return obj

    @classmethod
    def get(cls) -> SiteSettings:
        """The settings in force: cached, with every empty field filled from the environment, read once per
        request. Read-only."""
        from qms.core.config_cache import memoised

        return memoised(cls.CACHE_KEY, cls._read)

    @classmethod
    def _read(cls) -> SiteSettings:
        from django.core.cache import cache

        stored = cache.get(cls.CACHE_KEY)
        if stored is None:
            stored = cls.load()
            cache.set(cls.CACHE_KEY, stored, cls.CACHE_TIMEOUT)
        return stored._with_fallbacks()

    @classmethod
    def defaults(cls) -> SiteSettings:
        """The settings from the environment and the field defaults alone, without the database: for pages
        that must render while the database is unreachable or not migrated yet."""
        return cls(pk=cls.SINGLETON_PK)._with_fallbacks()

    @classmethod
    def clear_cache(cls) -> None:
        from django.core.cache import cache
        from django.db import transaction

        from qms.core import config_cache

        cache.delete(cls.CACHE_KEY)
        # Clear it again after commit, so that a read made inside the saving transaction is not kept.
        transaction.on_commit(lambda: cache.delete(cls.CACHE_KEY))
        # What is built from the settings (deadlines, the calendar, the public form) is built again.
        config_cache.bump()

    def _with_fallbacks(self) -> SiteSettings:
        self.institution_name = self.institution_name or settings.INSTITUTION_NAME
        self.site_url = (self.site_url or settings.SITE_URL).rstrip("/")
        self.quality_office_email = self.quality_office_email or settings.QUALITY_OFFICE_EMAIL
        self.dpo_email = self.dpo_email or settings.DPO_EMAIL
        self.accessibility_contact_email = self.accessibility_contact_email or self.quality_office_email
        if not self.holidays_country:
            self.holidays_country = settings.HOLIDAYS_COUNTRY
            self.holidays_subdivision = self.holidays_subdivision or settings.HOLIDAYS_SUBDIVISION
        self._resolved = True
        return self

    # --- Derived ---------------------------------------------------------------------------------------------
    @property
    def logo_url(self) -> str:
        return self.logo.url if self.logo else ""

    def absolute_url(self, path: str) -> str:
        """``path`` ("/suivi/…") as a full link on the public site, for emails built with no request at hand."""
        base = (self.site_url or settings.SITE_URL).rstrip("/")
        return path if path.startswith(("http://", "https://")) else f"{base}/{path.lstrip('/')}"


class ClosureDay(models.Model):
    """A closure of the institution (fermeture administrative), one day or a range, excluded from working days."""

    start_date = models.DateField(_("first day"))
    end_date = models.DateField(_("last day"), help_text=_("The same as the first day for a single day."))
    label = models.CharField(_("label"), max_length=200, help_text=_("For example: Christmas closure."))

    class Meta:
        verbose_name = _("closure day")
        verbose_name_plural = _("closure days")
        ordering = ["start_date"]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=models.F("start_date")), name="closure_ends_after_start"),
        ]
        indexes = [models.Index(fields=["start_date", "end_date"])]

    def __str__(self) -> str:
        if self.end_date and self.end_date != self.start_date:
            return f"{self.label} ({self.start_date:%d/%m/%Y} – {self.end_date:%d/%m/%Y})"
        return f"{self.label} ({self.start_date:%d/%m/%Y})"

    def save(self, *args, **kwargs) -> None:
        if self.end_date is None:
            self.end_date = self.start_date
        super().save(*args, **kwargs)

    def clean(self) -> None:
        if self.start_date and not self.end_date:
            self.end_date = self.start_date
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The last day cannot come before the first day.")})

    @property
    def days(self) -> int:
        return (self.end_date - self.start_date).days + 1


@receiver([post_save, post_delete], sender=ClosureDay, dispatch_uid="core.closure_day_changed")
@receiver([post_save, post_delete], sender=OrgUnit, dispatch_uid="core.org_unit_changed")
@receiver([post_save, post_delete], sender=Programme, dispatch_uid="core.programme_changed")
def _configuration_changed(sender, **kwargs) -> None:
    # Cache invalidation only: the working-day calendar memoises the closures of each year, and the public forms
    # list the units and programmes (qms.core.config_cache).
    from qms.core import config_cache

    config_cache.bump()


class SpentStamp(models.Model):
    """A fill-time stamp of a public form, spent by the submission it carried (qms.core.public).

    The row says only that the stamp is spent: its key is a hash of the stamp, and its times derive from when the
    form was shown and from the repeat window, never from when it was sent. ``fingerprint`` and the object are
    set only when the view wants an identical submission answered with what the first one created."""

    key = models.CharField(_("key"), max_length=64, unique=True)
    form = models.CharField(_("form"), max_length=100)
    fingerprint = models.CharField(_("fingerprint"), max_length=64, blank=True, db_index=True)
    repeat_until = models.DateTimeField(_("identical submissions answered until"), null=True, blank=True)
    content_type = models.ForeignKey(
        ContentType, verbose_name=_("type of what it created"), on_delete=models.CASCADE, null=True, blank=True
    )
    object_id = models.PositiveBigIntegerField(_("id of what it created"), null=True, blank=True)
    created = GenericForeignKey("content_type", "object_id")
    expires_at = models.DateTimeField(_("kept until"), db_index=True)

    class Meta:
        verbose_name = _("spent form stamp")
        verbose_name_plural = _("spent form stamps")

    def __str__(self) -> str:
        return f"{self.form} {self.key[:12]}"


def _report_path(instance: StoredReport, filename: str) -> str:
    # A random name: the file is private anyway, and two versions never collide.
    suffix = PurePosixPath(filename).suffix.lower()[:10]
    return f"reports/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class StoredReport(models.Model):
    """One version of a report (a PDF …) of an object, built in the background and kept (qms.core.reports)."""

    kind = models.CharField(_("kind"), max_length=80)
    content_type = models.ForeignKey(ContentType, verbose_name=_("object type"), on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField(_("object id"))
    target = GenericForeignKey("content_type", "object_id")
    version = models.PositiveIntegerField(_("version"))
    state = models.CharField(_("state"), max_length=20, choices=ReportState.choices, default=ReportState.QUEUED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    generated_at = models.DateTimeField(_("generated at"), null=True, blank=True)
    duration = models.DurationField(_("time taken to build"), null=True, blank=True)
    file = models.FileField(_("file"), storage=private_storage, upload_to=_report_path, max_length=200, blank=True)
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    mime_type = models.CharField(_("file type"), max_length=100, blank=True)
    size = models.PositiveBigIntegerField(_("size (bytes)"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("stored report")
        verbose_name_plural = _("stored reports")
        ordering = ["-requested_at", "-pk"]
        indexes = [
            models.Index(fields=["content_type", "object_id", "kind", "-version"], name="core_report_versions"),
            models.Index(fields=["state", "requested_at"], name="core_report_state"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "content_type", "object_id", "version"], name="core_report_unique_version"
            ),
            # One version of a report on its way at a time: a double click or a second person asking gets it.
            models.UniqueConstraint(
                fields=["kind", "content_type", "object_id"],
                condition=Q(state__in=REPORT_IN_FLIGHT),
                name="core_report_one_in_flight",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.object_id} v{self.version}"

    def get_absolute_url(self) -> str:
        return reverse("core:report", args=[self.pk])

    @property
    def is_ready(self) -> bool:
        return self.state == ReportState.READY

    @property
    def is_failed(self) -> bool:
        return self.state == ReportState.FAILED

    @property
    def in_flight(self) -> bool:
        return self.state in REPORT_IN_FLIGHT

    @property
    def state_badge(self) -> str:
        return REPORT_STATE_BADGES.get(self.state, "secondary")


@receiver(post_delete, sender=StoredReport, dispatch_uid="core.stored_report_deleted")
def _stored_report_deleted(sender, instance: StoredReport, **kwargs) -> None:
    # The file goes with its row: a private file nobody can reach any more is only a liability.
    if instance.file:
        instance.file.delete(save=False)

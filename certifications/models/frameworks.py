"""Frameworks (référentiels) as versioned data: requirement trees, action categories, conditions, grades."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from certifications.choices import (
    GRADE_BADGES,
    FrameworkKind,
    GradeKind,
    LiveEvidenceKind,
    NcGrading,
    NewEntrantHandling,
)


class Framework(models.Model):
    """One version of a framework (Qualiopi guide V9, ISO 9001:2015 …): its tree, its grading scale, its rules.

    The versions of one framework share its ``code``. A new version never rewrites what was assessed against an
    older one: assessments point at the requirements of the version they were made against."""

    code = models.SlugField(_("code"), max_length=50, help_text=_("Shared by every version of the framework."))
    name = models.CharField(_("name"), max_length=250)
    version = models.CharField(_("version"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=FrameworkKind.choices, default=FrameworkKind.LABEL)
    publisher = models.CharField(_("publisher"), max_length=300, blank=True)
    effective_from = models.DateField(_("effective from"), null=True, blank=True)
    effective_until = models.DateField(_("effective until"), null=True, blank=True)
    description = models.TextField(_("notes"), blank=True, help_text=_("What the data rests on, and how sure it is."))
    sources = models.TextField(_("sources"), blank=True)
    is_reference = models.BooleanField(
        _("reference data"),
        default=False,
        editable=False,
        help_text=_("Loaded from the data files kept in the repository; otherwise made by the quality manager."),
    )
    # The rules that plan the dates, where the framework gives them.
    certificate_validity_months = models.PositiveSmallIntegerField(
        _("certificate validity (months)"), null=True, blank=True
    )
    surveillance_from_month = models.PositiveSmallIntegerField(
        _("surveillance audit from (month after issue)"), null=True, blank=True
    )
    surveillance_to_month = models.PositiveSmallIntegerField(
        _("surveillance audit until (month after issue)"), null=True, blank=True
    )
    renewal_takes_effect_after_expiry = models.BooleanField(
        _("a renewal takes effect the day after the previous certificate expires"), default=False
    )
    rules_notes = models.TextField(_("notes on the rules"), blank=True)
    levels = models.JSONField(
        _("levels"), default=list, blank=True, help_text=_("For labels with levels: a list of {code, title}.")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("framework")
        verbose_name_plural = _("frameworks")
        ordering = ["code", "-effective_from", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="unique_framework_version"),
            models.CheckConstraint(
                condition=Q(effective_until__isnull=True)
                | Q(effective_from__isnull=True)
                | Q(effective_until__gte=models.F("effective_from")),
                name="framework_effective_period",
            ),
            models.CheckConstraint(
                condition=Q(surveillance_from_month__isnull=True)
                | Q(surveillance_to_month__isnull=True)
                | Q(surveillance_to_month__gte=models.F("surveillance_from_month")),
                name="framework_surveillance_window",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.version})"

    def get_absolute_url(self) -> str:
        return reverse("certifications:framework-detail", args=[self.pk])

    @property
    def level_choices(self) -> list[tuple[str, str]]:
        return [(str(level.get("code", "")), str(level.get("title", ""))) for level in self.levels or []]


class ActionCategory(models.Model):
    """A category of actions that a framework certifies separately (Qualiopi: AF, BC, VAE, CFA)."""

    framework = models.ForeignKey(
        Framework, verbose_name=_("framework"), on_delete=models.CASCADE, related_name="categories"
    )
    code = models.CharField(_("code"), max_length=20)
    title = models.CharField(_("title"), max_length=250)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("action category")
        verbose_name_plural = _("action categories")
        ordering = ["framework_id", "position", "pk"]
        constraints = [models.UniqueConstraint(fields=["framework", "code"], name="unique_category_code")]

    def __str__(self) -> str:
        return f"{self.code} — {self.title}"


class Condition(models.Model):
    """A condition that narrows a requirement's applicability ("formations en alternance"): text for people,
    never an expression. A certification declares which conditions hold for it."""

    framework = models.ForeignKey(
        Framework, verbose_name=_("framework"), on_delete=models.CASCADE, related_name="conditions"
    )
    code = models.SlugField(_("code"), max_length=50)
    title = models.CharField(_("title"), max_length=250)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("applicability condition")
        verbose_name_plural = _("applicability conditions")
        ordering = ["framework_id", "position", "pk"]
        constraints = [models.UniqueConstraint(fields=["framework", "code"], name="unique_condition_code")]

    def __str__(self) -> str:
        return self.title


class Requirement(models.Model):
    """A node of a framework's tree (criterion → indicator → detail). Only the leaves are assessed."""

    framework = models.ForeignKey(
        Framework, verbose_name=_("framework"), on_delete=models.CASCADE, related_name="requirements"
    )
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    reference = models.CharField(_("reference"), max_length=50)
    title = models.CharField(_("title"), max_length=500, blank=True)
    title_en = models.CharField(_("title in English"), max_length=500, blank=True)
    statement = models.TextField(_("statement"), blank=True)
    guidance = models.TextField(_("guidance"), blank=True)
    tags = models.JSONField(_("applicability tags"), default=list, blank=True)
    categories = models.ManyToManyField(
        ActionCategory, verbose_name=_("action categories"), blank=True, related_name="requirements"
    )
    condition = models.ForeignKey(
        Condition,
        verbose_name=_("condition"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="requirements",
    )
    applies_when = models.TextField(_("applies when"), blank=True)
    nc_grading = models.CharField(_("non-conformity grading"), max_length=20, choices=NcGrading.choices, blank=True)
    new_entrants = models.CharField(_("new entrants"), max_length=20, choices=NewEntrantHandling.choices, blank=True)
    # The tree, kept by the services (qms tree rebuild): preorder position, depth, leaf, top-level criterion.
    position = models.PositiveIntegerField(_("position"), default=0, editable=False)
    depth = models.PositiveSmallIntegerField(_("depth"), default=0, editable=False)
    is_leaf = models.BooleanField(_("leaf"), default=True, editable=False)
    criterion = models.ForeignKey(
        "self",
        verbose_name=_("criterion"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    class Meta:
        verbose_name = _("requirement")
        verbose_name_plural = _("requirements")
        ordering = ["framework_id", "position", "pk"]
        constraints = [models.UniqueConstraint(fields=["framework", "reference"], name="unique_requirement_reference")]
        indexes = [models.Index(fields=["framework", "is_leaf", "position"])]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}".strip()

    @property
    def label(self) -> str:
        """The title, or the English one, or nothing (ISO sub-clauses have only a number)."""
        return self.title or self.title_en

    @property
    def is_major_only(self) -> bool:
        return self.nc_grading == NcGrading.MAJOR_ONLY

    @property
    def is_adapted_for_new_entrants(self) -> bool:
        return self.new_entrants == NewEntrantHandling.ADAPTED


class LiveEvidence(models.Model):
    """Evidence QMS already holds for a requirement: a metric of the registry or a named list another app
    declares (qms.core.evidence), computed for the certification's scope and the last twelve months."""

    requirement = models.ForeignKey(
        Requirement, verbose_name=_("requirement"), on_delete=models.CASCADE, related_name="live_evidence"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=LiveEvidenceKind.choices)
    key = models.CharField(_("key"), max_length=100)
    label = models.CharField(_("label"), max_length=250, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("live evidence")
        verbose_name_plural = _("live evidence")
        ordering = ["requirement_id", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["requirement", "kind", "key"], name="unique_live_evidence"),
        ]

    def __str__(self) -> str:
        return self.label or self.key


class Grade(models.Model):
    """A grade of a framework's scale, with what it calls for: an action plan, and the dates it is due by."""

    framework = models.ForeignKey(
        Framework, verbose_name=_("framework"), on_delete=models.CASCADE, related_name="grades"
    )
    code = models.CharField(_("code"), max_length=20)
    label = models.CharField(_("label"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=GradeKind.choices)
    needs_action = models.BooleanField(_("needs an action plan"), default=False)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    action_plan_days = models.PositiveSmallIntegerField(
        _("action plan due (days after the audit)"),
        null=True,
        blank=True,
        help_text=_("Leave empty when the certifying body sets the date."),
    )
    implementation_months = models.PositiveSmallIntegerField(
        _("implementation due (months after the audit)"), null=True, blank=True
    )
    verification_months = models.PositiveSmallIntegerField(
        _("verification due (months after the implementation)"), null=True, blank=True
    )
    verify_at_next_audit = models.BooleanField(_("verified at the next audit"), default=False)
    regrades_to = models.ForeignKey(
        "self",
        verbose_name=_("regraded to when still open at the next audit"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("grade")
        verbose_name_plural = _("grades")
        ordering = ["framework_id", "position", "pk"]
        constraints = [models.UniqueConstraint(fields=["framework", "code"], name="unique_grade_code")]

    def __str__(self) -> str:
        return self.label

    @property
    def badge(self) -> str:
        return GRADE_BADGES.get(self.kind, "secondary")

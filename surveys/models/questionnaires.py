"""Questionnaire templates: sections and questions, scales, options and tags; versioned, frozen once used."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from surveys.choices import CHOICE_KINDS, SCALED_KINDS, Audience, QuestionKind, TargetKind
from surveys.models.bilingual import in_language

question_code_validator = RegexValidator(
    r"^[A-Z][A-Z0-9_]{1,39}$",
    _("Capital letters, digits and underscores, starting with a letter (for example OVERALL_SAT)."),
)


class QuestionTag(models.Model):
    """A tag that questions carry (“overall satisfaction”, “workload” …), read by metrics and filters."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    label_fr = models.CharField(_("label (French)"), max_length=120)
    label_en = models.CharField(_("label (English)"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("question tag")
        verbose_name_plural = _("question tags")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return in_language(self, "label")


class Scale(models.Model):
    """A response scale (4 or 5 points …) with a label on each point; it says whether it is an agreement scale,
    the only kind whose top-two share is a satisfaction rate."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_fr = models.CharField(_("name (French)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)
    is_agreement = models.BooleanField(
        _("agreement scale"),
        default=True,
        help_text=_("From “strongly disagree” to “strongly agree”: its top two points make the satisfaction rate."),
    )

    class Meta:
        verbose_name = _("scale")
        verbose_name_plural = _("scales")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return in_language(self, "name")


class ScalePoint(models.Model):
    """One point of a scale: its value (1 = lowest) and its label."""

    scale = models.ForeignKey(Scale, verbose_name=_("scale"), on_delete=models.CASCADE, related_name="points")
    value = models.PositiveSmallIntegerField(_("value"))
    label_fr = models.CharField(_("label (French)"), max_length=120)
    label_en = models.CharField(_("label (English)"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("scale point")
        verbose_name_plural = _("scale points")
        ordering = ["scale", "value"]
        constraints = [models.UniqueConstraint(fields=["scale", "value"], name="surveys_unique_scale_point")]

    def __str__(self) -> str:
        return f"{self.value} — {self.label}"

    @property
    def label(self) -> str:
        return in_language(self, "label")


class QuestionnaireTemplate(models.Model):
    """A questionnaire: sections of questions, in French and English. Once a campaign has opened with it, it is
    frozen; editing it then makes a new version, whose questions keep their codes."""

    code = models.SlugField(
        _("code"), max_length=40, help_text=_("The same for every version of the questionnaire (e.g. eee-standard).")
    )
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    previous = models.OneToOneField(
        "self",
        verbose_name=_("previous version"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="next_version",
    )
    title_fr = models.CharField(_("title (French)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    introduction_fr = models.TextField(_("introduction (French)"), blank=True)
    introduction_en = models.TextField(_("introduction (English)"), blank=True)
    audience = models.CharField(_("respondents"), max_length=20, choices=Audience.choices, default=Audience.STUDENTS)
    target_kind = models.CharField(_("evaluates"), max_length=20, choices=TargetKind.choices, default=TargetKind.COURSE)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    frozen_at = models.DateTimeField(
        _("frozen at"), null=True, blank=True, help_text=_("Set when a campaign opens with this version.")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("questionnaire template")
        verbose_name_plural = _("questionnaire templates")
        ordering = ["order", "code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="surveys_unique_template_version"),
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"

    def get_absolute_url(self) -> str:
        return reverse("surveys:template-detail", args=[self.pk])

    @property
    def title(self) -> str:
        return in_language(self, "title")

    @property
    def introduction(self) -> str:
        return in_language(self, "introduction")

    @property
    def is_frozen(self) -> bool:
        return self.frozen_at is not None


class Section(models.Model):
    """A section of a questionnaire (“Teaching methods”, “Assessment” …)."""

    template = models.ForeignKey(
        QuestionnaireTemplate, verbose_name=_("questionnaire"), on_delete=models.CASCADE, related_name="sections"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title_fr = models.CharField(_("title (French)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    description_fr = models.TextField(_("description (French)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["template", "order", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return in_language(self, "title")

    @property
    def description(self) -> str:
        return in_language(self, "description")


class Question(models.Model):
    """A question. Its code stays the same across versions, so that trends and pooled figures follow it."""

    template = models.ForeignKey(
        QuestionnaireTemplate, verbose_name=_("questionnaire"), on_delete=models.CASCADE, related_name="questions"
    )
    section = models.ForeignKey(Section, verbose_name=_("section"), on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    code = models.CharField(_("code"), max_length=40, validators=[question_code_validator])
    kind = models.CharField(_("kind"), max_length=20, choices=QuestionKind.choices)
    text_fr = models.CharField(_("question (French)"), max_length=400)
    text_en = models.CharField(_("question (English)"), max_length=400, blank=True)
    help_fr = models.CharField(_("help (French)"), max_length=400, blank=True)
    help_en = models.CharField(_("help (English)"), max_length=400, blank=True)
    scale = models.ForeignKey(
        Scale,
        verbose_name=_("scale"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="questions",
        help_text=_("For agreement (Likert) questions."),
    )
    allows_not_applicable = models.BooleanField(_("offers “not applicable”"), default=False)
    required = models.BooleanField(_("required"), default=False)
    tags = models.ManyToManyField(QuestionTag, verbose_name=_("tags"), blank=True, related_name="questions")

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["template", "section__order", "section", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["template", "code"], name="surveys_unique_question_code"),
            models.CheckConstraint(
                condition=~Q(kind=QuestionKind.LIKERT) | Q(scale__isnull=False), name="surveys_likert_has_scale"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.text}"

    @property
    def text(self) -> str:
        return in_language(self, "text")

    @property
    def help(self) -> str:
        return in_language(self, "help")

    @property
    def is_scaled(self) -> bool:
        return self.kind in SCALED_KINDS

    @property
    def is_choice(self) -> bool:
        return self.kind in CHOICE_KINDS

    @property
    def is_text(self) -> bool:
        return self.kind == QuestionKind.TEXT

    @property
    def is_agreement(self) -> bool:
        """Whether its top-two share means something: an agreement scale."""
        return self.kind == QuestionKind.LIKERT and self.scale is not None and self.scale.is_agreement


class QuestionOption(models.Model):
    """One option of a single- or multiple-choice question; its value is what an answer stores."""

    question = models.ForeignKey(Question, verbose_name=_("question"), on_delete=models.CASCADE, related_name="options")
    value = models.PositiveSmallIntegerField(_("value"))
    label_fr = models.CharField(_("label (French)"), max_length=200)
    label_en = models.CharField(_("label (English)"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("option")
        verbose_name_plural = _("options")
        ordering = ["question", "value"]
        constraints = [models.UniqueConstraint(fields=["question", "value"], name="surveys_unique_option_value")]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return in_language(self, "label")

"""The surveys' own settings record, edited by the quality manager on the "Paramètres" page."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from qms.core.app_settings import AppSettings
from surveys.choices import CourseResultsVisibility
from surveys.models.bilingual import in_language
from surveys.models.campaigns import MINIMUM_THRESHOLD


class SurveySettings(AppSettings):
    """Course evaluations: the personal-data notice, who sees per-teacher results, retention, k, quality index."""

    privacy_notice_fr = models.TextField(
        _("personal-data notice (French)"),
        blank=True,
        help_text=_("Shown on every answer page (GDPR article 13): who processes the answers, why, for how long."),
    )
    privacy_notice_en = models.TextField(_("personal-data notice (English)"), blank=True)
    course_results_visibility = models.CharField(
        _("who sees a course's results besides its teacher"),
        max_length=20,
        choices=CourseResultsVisibility.choices,
        default=CourseResultsVisibility.QUALITY_OFFICERS,
        help_text=_(
            "Binds everyone, the quality manager and the director included, on every page, PDF and export. "
            "Programme and institution figures stay visible."
        ),
    )
    retention_days_after_publication = models.PositiveSmallIntegerField(
        _("roster kept after publication (days)"),
        default=0,
        help_text=_(
            "The roster and the personal links are deleted this many days after the results are published "
            "(0: at publication). The numbers invited and answered are kept."
        ),
    )
    default_threshold = models.PositiveSmallIntegerField(
        _("default anonymity threshold (k)"), default=5, validators=[MinValueValidator(MINIMUM_THRESHOLD)]
    )
    green_threshold = models.PositiveSmallIntegerField(
        pgettext_lazy("quality index", "green from (share satisfied, in %)"),
        default=75,
        validators=[MaxValueValidator(100)],
    )
    amber_threshold = models.PositiveSmallIntegerField(
        pgettext_lazy("quality index", "amber from (share satisfied, in %)"),
        default=50,
        validators=[MaxValueValidator(100)],
        help_text=_("Below it, the light is red."),
    )

    class Meta(AppSettings.Meta):
        verbose_name = _("survey settings")
        verbose_name_plural = _("survey settings")
        constraints = [
            models.CheckConstraint(condition=Q(pk=1), name="survey_settings_singleton"),
            models.CheckConstraint(
                condition=Q(default_threshold__gte=MINIMUM_THRESHOLD), name="survey_settings_threshold_floor"
            ),
        ]

    def clean(self) -> None:
        both = self.amber_threshold is not None and self.green_threshold is not None
        if both and self.amber_threshold > self.green_threshold:
            raise ValidationError({"amber_threshold": _("The amber threshold cannot be above the green one.")})

    @property
    def privacy_notice(self) -> str:
        return in_language(self, "privacy_notice")

    def privacy_retention(self) -> list[str]:
        return [
            gettext(
                "Course evaluations: the list of students invited and their personal links are deleted %(days)s days "
                "after the results are published; the answers are anonymous from the start."
            )
            % {"days": self.retention_days_after_publication}
        ]

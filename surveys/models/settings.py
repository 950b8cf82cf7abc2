"""The surveys' own settings record, edited by the quality manager on the "Paramètres" page."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.dates import MONTHS
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from qms.core.app_settings import AppSettings
from qms.core.day_counts import DayCountsField
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
    # Lead times of the staff's reminders (surveys/reminders.py).
    campaign_opening_reminder_days = DayCountsField(
        _("reminders before a campaign opens (days)"),
        default=(7, 1),
        help_text=_("To the quality referents of the unit that runs it."),
    )
    campaign_closing_reminder_days = DayCountsField(
        _("reminders before a campaign closes (days)"),
        default=(7, 1),
        help_text=_("With its response rate so far, to the same people."),
    )
    council_expected_day = models.PositiveSmallIntegerField(
        _("councils expected by (day)"), default=30, validators=[MinValueValidator(1), MaxValueValidator(31)]
    )
    council_expected_month = models.PositiveSmallIntegerField(
        _("councils expected by (month)"),
        default=6,
        choices=list(MONTHS.items()),
        help_text=_("Each programme's improvement council should be held by this day of the academic year."),
    )
    council_reminder_days = DayCountsField(
        _("reminders before that date (days)"),
        default=(60, 30),
        help_text=_("To the programme's director and its unit's quality referents, and once the date is passed."),
    )
    minutes_after_days = models.PositiveSmallIntegerField(
        _("minutes published within (days after the council)"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    minutes_reminder_days = DayCountsField(
        _("reminders before the minutes are due (days)"),
        default=(7,),
        help_text=_("To the directors of its programmes, and once the minutes are late."),
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
        errors = {}
        if both and self.amber_threshold > self.green_threshold:
            errors["amber_threshold"] = _("The amber threshold cannot be above the green one.")
        if self.council_expected_month and self.council_expected_day:
            try:
                datetime.date(2001, self.council_expected_month, self.council_expected_day)  # a year with no 29 Feb
            except ValueError:
                errors["council_expected_day"] = _("Choose a day this month has every year.")
        if errors:
            raise ValidationError(errors)

    def council_expected_by(self, start: datetime.date, end: datetime.date) -> datetime.date:
        """The day councils are expected by in the academic year from ``start`` to ``end``: the first
        ``council_expected_day``/``council_expected_month`` on or after its start, or its end when that comes
        first."""
        month, day = self.council_expected_month, self.council_expected_day
        expected = datetime.date(start.year, month, day)
        if expected < start:
            expected = datetime.date(start.year + 1, month, day)
        return min(expected, end)

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

"""Choices of the surveys: question kinds, audiences, target kinds, campaign statuses, visibility."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class QuestionKind(models.TextChoices):
    """How a question is answered. Every answer but free text is stored as one integer, so that one GROUP BY
    gives every figure."""

    LIKERT = "likert", _("Agreement scale (Likert)")
    SINGLE_CHOICE = "single_choice", _("Single choice")
    MULTIPLE_CHOICE = "multiple_choice", _("Multiple choice")
    RATING = "rating", _("Rating from 0 to 10")
    TEXT = "text", _("Free text")


# Kinds whose answer is a point of a scale: they have a mean and a median.
SCALED_KINDS = frozenset({QuestionKind.LIKERT, QuestionKind.RATING})
# Kinds whose answer is one or several options of the question.
CHOICE_KINDS = frozenset({QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE})
# A multiple-choice answer is stored as a bit mask of its options: at most this many options.
MAX_MULTIPLE_OPTIONS = 30
RATING_VALUES = tuple(range(0, 11))


class Audience(models.TextChoices):
    """Who answers a questionnaire (Qualiopi indicator 30 asks for the views of each)."""

    STUDENTS = "students", _("Students (course and programme evaluation)")
    GRADUATES = "graduates", _("Graduates (follow-up)")
    EMPLOYERS = "employers", _("Employers and internship hosts")
    TRAINEES_END = "trainees_end", _("Continuing-education trainees, end of course")
    TRAINEES_LATER = "trainees_later", _("Continuing-education trainees, months later")
    TEACHING_TEAMS = "teaching_teams", _("Teaching teams")
    FUNDERS = "funders", _("Funders")


class TargetKind(models.TextChoices):
    """What a campaign evaluates: courses, whole programmes or org units."""

    COURSE = "course", _("Course")
    PROGRAMME = "programme", _("Programme")
    ORG_UNIT = "org_unit", _("Organisational unit")


class CampaignStatus(models.TextChoices):
    """draft → open → closed → published (see surveys/workflows.py)."""

    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")
    PUBLISHED = "published", _("Published")


CAMPAIGN_STATUS_BADGES = {
    CampaignStatus.DRAFT: "secondary",
    CampaignStatus.OPEN: "primary",
    CampaignStatus.CLOSED: "warning",
    CampaignStatus.PUBLISHED: "success",
}


class CourseResultsVisibility(models.TextChoices):
    """Who, besides the teacher, sees a course's (per-teacher) results. It binds everyone, the quality manager and
    the director included, on every page, PDF and export; programme and institution figures stay visible."""

    TEACHER_ONLY = "teacher", _("The teacher only")
    PROGRAMME_DIRECTOR = "director", _("The teacher and the programme director")
    QUALITY_OFFICERS = "quality", _("The teacher, the programme director and the quality officers in scope")


class TrafficLight(models.TextChoices):
    """The quality index of a course: its overall-satisfaction top-2 share against the settings' thresholds."""

    GREEN = "green", _("Green")
    AMBER = "amber", _("Amber")
    RED = "red", _("Red")
    GREY = "grey", _("Not enough answers")


# The tag that marks the overall-satisfaction items (the metric and the quality index read it).
OVERALL_SATISFACTION_TAG = "overall_satisfaction"

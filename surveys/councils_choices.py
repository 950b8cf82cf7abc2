"""Choices of the improvement councils (conseils de perfectionnement): their status and their members' roles."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CouncilStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")
    MINUTES_PUBLISHED = "minutes_published", _("Minutes published")


COUNCIL_STATUS_BADGES = {
    CouncilStatus.PLANNED: "secondary",
    CouncilStatus.HELD: "primary",
    CouncilStatus.MINUTES_PUBLISHED: "success",
}


class CouncilMemberRole(models.TextChoices):
    TEACHER = "teacher", _("Teacher")
    STUDENT = "student", _("Student")
    PROFESSIONAL = "professional", _("Professional from outside")
    ALUMNUS = "alumnus", _("Alumnus")

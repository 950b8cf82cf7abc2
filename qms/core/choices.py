from django.db import models
from django.utils.translation import gettext_lazy as _


class OrgUnitKind(models.TextChoices):
    INSTITUTION = "institution", _("Institution")
    FACULTY = "faculty", _("Faculty")
    UFR = "ufr", _("UFR")
    SCHOOL = "school", _("School")
    INSTITUTE = "institute", _("Institute")
    DEPARTMENT = "department", _("Department")
    SERVICE = "service", _("Service")
    LIBRARY = "library", _("Library")


class ProgrammeLevel(models.TextChoices):
    LICENCE = "licence", _("Licence")
    LICENCE_PRO = "licence_pro", _("Professional licence")
    BUT = "but", _("BUT")
    MASTER = "master", _("Master")
    ENGINEERING = "engineering", _("Engineering degree")
    DOCTORATE = "doctorate", _("Doctorate")
    DU = "du", _("University diploma (DU)")
    BACHELIER = "bachelier", _("Bachelier (Belgium)")
    MASTER_BE = "master_be", _("Master (Belgium)")


class StudyMode(models.TextChoices):
    INITIAL = "initial", _("Initial education")
    CONTINUING = "continuing", _("Continuing education")
    APPRENTICESHIP = "apprenticeship", _("Apprenticeship")
    VAE = "vae", _("Accreditation of prior experience (VAE)")


class Semester(models.TextChoices):
    S1 = "S1", "S1"
    S2 = "S2", "S2"
    S3 = "S3", "S3"
    S4 = "S4", "S4"
    S5 = "S5", "S5"
    S6 = "S6", "S6"
    S7 = "S7", "S7"
    S8 = "S8", "S8"
    S9 = "S9", "S9"
    S10 = "S10", "S10"
    YEAR = "year", _("Whole year")


class MembershipRole(models.TextChoices):
    """What a person is in a unit. The role decides the scope, the group decides what may be done there."""

    MEMBER = "member", _("Member")
    QUALITY_REFERENT = "quality_referent", _("Quality referent")
    HEAD = "head", _("Head of unit")
    PROCESS_OWNER = "process_owner", _("Process owner")
    DIRECTOR = "director", _("Director")
    AUDITOR = "auditor", _("Auditor")


class Role(models.TextChoices):
    """The roles of the house, each a Django group (see qms/core/roles.py)."""

    QUALITY_MANAGER = "quality_manager", _("Quality manager")
    QUALITY_REFERENT = "quality_referent", _("Quality referent")
    PROCESS_OWNER = "process_owner", _("Process owner")
    DIRECTOR = "director", _("Director")
    TEACHER = "teacher", _("Teacher")
    AUDITOR = "auditor", _("Auditor")
    STAFF = "staff", _("Staff")
    SENSITIVE_CASES = "sensitive_cases", _("Sensitive cases team")


class Actor(models.TextChoices):
    """Named actors that are not users, for status changes and the activity log."""

    USER = "user", _("User")
    SYSTEM = "system", _("System")
    REQUESTER = "requester", _("Requester")


class HolidayCountry(models.TextChoices):
    """Countries whose public holidays the working-day calendar knows (the ``holidays`` package)."""

    FRANCE = "FR", _("France")
    BELGIUM = "BE", _("Belgium")


class AccessibilityCompliance(models.TextChoices):
    """The compliance level that the accessibility statement declares (RGAA in France)."""

    FULL = "full", _("Fully compliant")
    PARTIAL = "partial", _("Partially compliant")
    NONE = "none", _("Not compliant")


# The regions whose public holidays differ from the country's, per country. France: Alsace and Moselle add
# Good Friday and 26 December (local law of Alsace-Moselle), the overseas departments add their own days.
# Belgium: a community's day (27 September for the Wallonia-Brussels Federation …) closes its institutions.
HOLIDAY_SUBDIVISIONS: dict[str, list[tuple[str, str]]] = {
    HolidayCountry.FRANCE: [
        ("6AE", _("Alsace (Bas-Rhin, Haut-Rhin)")),
        ("57", _("Moselle")),
        ("971", _("Guadeloupe")),
        ("972", _("Martinique")),
        ("973", _("French Guiana")),
        ("974", _("La Réunion")),
        ("976", _("Mayotte")),
    ],
    HolidayCountry.BELGIUM: [
        ("French", _("French Community (Wallonia-Brussels Federation)")),
        ("Flemish", _("Flemish Community")),
        ("German", _("German-speaking Community")),
    ],
}
# Other spellings accepted from the environment and older settings ("67" and "68" are the Alsatian departments).
HOLIDAY_SUBDIVISION_ALIASES: dict[str, str] = {
    "67": "6AE",
    "68": "6AE",
    "alsace": "6AE",
    "alsace-moselle": "6AE",
    "moselle": "57",
    "fr": "French",
    "wallonia-brussels": "French",
    "fwb": "French",
    "nl": "Flemish",
    "vl": "Flemish",
    "de": "German",
    "dg": "German",
}


class ReportState(models.TextChoices):
    """Where a report built in the background stands (qms.core.reports)."""

    QUEUED = "queued", _("Waiting to be built")
    BUILDING = "building", _("Being built")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


REPORT_STATE_BADGES = {
    ReportState.QUEUED: "secondary",
    ReportState.BUILDING: "primary",
    ReportState.READY: "success",
    ReportState.FAILED: "danger",
}
# A report in one of these states is on its way: asking again returns it instead of queuing another.
REPORT_IN_FLIGHT = (ReportState.QUEUED, ReportState.BUILDING)

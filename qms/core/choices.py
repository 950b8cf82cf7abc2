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

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProcessType(models.TextChoices):
    MANAGEMENT = "management", _("Management process")
    OPERATIONAL = "operational", _("Operational process")
    SUPPORT = "support", _("Support process")

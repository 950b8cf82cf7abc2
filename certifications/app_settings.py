"""The certifications' section of the "Paramètres" page (collected by ``qms.core.app_settings``)."""

from django.utils.translation import gettext_lazy as _

from certifications.forms import CertificationSettingsForm
from certifications.models import CertificationSettings
from qms.core.app_settings import SettingsSection

SECTIONS = [
    SettingsSection(
        key="certifications",
        label=_("Certifications: evidence, archive, auditors' access and reminders"),
        model=CertificationSettings,
        form_class=CertificationSettingsForm,
        permission="certifications.change_certificationsettings",
        order=50,
    ),
]

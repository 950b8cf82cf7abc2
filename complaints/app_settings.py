"""The helpdesk's section of the "Paramètres" page (collected by ``qms.core.app_settings.declared_sections``)."""

from django.utils.translation import gettext_lazy as _

from complaints.forms import HelpdeskSettingsForm
from complaints.models import HelpdeskSettings
from qms.core.app_settings import SettingsSection

SECTIONS = [
    SettingsSection(
        key="helpdesk",
        label=_("Requests: deadlines and retention"),
        model=HelpdeskSettings,
        form_class=HelpdeskSettingsForm,
        permission="complaints.change_helpdesksettings",
        order=30,
    ),
]

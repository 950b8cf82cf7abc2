"""The process map's section of the "Paramètres" page: its criticality bands and review rhythm."""

from django.utils.translation import gettext_lazy as _

from processes.forms import ProcessMapSettingsForm
from processes.models import ProcessMapSettings
from qms.core.app_settings import SettingsSection

SECTIONS = [
    SettingsSection(
        key="processes",
        label=_("Process map"),
        model=ProcessMapSettings,
        form_class=ProcessMapSettingsForm,
        permission="processes.change_processmapsettings",
        order=20,
    ),
]

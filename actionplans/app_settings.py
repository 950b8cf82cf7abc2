"""The action plans' section of the "Paramètres" page (collected by ``qms.core.app_settings.declared_sections``)."""

from django.utils.translation import gettext_lazy as _

from actionplans.forms import ActionPlanSettingsForm
from actionplans.models import ActionPlanSettings
from qms.core.app_settings import SettingsSection

SECTIONS = [
    SettingsSection(
        key="actionplans",
        label=_("Action plans: reminders"),
        model=ActionPlanSettings,
        form_class=ActionPlanSettingsForm,
        permission="actionplans.change_actionplansettings",
        order=10,
    ),
]

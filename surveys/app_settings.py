"""The surveys' section of the "Paramètres" page (collected by ``qms.core.app_settings.declared_sections``)."""

from django.utils.translation import gettext_lazy as _

from qms.core.app_settings import SettingsSection
from surveys.forms import SurveySettingsForm
from surveys.models import SurveySettings

SECTIONS = [
    SettingsSection(
        key="surveys",
        label=_("Course evaluations"),
        model=SurveySettings,
        form_class=SurveySettingsForm,
        permission="surveys.change_surveysettings",
        order=40,
    ),
]

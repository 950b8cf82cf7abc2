"""The certifications' section of the "Paramètres" page (collected by ``qms.core.app_settings``)."""

from crispy_forms.layout import Div, Layout
from django.utils.translation import gettext_lazy as _

from certifications.forms import CertificationSettingsForm
from certifications.models import CertificationSettings
from qms.core.app_settings import SettingsSection

REMINDER_FIELDS = ["expiry_reminder_days", "audit_reminder_days", "finding_reminder_days"]


class CertificationSectionForm(CertificationSettingsForm):
    """The section's form: the evidence, archive and auditors' settings, then the lead times of the reminders.

    (Kept here while ``certifications/forms.py`` is being reworked elsewhere; it may join ``CertificationSettingsForm``
    there.)
    """

    class Meta(CertificationSettingsForm.Meta):
        fields = [*CertificationSettingsForm.Meta.fields, *REMINDER_FIELDS]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        settings_fields = [name for name in self.Meta.fields if name not in REMINDER_FIELDS]
        self.helper.layout = Layout(
            Div(*(Div(name, css_class="col-md-4") for name in settings_fields), css_class="row"),
            Div(*(Div(name, css_class="col-md-4") for name in REMINDER_FIELDS), css_class="row"),
        )


SECTIONS = [
    SettingsSection(
        key="certifications",
        label=_("Certifications: evidence, archive, auditors' access and reminders"),
        model=CertificationSettings,
        form_class=CertificationSectionForm,
        permission="certifications.change_certificationsettings",
        order=50,
    ),
]

"""Back-office forms of qms.core: the site settings and the closure days."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Fieldset, Layout, Submit
from django import forms
from django.conf import settings
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from qms.core.files import size_label
from qms.core.models import ClosureDay, SiteSettings
from qms.core.widgets import DateInput

LOGO_MAX_BYTES = 1_048_576
LOGO_CONTENT_TYPES = {"PNG", "JPEG", "WEBP"}


class SiteSettingsForm(forms.ModelForm):
    """The quality manager's form for the site settings; an empty field falls back to the server's setting."""

    site_url = forms.URLField(
        label=_("public site address"),
        required=False,
        assume_scheme="https",
        max_length=200,
        help_text=_("Used in links of emails built in the background, e.g. https://qualite.example.edu."),
    )

    class Meta:
        model = SiteSettings
        fields = [
            "institution_name",
            "logo",
            "address",
            "site_url",
            "quality_office_email",
            "legal_notice",
            "dpo_name",
            "dpo_email",
            "dpo_address",
            "accessibility_compliance",
            "accessibility_audit_rate",
            "accessibility_audit_date",
            "accessibility_contact_email",
            "holidays_country",
            "holidays_subdivision",
        ]
        widgets = {
            "address": forms.Textarea(attrs={"rows": 3}),
            "legal_notice": forms.Textarea(attrs={"rows": 4}),
            "dpo_address": forms.Textarea(attrs={"rows": 3}),
            "accessibility_audit_date": DateInput(),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Show what an empty field falls back to.
        fallbacks = {
            "institution_name": settings.INSTITUTION_NAME,
            "site_url": settings.SITE_URL,
            "quality_office_email": settings.QUALITY_OFFICE_EMAIL,
            "dpo_email": settings.DPO_EMAIL,
        }
        for name, value in fallbacks.items():
            self.fields[name].widget.attrs["placeholder"] = value
            field = self.fields[name]
            leave_empty = _("Leave empty to use the server's setting.")
            field.help_text = format_lazy("{} {}", field.help_text, leave_empty) if field.help_text else leave_empty
        country_field = self.fields["holidays_country"]
        country_field.choices = [("", _("Server's setting (%(code)s)") % {"code": settings.HOLIDAYS_COUNTRY})] + [
            choice for choice in country_field.choices if choice[0]
        ]
        # The settings page wraps each section's form in its own <form> with its save button.
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset(
                _("Institution"),
                "institution_name",
                "logo",
                "address",
                "site_url",
                "quality_office_email",
                "legal_notice",
            ),
            Fieldset(_("Data protection"), "dpo_name", "dpo_email", "dpo_address"),
            Fieldset(
                _("Accessibility statement"),
                "accessibility_compliance",
                Div(
                    Div("accessibility_audit_rate", css_class="col-md-6"),
                    Div("accessibility_audit_date", css_class="col-md-6"),
                    css_class="row",
                ),
                "accessibility_contact_email",
            ),
            Fieldset(
                _("Working days"),
                Div(
                    Div("holidays_country", css_class="col-md-6"),
                    Div("holidays_subdivision", css_class="col-md-6"),
                    css_class="row",
                ),
            ),
        )

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        if not logo or logo is False or not hasattr(logo, "image"):
            # Unchanged (the stored file), cleared (False) or empty.
            return logo
        if logo.size > LOGO_MAX_BYTES:
            raise forms.ValidationError(
                _("The logo must not exceed %(limit)s."), params={"limit": size_label(LOGO_MAX_BYTES)}
            )
        if getattr(logo.image, "format", None) not in LOGO_CONTENT_TYPES:
            raise forms.ValidationError(_("The logo must be a PNG, JPEG or WebP image."))
        return logo


class ClosureDayForm(forms.ModelForm):
    """A closure of the institution: one day, or a range of days."""

    class Meta:
        model = ClosureDay
        fields = ["label", "start_date", "end_date"]
        widgets = {"start_date": DateInput(), "end_date": DateInput()}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["end_date"].required = False
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(
            "label",
            Div(
                Div("start_date", css_class="col-md-6"),
                Div("end_date", css_class="col-md-6"),
                css_class="row",
            ),
            Submit("save", _("Save")),
        )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and not end:
            cleaned["end_date"] = start
            self.instance.end_date = start
        elif start and end and end < start:
            self.add_error("end_date", _("The last day cannot come before the first day."))
        return cleaned

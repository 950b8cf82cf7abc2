"""The outbox's forms: the password reset (its email goes through the outbox like every other), and the
profile (language and reminder preference)."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from django import forms
from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from qms.core.models import SiteSettings
from qms.core.text import SafeTextMixin
from qms.notifications.choices import DigestMode
from qms.notifications.models import ReminderWording
from qms.notifications.reminders import ReminderKind
from qms.notifications.services import notify
from qms.notifications.wording import unknown_placeholders


class OutboxPasswordResetForm(PasswordResetForm):
    """Django's password reset, but the email is written to the outbox: sent after commit, retried, in the
    user's language, and its body (a secret link) wiped once sent."""

    def send_mail(
        self, subject_template_name, email_template_name, context, from_email, to_email, html_email_template_name=None
    ):
        user = context["user"]
        path = reverse("password_reset_confirm", kwargs={"uidb64": context["uid"], "token": context["token"]})
        notify(
            user,
            "password-reset",
            user,
            urgent=True,
            secret=True,
            context={"reset_url": SiteSettings.get().absolute_url(path)},
        )


class ProfileForm(forms.Form):
    """A person's language and how they receive reminders."""

    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    mode = forms.ChoiceField(label=_("Reminders"), choices=DigestMode.choices, widget=forms.RadioSelect)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


class ReminderWordingForm(SafeTextMixin, forms.ModelForm):
    """The quality manager's subject and body of one kind of reminder in one language: plain text with the
    kind's ``{placeholders}``, and nothing else that means anything."""

    class Meta:
        model = ReminderWording
        fields = ["subject", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 10})}
        labels = {"subject": _("Subject"), "body": _("Body")}

    def __init__(self, *args, kind: ReminderKind, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        names = " ".join(f"{{{name}}}" for name in kind.allowed_placeholders)
        self.fields["subject"].help_text = _("Empty: the default subject.")
        self.fields["body"].help_text = _("Empty: the default body. Plain text; links are made clickable.")
        self.placeholders = names
        self.helper = FormHelper()
        self.helper.form_tag = False

    def _clean_text(self, name: str) -> str:
        text = (self.cleaned_data.get(name) or "").strip()
        unknown = unknown_placeholders(text, self.kind.allowed_placeholders)
        if unknown:
            raise forms.ValidationError(
                ngettext(
                    "Unknown placeholder %(names)s. This kind of reminder has only: %(allowed)s.",
                    "Unknown placeholders %(names)s. This kind of reminder has only: %(allowed)s.",
                    len(unknown),
                )
                % {"names": ", ".join(f"{{{name}}}" for name in unknown), "allowed": self.placeholders}
            )
        return text

    def clean_subject(self) -> str:
        return self._clean_text("subject")

    def clean_body(self) -> str:
        return self._clean_text("body")

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not cleaned.get("subject") and not cleaned.get("body"):
            raise forms.ValidationError(
                _("Write a subject, a body or both; to go back to the default wording, revert it.")
            )
        return cleaned

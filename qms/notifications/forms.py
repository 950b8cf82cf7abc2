"""The outbox's forms: the password reset (its email goes through the outbox like every other), and the
profile (language and reminder preference)."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from django import forms
from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from qms.core.models import SiteSettings
from qms.notifications.choices import DigestMode
from qms.notifications.services import notify


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

"""Forms whose only job is to send an email, which goes through the outbox like every other."""

from __future__ import annotations

from django.contrib.auth.forms import PasswordResetForm
from django.urls import reverse

from qms.core.models import SiteSettings
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

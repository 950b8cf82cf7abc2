from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.utils.decorators import method_decorator
from django_ratelimit.decorators import ratelimit

from qms.notifications.forms import OutboxPasswordResetForm


@method_decorator(login_not_required, name="dispatch")
@method_decorator(ratelimit(key="ip", rate="5/h", method="POST", block=True), name="post")
class PasswordResetView(auth_views.PasswordResetView):
    """Password reset through the outbox, rate-limited by client address."""

    form_class = OutboxPasswordResetForm

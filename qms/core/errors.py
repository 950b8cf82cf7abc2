"""Translated error pages. They are public: an anonymous visitor may hit any of them."""

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from django.views import defaults

from qms.core.public import refillable_view


@login_not_required
def page_not_found(request, exception):
    return defaults.page_not_found(request, exception, template_name="404.html")


@login_not_required
def permission_denied(request, exception):
    return defaults.permission_denied(request, exception, template_name="403.html")


@login_not_required
def server_error(request):
    return defaults.server_error(request, template_name="500.html")


def csrf_failure(request, reason=""):
    """A form refused by the CSRF check (``CSRF_FAILURE_VIEW``): a stale page, cookies cleared or blocked.

    A public form gives itself back, filled with what was typed (files excepted) and a fresh token, ready to send
    again (``qms.core.public.RefillAfterCsrfFailure``). Any other page says what happened and what to do, in the
    site layout; Django's reason stays in the log (django.security.csrf), never on the page."""
    view = refillable_view(request)
    if view is not None:
        return view.refill_after_csrf_failure(request)
    return render(request, "403_csrf.html", {"retry_url": request.path}, status=403)

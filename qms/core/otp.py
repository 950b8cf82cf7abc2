"""Where two-factor authentication is enforced: the Django admin, and quality managers when the institution asks.

Two-factor authentication (TOTP, django-two-factor-auth) is offered to every signed-in user from their account
menu. A session is "verified" once a second factor was given in it (django_otp's ``user.is_verified()``).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from two_factor.admin import AdminSiteOTPRequired
from two_factor.utils import default_device

from qms.core.selectors import is_quality_manager

# Pages an unverified quality manager may still open: setting up or giving the second factor, leaving, and
# choosing a language. Public pages (marked ``login_not_required``) are always open.
OPEN_URL_NAMESPACES = frozenset({"two_factor"})
OPEN_URL_NAMES = frozenset({"logout", "set_language", "javascript-catalog", "healthz"})

SETUP_REQUIRED_MESSAGE = _(
    "Your role requires two-factor authentication. Set it up now to continue: it takes a minute with an "
    "authenticator app."
)
VERIFY_REQUIRED_MESSAGE = _("Your role requires two-factor authentication. Sign in again with your second factor.")


def second_factor_redirect(request: HttpRequest, next_url: str) -> HttpResponseRedirect:
    """Send a signed-in but unverified user to what completes their second factor, then back to ``next_url``.

    A user with no device goes to the set-up wizard; a user who has one signs in again and gives it.
    """
    if default_device(request.user):
        return redirect_to_login(next_url, reverse("two_factor:login"))
    query = QueryDict(mutable=True)
    query[REDIRECT_FIELD_NAME] = next_url
    return HttpResponseRedirect(f"{reverse('two_factor:setup')}?{query.urlencode(safe='/')}")


class OTPAdminSite(AdminSiteOTPRequired):
    """The Django admin, open only to staff whose session is verified with a second factor.

    two_factor's own site sends every refused visitor to the login page; a signed-in staff member without a
    device is sent to the set-up wizard instead, so that they are not asked for their password again.
    """

    # Public like Django's own admin login (two_factor's override loses the marker, and LoginRequiredMiddleware
    # would then bounce the visitor through the login page twice).
    @method_decorator(never_cache)
    @login_not_required
    def login(self, request: HttpRequest, extra_context=None) -> HttpResponse:
        redirect_to = request.POST.get(REDIRECT_FIELD_NAME, request.GET.get(REDIRECT_FIELD_NAME))
        if not redirect_to or not url_has_allowed_host_and_scheme(url=redirect_to, allowed_hosts={request.get_host()}):
            redirect_to = resolve_url("admin:index")
        user = request.user
        if user.is_authenticated and user.is_active and user.is_staff and not user.is_verified():
            return second_factor_redirect(request, redirect_to)
        return redirect_to_login(redirect_to)


class QualityManagerOTPMiddleware:
    """With ``TWO_FACTOR_REQUIRED_FOR_QUALITY_MANAGERS``, a quality manager whose session is not verified is sent
    to set up (or give) their second factor before any back-office page.

    It sits after django_otp's OTPMiddleware (which tells whether the session is verified) and the messages
    middleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> HttpResponse | None:
        if not settings.TWO_FACTOR_REQUIRED_FOR_QUALITY_MANAGERS:
            return None
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if not getattr(view_func, "login_required", True):
            return None  # a public page
        match = request.resolver_match
        if match is not None and (
            OPEN_URL_NAMESPACES.intersection(match.namespaces) or match.url_name in OPEN_URL_NAMES
        ):
            return None
        if not is_quality_manager(user) or user.is_verified():
            return None
        has_device = default_device(user) is not None
        messages.warning(request, VERIFY_REQUIRED_MESSAGE if has_device else SETUP_REQUIRED_MESSAGE)
        return second_factor_redirect(request, request.get_full_path())

"""The public page: the institution's current certifications and labels, read-only, with no login."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import cache_control

from certifications.selectors import public_certifications


@login_not_required
@cache_control(public=True, max_age=300)
def public_list(request: HttpRequest) -> HttpResponse:
    """Current certifications with their scope, body, level and validity; for Qualiopi, the certified action
    categories, as the mark's rules require."""
    return render(
        request,
        "certifications/public_list.html",
        {"certifications": public_certifications(), "today": timezone.localdate()},
    )

"""The ceiling of the load benchmark: the least a Django form submission can cost on this machine.

A bare view behind the same middleware (CSRF included) and the same gunicorn as the app: GET a page holding a form
with its CSRF token, POST it to insert one row, answer 303. The public complaint form is measured against it.
Served only under ``benchmarks.settings`` (``benchmarks/urls.py``), never by the production URLconf."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template import engines
from django.views.decorators.cache import never_cache

from benchmarks.models import CeilingRow

PAGE = engines["django"].from_string(
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Ceiling</title></head><body>'
    '<form method="post" data-form="ceiling">{% csrf_token %}<input name="text" required><button>Send</button></form>'
    "</body></html>"
)


class HttpResponseSeeOther(HttpResponseRedirect):
    status_code = 303


@login_not_required
@never_cache
def ceiling(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        text = request.POST.get("text", "").strip()[:200]
        if not text:
            return HttpResponse("text is required", status=400, content_type="text/plain")
        CeilingRow.objects.create(text=text)
        return HttpResponseSeeOther(request.path)
    return HttpResponse(PAGE.render({}, request))

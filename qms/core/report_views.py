"""The pages of a stored report (qms.core.reports): its progress, its download, asking for it again.

A report whose object the user may not see is not found (404), as the object itself would be."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.functional import cached_property
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView

from qms.core import reports
from qms.core.files import private_file_response
from qms.core.models import StoredReport

# Seconds between two looks at a report on its way (the page's own refresh, and the script's).
REFRESH_SECONDS = 2


class ReportMixin:
    """A view of one stored report that its user may see (404 otherwise)."""

    request: HttpRequest
    kwargs: dict

    @cached_property
    def report(self) -> StoredReport:
        report = get_object_or_404(
            StoredReport.objects.select_related("content_type", "requested_by"), pk=self.kwargs["pk"]
        )
        if not reports.can_view(self.request.user, report):
            raise Http404
        return report


def report_state(report: StoredReport) -> dict:
    """What the progress page and its script show of a report."""
    stale = reports.is_stale(report)
    return {
        "state": report.state,
        "label": str(report.get_state_display()),
        "message": str(reports.STATE_MESSAGES[report.state]),
        "in_flight": report.in_flight and not stale,
        "stale": stale,
        "badge": report.state_badge,
        "error": report.error if report.is_failed else "",
        "download_url": reverse("core:report-download", args=[report.pk]) if report.is_ready else None,
    }


@method_decorator(never_cache, name="dispatch")
class ReportView(ReportMixin, TemplateView):
    """The progress of a report: it refreshes itself while the report is on its way (a script asks for its state;
    without scripts the page reloads), then offers the file and the earlier versions."""

    template_name = "core/report.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        report = self.report
        versions = list(reports.versions_of(report).select_related("requested_by"))
        context.update(
            report=report,
            status=report_state(report),
            kind_label=reports.label_of(report.kind),
            target=report.target,
            versions=versions,
            refresh_seconds=REFRESH_SECONDS,
        )
        return context


@method_decorator(never_cache, name="dispatch")
class ReportStateView(ReportMixin, View):
    """The state of a report as JSON, for the progress page's script."""

    http_method_names = ["get"]

    def get(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        return JsonResponse(report_state(self.report))


class ReportDownloadView(ReportMixin, View):
    """The file of a ready report: always a download, never cached, never shown inline."""

    http_method_names = ["get"]

    def get(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        report = self.report
        if not report.is_ready or not report.file:
            raise Http404
        # The files kit's private download (attachment, no sniffing, sandboxed), kept out of every cache and of
        # search engines, and sent with no referrer.
        response = private_file_response(report.file, filename=report.filename, content_type=report.mime_type)
        response["Cache-Control"] = "private, no-store"
        response["Referrer-Policy"] = "no-referrer"
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response


class ReportRetryView(ReportMixin, View):
    """Ask again for the report a page shows (after a failure, or for a fresh version)."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        report = self.report
        try:
            fresh = reports.request_report(kind=report.kind, obj=report.target, by=request.user)
        except reports.ReportError as error:
            messages.error(request, error.message)
            return HttpResponseRedirect(report.get_absolute_url())
        return HttpResponseRedirect(fresh.get_absolute_url())

"""A plan as a spreadsheet (the format the import reads) and as a PDF built in the background."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.utils.http import content_disposition_header
from django.views.generic import View

from actionplans import exports
from actionplans.reports import PLAN_PDF
from actionplans.views.base import PlanMixin
from qms.core.reports import ReportError, latest_ready, request_report


class PlanExportView(PlanMixin, View):
    """The plan as XLSX or CSV, in the format the import reads."""

    def get(self, request, *args, **kwargs):
        fmt = self.kwargs["fmt"]
        if fmt == "xlsx":
            content, content_type = exports.export_xlsx(self.plan), exports.XLSX_CONTENT_TYPE
        else:
            content, content_type = exports.export_csv(self.plan), exports.CSV_CONTENT_TYPE
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = content_disposition_header(True, exports.export_filename(self.plan, fmt))
        return response


class PlanPdfView(PlanMixin, View):
    """Ask for the AEQES-style synthetic table of the plan as a PDF: it is built in the background, and the
    progress page (core:report) offers it once ready."""

    def get(self, request, *args, **kwargs):
        # An old bookmark of the PDF: the last one built, if any, else the plan. A GET never builds anything.
        last = latest_ready(PLAN_PDF, self.plan)
        return HttpResponseRedirect(last.get_absolute_url() if last else self.plan.get_absolute_url())

    def post(self, request, *args, **kwargs):
        try:
            report = request_report(kind=PLAN_PDF, obj=self.plan, by=request.user)
        except ReportError as error:
            messages.error(request, error.message)
            return HttpResponseRedirect(self.plan.get_absolute_url())
        return HttpResponseRedirect(report.get_absolute_url())

"""The evidence archive for the certifier: asked here, built in the background (``certifications/reports.py``)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.views.generic import View

from certifications import exports
from certifications.reports import EVIDENCE_ARCHIVE
from certifications.selectors import can_assess
from certifications.views.base import CertificationMixin
from qms.core.reports import ReportError, latest_ready, request_report


class EvidenceArchiveView(CertificationMixin, View):
    """Ask for the ZIP (an index of the matrix and, in a folder per criterion, the referenced files): a worker
    builds it after commit and the report's page offers it once ready. Past the size the settings allow, a clear
    message at once instead."""

    http_method_names = ["get", "post"]

    def test_func(self) -> bool:
        if self.request.method == "POST":
            return can_assess(self.request.user, self.certification)
        return self.certification is not None

    def matrix_url(self) -> str:
        return reverse("certifications:matrix", args=[self.certification.pk])

    def get(self, request, *args, **kwargs):
        # A GET never builds anything: the last archive built, if any, else the matrix.
        last = latest_ready(EVIDENCE_ARCHIVE, self.certification)
        return HttpResponseRedirect(last.get_absolute_url() if last else self.matrix_url())

    def post(self, request, *args, **kwargs):
        try:
            exports.check_archive_size(self.certification)
            report = request_report(kind=EVIDENCE_ARCHIVE, obj=self.certification, by=request.user)
        except (exports.EvidenceArchiveTooLarge, ReportError) as error:
            messages.error(request, error.message)
            return HttpResponseRedirect(self.matrix_url())
        return HttpResponseRedirect(report.get_absolute_url())

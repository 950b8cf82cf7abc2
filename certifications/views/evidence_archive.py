"""The evidence archive for the certifier."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.generic import View

from certifications import exports
from certifications.selectors import can_assess
from certifications.views.base import CertificationMixin


class EvidenceArchiveView(CertificationMixin, View):
    """The ZIP: an index of the matrix and, in a folder per criterion, the referenced files. Past the size the
    settings allow, a clear message instead."""

    def test_func(self) -> bool:
        return can_assess(self.request.user, self.certification)

    def get(self, request, *args, **kwargs):
        try:
            content = exports.evidence_archive(self.certification)
        except exports.EvidenceArchiveTooLarge as error:
            messages.error(request, str(error))
            return HttpResponseRedirect(reverse("certifications:matrix", args=[self.certification.pk]))
        response = HttpResponse(content, content_type=exports.ZIP_CONTENT_TYPE)
        response["Content-Disposition"] = content_disposition_header(
            True, exports.filename(self.certification, "zip", kind="preuves")
        )
        return response

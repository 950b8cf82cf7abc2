"""What the certifications' pages share: object lookups narrowed to the viewer, and the private download."""

from __future__ import annotations

import mimetypes
import os

from django.contrib.auth.mixins import UserPassesTestMixin
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.utils.functional import cached_property

from certifications.models import Audit, Certification, Finding
from certifications.selectors import audits_visible_to, certification_detail, findings_visible_to
from qms.core.files import private_file_response


def private_download(field_file, filename: str = "") -> FileResponse:
    """A private file as a download, never shown inline (``qms.core.files``)."""
    if not field_file:
        raise Http404
    name = os.path.basename(filename or field_file.name)
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return private_file_response(field_file, filename=name, content_type=content_type)


class CertificationMixin(UserPassesTestMixin):
    """A page of one certification, found among those the user sees (404 otherwise); ``test_func`` says what
    more the page needs (403 otherwise)."""

    raise_exception = True
    certification_kwarg = "pk"

    @cached_property
    def certification(self) -> Certification:
        try:
            return certification_detail(self.request.user, self.kwargs[self.certification_kwarg])
        except Certification.DoesNotExist:
            raise Http404 from None

    def test_func(self) -> bool:
        return self.certification is not None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["certification"] = self.certification
        return context


class AuditMixin(UserPassesTestMixin):
    """A page of one audit the user sees (404 otherwise)."""

    raise_exception = True
    audit_kwarg = "pk"

    @cached_property
    def audit(self) -> Audit:
        return get_object_or_404(
            audits_visible_to(self.request.user).select_related("programme", "certification__holder"),
            pk=self.kwargs[self.audit_kwarg],
        )

    def test_func(self) -> bool:
        return self.audit is not None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["audit"] = self.audit
        return context


class FindingMixin(UserPassesTestMixin):
    """A page of one finding the user sees (404 otherwise)."""

    raise_exception = True

    @cached_property
    def finding(self) -> Finding:
        return get_object_or_404(
            findings_visible_to(self.request.user).select_related(
                "original_grade",
                "regraded_at_audit",
                "audit__framework",
                "audit__programme",
                "audit__certification__holder",
            ),
            pk=self.kwargs["pk"],
        )

    def test_func(self) -> bool:
        return self.finding is not None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["finding"] = self.finding
        context["audit"] = self.finding.audit
        return context

"""Imports: upload a spreadsheet, see what it would change line by line, confirm (all or nothing)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import UserPassesTestMixin
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView

from certifications import imports, services
from certifications.choices import ImportKind
from certifications.forms import FrameworkImportForm, SpreadsheetForm
from certifications.models import CertificationImport
from certifications.selectors import can_assess, can_manage
from certifications.services import CertificationError
from certifications.views.base import CertificationMixin
from qms.core.domain import ServiceFormMixin


def _preview_url(batch: CertificationImport) -> str:
    return reverse("certifications:import-preview", args=[batch.pk])


class RegisterImportView(ServiceFormMixin, UserPassesTestMixin, FormView):
    """Import the register the office already keeps: certifications with their certificates."""

    raise_exception = True
    template_name = "certifications/import_form.html"
    form_class = SpreadsheetForm

    def test_func(self) -> bool:
        return can_manage(self.request.user)

    def perform(self, form):
        upload = form.cleaned_data["file"]
        batch = services.import_start(
            kind=ImportKind.REGISTER, by=self.request.user, source=upload, filename=upload.name
        )
        return HttpResponseRedirect(_preview_url(batch))

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            heading=_("Import the certificate register"), columns=imports.REGISTER_COLUMNS, **kwargs
        )


class FrameworkImportView(ServiceFormMixin, UserPassesTestMixin, FormView):
    """Import a custom framework: one row per requirement, with its reference, its parent and its title."""

    raise_exception = True
    template_name = "certifications/import_form.html"
    form_class = FrameworkImportForm

    def test_func(self) -> bool:
        return can_manage(self.request.user)

    def perform(self, form):
        data = form.cleaned_data
        upload = data["file"]
        batch = services.import_start(
            kind=ImportKind.FRAMEWORK,
            by=self.request.user,
            source=upload,
            filename=upload.name,
            options={"code": data["code"], "name": data["name"], "version": data["version"], "kind": data["kind"]},
        )
        return HttpResponseRedirect(_preview_url(batch))

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=_("Import a framework"), columns=imports.FRAMEWORK_COLUMNS, **kwargs)


class SelfAssessmentImportView(ServiceFormMixin, CertificationMixin, FormView):
    """Import a self-assessment made in a spreadsheet: requirement reference, status, comment, owner."""

    template_name = "certifications/import_form.html"
    form_class = SpreadsheetForm

    def test_func(self) -> bool:
        return can_assess(self.request.user, self.certification)

    def perform(self, form):
        upload = form.cleaned_data["file"]
        batch = services.import_start(
            kind=ImportKind.SELF_ASSESSMENT,
            by=self.request.user,
            source=upload,
            filename=upload.name,
            certification=self.certification,
        )
        return HttpResponseRedirect(_preview_url(batch))

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            heading=_("Import a self-assessment"), columns=imports.SELF_ASSESSMENT_COLUMNS, **kwargs
        )


class ImportPreviewView(UserPassesTestMixin, TemplateView):
    """What an uploaded file would create and update, every error with its line; confirming applies the rows kept
    on the server, analysed again, never anything posted back."""

    raise_exception = True
    template_name = "certifications/import_preview.html"

    @cached_property
    def batch(self) -> CertificationImport:
        # Only the person who sent the file may see or confirm it.
        return get_object_or_404(
            CertificationImport.objects.select_related("certification__framework"),
            pk=self.kwargs["pk"],
            created_by=self.request.user,
        )

    def test_func(self) -> bool:
        if self.batch.kind == ImportKind.SELF_ASSESSMENT:
            return can_assess(self.request.user, self.batch.certification)
        return can_manage(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        batch = self.batch
        context.update(batch=batch, certification=batch.certification)
        if not batch.is_expired and batch.applied_at is None:
            context["preview"] = imports.analyse(batch)
        return context

    def post(self, request, *args, **kwargs):
        batch = self.batch
        try:
            result = services.import_confirm(batch=batch, by=request.user)
        except CertificationError as error:
            messages.error(request, error.message)
            return HttpResponseRedirect(request.path)
        messages.success(
            request,
            _("Import done: %(created)s created, %(updated)s updated, %(unchanged)s unchanged.")
            % {"created": result.created, "updated": result.updated, "unchanged": result.unchanged},
        )
        if batch.kind == ImportKind.SELF_ASSESSMENT:
            return HttpResponseRedirect(reverse("certifications:matrix", args=[batch.certification_id]))
        if batch.kind == ImportKind.FRAMEWORK:
            return HttpResponseRedirect(result.target.get_absolute_url())
        return HttpResponseRedirect(reverse("certifications:certification-list"))

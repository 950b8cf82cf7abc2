"""Importing the risk register, the document list or the history of measurements: upload, preview, confirm."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import UserPassesTestMixin
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import ngettext
from django.views.generic import FormView, TemplateView

from processes import imports, services
from processes.choices import ImportKind
from processes.forms import ImportForm
from processes.models import ProcessImport
from processes.selectors import processes_editable_by
from processes.views.base import ServiceFormMixin
from qms.core.selectors import is_quality_manager

# Where each import sends its person back once done.
DONE_URLS = {
    ImportKind.RISKS: "processes:risk-list",
    ImportKind.DOCUMENTS: "processes:document-list",
    ImportKind.MEASUREMENTS: "processes:indicator-list",
}


def may_import(user) -> bool:
    """Whoever edits at least one process (each row is then checked against its own process)."""
    return is_quality_manager(user) or processes_editable_by(user).exists()


class ImportView(UserPassesTestMixin, ServiceFormMixin, FormView):
    """Upload a spreadsheet; the next page previews what it would change."""

    raise_exception = True
    template_name = "processes/import.html"
    form_class = ImportForm

    @cached_property
    def kind(self) -> str:
        if self.kwargs["kind"] not in ImportKind.values:
            raise Http404
        return self.kwargs["kind"]

    def test_func(self) -> bool:
        return may_import(self.request.user) and bool(self.kind)

    def perform(self, form):
        upload = form.cleaned_data["file"]
        process_import = services.import_start(
            kind=self.kind, by=self.request.user, source=upload, filename=upload.name
        )
        return HttpResponseRedirect(reverse("processes:import-preview", args=[process_import.pk]))

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            kind=self.kind, kind_label=ImportKind(self.kind).label, columns=imports.COLUMNS[self.kind], **kwargs
        )


class ImportPreviewView(UserPassesTestMixin, TemplateView):
    """What the file would create and update, every error and warning with its line; confirming applies the rows
    kept on the server, analysed again, never anything posted back."""

    raise_exception = True
    template_name = "processes/import_preview.html"

    @cached_property
    def process_import(self) -> ProcessImport:
        # Only the person who sent the file may see or confirm it.
        return get_object_or_404(ProcessImport, pk=self.kwargs["pk"], created_by=self.request.user)

    def test_func(self) -> bool:
        return may_import(self.request.user) and self.process_import is not None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        process_import = self.process_import
        context.update(
            process_import=process_import,
            kind_label=ImportKind(process_import.kind).label,
            done_url=reverse(DONE_URLS[process_import.kind]),
        )
        if not process_import.is_expired and process_import.applied_at is None:
            context["preview"] = imports.analyse(process_import.kind, process_import.payload, self.request.user)
        return context

    def post(self, request, *args, **kwargs):
        process_import = self.process_import
        try:
            result = services.import_confirm(process_import=process_import, by=request.user)
        except services.ProcessMapError as error:
            messages.error(request, error.message)
            return HttpResponseRedirect(request.path)
        messages.success(
            request,
            ngettext(
                "Import done: %(created)s row created, %(updated)s updated, %(unchanged)s unchanged.",
                "Import done: %(created)s rows created, %(updated)s updated, %(unchanged)s unchanged.",
                result["created"],
            )
            % result,
        )
        return HttpResponseRedirect(reverse(DONE_URLS[process_import.kind]))

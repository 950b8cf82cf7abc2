"""Importing a plan's actions from a spreadsheet: the upload, then the preview that confirms it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import UserPassesTestMixin
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import ngettext
from django.views.generic import FormView, TemplateView

from actionplans import imports, services
from actionplans.forms import ImportForm
from actionplans.models import PlanImport
from actionplans.selectors import can_edit_plan
from actionplans.services import ActionPlanError
from actionplans.views.base import PlanEditMixin
from qms.core.domain import ServiceFormMixin


class PlanImportView(PlanEditMixin, ServiceFormMixin, FormView):
    """Upload a spreadsheet; the next page previews what it would change."""

    template_name = "actionplans/plan_import.html"
    form_class = ImportForm

    def perform(self, form: ImportForm):
        upload = form.cleaned_data["file"]
        plan_import = services.plan_import_start(
            plan=self.plan, by=self.request.user, source=upload, filename=upload.name
        )
        return HttpResponseRedirect(reverse("actionplans:plan-import-preview", args=[plan_import.pk]))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["columns"] = imports.COLUMNS
        return context


class PlanImportPreviewView(UserPassesTestMixin, TemplateView):
    """What an uploaded file would create and update, every error and warning with its line; confirming
    applies the rows kept on the server, analysed again, never anything posted back."""

    raise_exception = True
    template_name = "actionplans/plan_import_preview.html"

    @cached_property
    def plan_import(self) -> PlanImport:
        # Only the person who sent the file may see or confirm it.
        return get_object_or_404(
            PlanImport.objects.select_related("plan"), pk=self.kwargs["pk"], created_by=self.request.user
        )

    def test_func(self) -> bool:
        return can_edit_plan(self.request.user, self.plan_import.plan)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        plan_import = self.plan_import
        context.update(plan_import=plan_import, plan=plan_import.plan)
        if not plan_import.is_expired and plan_import.applied_at is None:
            context["preview"] = imports.analyse(plan_import.plan, plan_import.payload)
        return context

    def post(self, request, *args, **kwargs):
        plan_import = self.plan_import
        try:
            result = services.plan_import_confirm(plan_import=plan_import, by=request.user)
        except ActionPlanError as error:
            messages.error(request, error.message)
            return HttpResponseRedirect(request.path)
        counts = vars(result)
        messages.success(
            request,
            " ".join(
                [
                    ngettext(
                        "Import done: %(created)s action created, %(updated)s updated, %(unchanged)s unchanged.",
                        "Import done: %(created)s actions created, %(updated)s updated, %(unchanged)s unchanged.",
                        counts["created"],
                    )
                    % counts,
                    ngettext(
                        "%(missing)s action of the plan was not in the file and was kept.",
                        "%(missing)s actions of the plan were not in the file and were kept.",
                        counts["missing"],
                    )
                    % counts
                    if counts["missing"]
                    else "",
                ]
            ).strip(),
        )
        return HttpResponseRedirect(plan_import.plan.get_absolute_url())

"""The map, the list of processes, the process sheet (page and PDF), editing and validating a process, and the
quality referents network."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.http import Http404, HttpResponseRedirect
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import FormView, ListView, TemplateView, View

from processes import services
from processes.choices import ProcessStatus, RiskScore
from processes.exports import ProcessMapPdf, ProcessSheetPdf
from processes.filtersets import ProcessFilterSet
from processes.forms import NoteForm, ProcessForm, ProcessValidateForm
from processes.models import Process
from processes.permissions import can_create_document, can_create_process, can_edit_process
from processes.selectors import process_detail, process_list, process_map, process_sheet, processes_visible_to
from processes.selectors import referents_network as network
from processes.views.base import PeoplePickerMixin, ProcessMixin, ServiceFormMixin
from qms.core.pdf import pdf_response
from qms.core.selectors import is_quality_manager


def _query(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


class ProcessMapView(PermissionRequiredMixin, TemplateView):
    """The classic picture: management on top, operational between the needs and the satisfaction of the
    interested parties, support below; every process the user may open is a link."""

    permission_required = "processes.view_process"
    raise_exception = True
    template_name = "processes/process_map.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(process_map=process_map(self.request.user), **kwargs)


class ProcessMapPdfView(PermissionRequiredMixin, View):
    permission_required = "processes.view_process"
    raise_exception = True

    def get(self, request, *args, **kwargs):
        return pdf_response(ProcessMapPdf(process_map(request.user), request=request))


class ProcessListView(PermissionRequiredMixin, ListView):
    permission_required = "processes.view_process"
    raise_exception = True
    template_name = "processes/process_list.html"
    context_object_name = "processes"
    paginate_by = 50

    def get_queryset(self):
        processes = processes_visible_to(self.request.user)
        self.filterset = ProcessFilterSet(self.request.GET or None, queryset=processes, request=self.request)
        if self.filterset.is_bound and self.filterset.is_valid():
            processes = self.filterset.qs
        return process_list(processes).order_by("code")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context.update(
            filterset=self.filterset,
            query_string=_query(self.request),
            can_create=can_create_process(user),
            can_create_document=can_create_document(user),
        )
        return context


class ProcessDetailView(PermissionRequiredMixin, TemplateView):
    """The process sheet (fiche processus): resources, indicators and their latest values, risks, documents, the
    last review, and the open actions (the "Actions" panel of action plans)."""

    permission_required = "processes.view_process"
    raise_exception = True
    template_name = "processes/process_detail.html"

    def has_permission(self) -> bool:
        # Owning grants access even without the group permission.
        return super().has_permission() or can_edit_process(self.request.user, self.process)

    @cached_property
    def process(self) -> Process:
        try:
            return process_detail(self.request.user, self.kwargs["pk"])
        except Process.DoesNotExist:
            raise Http404 from None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        score = self.request.GET.get("score")
        context.update(
            process=self.process,
            sheet=process_sheet(self.process),
            score=score if score in RiskScore.values else RiskScore.GROSS,
            can_edit=can_edit_process(user, self.process),
            is_quality_manager=is_quality_manager(user),
        )
        return context


class ProcessPdfView(ProcessDetailView, View):
    def get(self, request, *args, **kwargs):
        return pdf_response(ProcessSheetPdf(process_sheet(self.process), request=request))


class ProcessCreateView(PermissionRequiredMixin, PeoplePickerMixin, ServiceFormMixin, FormView):
    permission_required = "processes.add_process"
    raise_exception = True
    template_name = "processes/object_form.html"
    form_class = ProcessForm

    def picked_for(self) -> str:
        return "process:new"

    def perform(self, form: ProcessForm):
        process = services.process_create(by=self.request.user, **form.cleaned_data)
        messages.success(self.request, _("The process has been created, as a draft."))
        return HttpResponseRedirect(process.get_absolute_url())

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=_("New process"), **kwargs)


class ProcessEditView(ProcessMixin, PeoplePickerMixin, ServiceFormMixin, FormView):
    template_name = "processes/object_form.html"
    form_class = ProcessForm

    def picked_for(self) -> str:
        return f"process:{self.process.pk}"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        # A copy: the form writes into its instance, and the page around it shows ``self.process``.
        kwargs["instance"] = Process.objects.get(pk=self.process.pk)
        kwargs["structural"] = is_quality_manager(self.request.user)
        return kwargs

    def perform(self, form: ProcessForm):
        process = Process.objects.get(pk=self.process.pk)
        services.process_update(process=process, by=self.request.user, **form.changed_data_for_service())
        messages.success(self.request, _("The process sheet has been saved."))
        return HttpResponseRedirect(process.get_absolute_url())

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=_("Edit the process sheet"), **kwargs)


class ProcessValidateView(ProcessMixin, ServiceFormMixin, FormView):
    """Record the validation of a draft process (by the board, on a date): quality managers."""

    template_name = "processes/object_form.html"
    form_class = ProcessValidateForm

    def test_func(self) -> bool:
        return is_quality_manager(self.request.user) and self.process.status == ProcessStatus.DRAFT

    def get_initial(self):
        return {"validated_by": self.process.validated_by}

    def perform(self, form):
        services.process_validate(process=self.process, by=self.request.user, **form.cleaned_data)
        messages.success(self.request, _("The process is now validated."))
        return HttpResponseRedirect(self.process.get_absolute_url())

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=_("Validate the process"), **kwargs)


class ProcessReviseView(ProcessMixin, ServiceFormMixin, FormView):
    """Open a validated process for a new version."""

    template_name = "processes/object_form.html"
    form_class = NoteForm

    def test_func(self) -> bool:
        return super().test_func() and self.process.status == ProcessStatus.VALIDATED

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "submit_label": _("Open a new version")}

    def perform(self, form):
        services.process_revise(process=self.process, by=self.request.user, note=form.cleaned_data["note"])
        messages.success(
            self.request, _("The process is back in draft, version %(version)s.") % {"version": self.process.version}
        )
        return HttpResponseRedirect(self.process.get_absolute_url())

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=_("Revise the process"), **kwargs)


class ReferentsView(PermissionRequiredMixin, TemplateView):
    """The quality referents of every unit, with their contact details and their units' processes."""

    permission_required = "processes.view_process"
    raise_exception = True
    template_name = "processes/referents.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(units=network(), **kwargs)

"""Controlled documents: their list, a document's page (versions, approval moves, distribution and who confirmed
reading), creating and editing, the version workflow, the permission-checked download, read confirmations, and the
staff's procedures and forms library."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin, UserPassesTestMixin
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import FormView, ListView, TemplateView, View

from processes import services
from processes.choices import VersionStatus
from processes.files import private_file_response
from processes.filtersets import DocumentFilterSet
from processes.forms import ApproveForm, DistributionForm, DocumentForm, NoteForm, SubmitForm, VersionForm
from processes.models import Document, DocumentVersion
from processes.permissions import (
    can_create_document,
    can_download_version,
    can_edit_document,
    can_read_library,
    can_view_document,
)
from processes.selectors import (
    document_detail,
    document_list,
    documents_visible_to,
    library,
    pending_confirmation,
    processes_editable_by,
    read_confirmations,
    version_histories,
)
from processes.services import DistributionList
from processes.views.base import ObjectMixin, PeoplePickerMixin, ServiceFormMixin
from processes.views.processes import _query
from qms.core.selectors import is_quality_manager


class DocumentListView(PermissionRequiredMixin, ListView):
    permission_required = "processes.view_document"
    raise_exception = True
    template_name = "processes/document_list.html"
    context_object_name = "documents"
    paginate_by = 50

    def get_queryset(self):
        documents = documents_visible_to(self.request.user)
        self.filterset = DocumentFilterSet(self.request.GET or None, queryset=documents, request=self.request)
        if self.filterset.is_bound and self.filterset.is_valid():
            documents = self.filterset.qs
        return document_list(documents).order_by("reference", "pk")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            filterset=self.filterset,
            query_string=_query(self.request),
            can_create=can_create_document(self.request.user),
            **kwargs,
        )


class LibraryView(UserPassesTestMixin, TemplateView):
    """The staff's procedures and forms: the approved documents of the library, by process, internal and external
    apart, with a search."""

    raise_exception = True
    template_name = "processes/library.html"

    def test_func(self) -> bool:
        return can_read_library(self.request.user)

    def get_context_data(self, **kwargs):
        text = self.request.GET.get("q", "")[:200]
        return super().get_context_data(sections=library(text), q=text, **kwargs)


def _processes_for(user):
    return processes_editable_by(user).filter(is_active=True).order_by("code")


class DocumentCreateView(UserPassesTestMixin, PeoplePickerMixin, ServiceFormMixin, FormView):
    raise_exception = True
    template_name = "processes/object_form.html"
    form_class = DocumentForm

    def test_func(self) -> bool:
        return can_create_document(self.request.user)

    def picked_for(self) -> str:
        return "document:new"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["processes"] = _processes_for(self.request.user)
        # A document of no process is the quality managers' (an institution-wide policy, say).
        kwargs["process_required"] = not is_quality_manager(self.request.user)
        process = self.request.GET.get("process")
        if process and process.isdigit():
            kwargs.setdefault("initial", {})["process"] = int(process)
        kwargs.setdefault("initial", {})["owner"] = self.request.user
        return kwargs

    def perform(self, form):
        document = services.document_create(by=self.request.user, **form.cleaned_data)
        messages.success(self.request, _("The document has been created: add its first version."))
        return HttpResponseRedirect(document.get_absolute_url())

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=_("New document"), **kwargs)


class DocumentMixin(ObjectMixin):
    context_object_name = "document"

    def get_object(self) -> Document:
        return document_detail(self.request.user, self.kwargs["pk"])

    def can(self, user, document) -> bool:
        return can_edit_document(user, document)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["process"] = self.object.process
        return context


class DocumentDetailView(DocumentMixin, TemplateView):
    template_name = "processes/document_detail.html"

    def can(self, user, document) -> bool:
        return can_view_document(user, document)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        document, user = self.object, self.request.user
        versions = list(document.versions.all())
        current = next((v for v in versions if v.status == VersionStatus.APPROVED), None)
        context.update(
            versions=versions,
            current=current,
            confirmations=read_confirmations(current) if current else [],
            pending=pending_confirmation(user, current) if current else None,
            can_edit=can_edit_document(user, document),
            history=version_histories(versions) if can_edit_document(user, document) else {},
        )
        return context


class DocumentEditView(DocumentMixin, PeoplePickerMixin, ServiceFormMixin, FormView):
    template_name = "processes/object_form.html"
    form_class = DocumentForm

    def picked_for(self) -> str:
        return f"document:{self.object.pk}"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = Document.objects.get(pk=self.object.pk)
        processes = _processes_for(self.request.user)
        if self.object.process_id:
            processes = processes | processes.model.objects.filter(pk=self.object.process_id)
        kwargs["processes"] = processes.distinct()
        return kwargs

    def perform(self, form):
        services.document_update(document=self.object, by=self.request.user, **form.cleaned_data)
        messages.success(self.request, _("The document has been saved."))
        return HttpResponseRedirect(self.object.get_absolute_url())

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=_("Edit the document"), **kwargs)


class DocumentReviewedView(DocumentMixin, ServiceFormMixin, FormView):
    """The periodic review found the current version still right."""

    template_name = "processes/object_form.html"
    form_class = NoteForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "submit_label": _("Record the review"), "required": False}

    def perform(self, form):
        services.document_mark_reviewed(document=self.object, by=self.request.user, note=form.cleaned_data["note"])
        messages.success(self.request, _("The review of the document has been recorded."))
        return HttpResponseRedirect(self.object.get_absolute_url())

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=_("Record a review without change"), **kwargs)


class VersionCreateView(DocumentMixin, ServiceFormMixin, FormView):
    template_name = "processes/object_form.html"
    form_class = VersionForm

    def perform(self, form):
        data = form.cleaned_data
        services.version_create(
            document=self.object,
            by=self.request.user,
            number=data["number"],
            file=data.get("file"),
            link=data.get("link") or "",
            change_summary=data.get("change_summary") or "",
            issued_on=data.get("issued_on"),
        )
        messages.success(self.request, _("The version has been added as a draft."))
        return HttpResponseRedirect(self.object.get_absolute_url())

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=_("New version"), multipart=True, **kwargs)


class VersionMixin(ObjectMixin):
    """A page of one version, whose document the user may open; the moves need editing the document."""

    context_object_name = "version"

    def get_object(self) -> DocumentVersion:
        version = get_object_or_404(
            DocumentVersion.objects.select_related("document", "document__process", "author"), pk=self.kwargs["pk"]
        )
        if not can_view_document(self.request.user, version.document) and not can_download_version(
            self.request.user, version
        ):
            raise Http404
        return version

    def can(self, user, version) -> bool:
        return can_edit_document(user, version.document)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["document"] = self.object.document
        context["process"] = self.object.document.process
        return context

    def done(self, message: str):
        messages.success(self.request, message)
        return HttpResponseRedirect(self.object.get_absolute_url())


class VersionSubmitView(VersionMixin, PeoplePickerMixin, ServiceFormMixin, FormView):
    template_name = "processes/object_form.html"
    form_class = SubmitForm

    def picked_for(self) -> str:
        return f"document:{self.object.document_id}"

    def perform(self, form):
        services.version_submit(version=self.object, by=self.request.user, reviewer=form.cleaned_data.get("reviewer"))
        return self.done(_("The version is in review."))

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=_("Submit the version for review"), **kwargs)


class VersionSendBackView(VersionMixin, ServiceFormMixin, FormView):
    template_name = "processes/object_form.html"
    form_class = NoteForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "submit_label": _("Send back to draft")}

    def perform(self, form):
        services.version_send_back(version=self.object, by=self.request.user, note=form.cleaned_data["note"])
        return self.done(_("The version is back in draft."))

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=_("Send the version back"), **kwargs)


class VersionApproveView(VersionMixin, ServiceFormMixin, FormView):
    template_name = "processes/object_form.html"
    form_class = ApproveForm

    def perform(self, form):
        services.version_approve(version=self.object, by=self.request.user, note=form.cleaned_data["note"])
        return self.done(_("The version is approved: it is now the version in force."))

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=_("Approve the version"), **kwargs)


class VersionWithdrawView(VersionMixin, ServiceFormMixin, FormView):
    template_name = "processes/object_form.html"
    form_class = NoteForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "submit_label": _("Withdraw")}

    def perform(self, form):
        services.version_withdraw(version=self.object, by=self.request.user, note=form.cleaned_data["note"])
        return self.done(_("The version has been withdrawn: the document has no version in force."))

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=_("Withdraw the version in force"), **kwargs)


class VersionDownloadView(UserPassesTestMixin, View):
    """A version's file, for whoever may read it; always a download, never shown inline."""

    raise_exception = True

    @cached_property
    def version(self) -> DocumentVersion:
        version = get_object_or_404(DocumentVersion.objects.select_related("document__process"), pk=self.kwargs["pk"])
        if not version.file or not can_download_version(self.request.user, version):
            raise Http404
        return version

    def test_func(self) -> bool:
        return self.version is not None

    def get(self, request, *args, **kwargs):
        version = self.version
        return private_file_response(version.file, filename=version.filename, content_type=version.content_type)


class DistributionCreateView(VersionMixin, PeoplePickerMixin, ServiceFormMixin, FormView):
    """Send the approved version to people, role holders or units, who are asked to confirm reading it."""

    template_name = "processes/object_form.html"
    form_class = DistributionForm

    def picked_for(self) -> str:
        return f"document:{self.object.document_id}"

    def can(self, user, version) -> bool:
        return super().can(user, version) and version.status == VersionStatus.APPROVED

    def perform(self, form):
        data = form.cleaned_data
        recipients = DistributionList(
            people=list(data.get("people") or []),
            role_holders=[(unit, data["role"]) for unit in data.get("role_units") or []],
            unit_members=list(data.get("member_units") or []),
        )
        services.distribution_send(
            version=self.object, by=self.request.user, recipients=recipients, message=data.get("message", "")
        )
        return self.done(_("The version has been sent; the page shows who has confirmed reading it."))

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=_("Distribute the version in force"), **kwargs)


class ReadConfirmView(VersionMixin, View):
    """The reader's "I have read it"."""

    http_method_names = ["post"]

    def can(self, user, version) -> bool:
        return version.read_confirmations.filter(user=user).exists()

    def post(self, request, *args, **kwargs):
        try:
            services.read_confirm(version=self.object, user=request.user)
        except services.ProcessMapError as error:
            messages.error(request, error.message)
            return HttpResponseRedirect(self.object.get_absolute_url())
        return self.done(_("Thank you: your reading is recorded."))

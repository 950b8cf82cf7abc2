"""Audits, their findings, and the internal audit programmes."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import UserPassesTestMixin
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import FormView, ListView, TemplateView, View

from certifications import exports, services
from certifications.choices import AuditType
from certifications.filtersets import AuditFilterSet
from certifications.forms import (
    AuditForm,
    FindingForm,
    ProgrammeForm,
    TransitionForm,
)
from certifications.models import Audit, Certification, InternalAuditProgramme
from certifications.selectors import (
    audits_visible_to,
    can_edit_audit,
    can_edit_certification,
    can_edit_finding,
    can_edit_programme,
    can_list_audits,
    can_manage,
    can_record_findings,
    certifications_visible_to,
    finding_closing_blockers,
    programme_coverage,
    programmes_visible_to,
)
from certifications.services.findings import UNSET
from certifications.views.base import AuditMixin, FindingMixin, private_download
from certifications.workflows import AUDIT_WORKFLOW, FINDING_WORKFLOW
from qms.core.domain import ServiceFormMixin
from qms.core.lists import query_string
from qms.core.pdf import pdf_response


class AuditListView(UserPassesTestMixin, ListView):
    raise_exception = True
    template_name = "certifications/audit_list.html"
    context_object_name = "audits"
    paginate_by = 50

    def test_func(self) -> bool:
        return can_list_audits(self.request.user)

    def get_queryset(self):
        audits = audits_visible_to(self.request.user).order_by("-start_date", "-pk")
        self.filterset = AuditFilterSet(
            self.request.GET or None,
            queryset=audits,
            request=self.request,
            certifications=certifications_visible_to(self.request.user).order_by("name"),
        )
        return self.filterset.qs if self.filterset.is_bound and self.filterset.is_valid() else audits

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(filterset=self.filterset, query_string=query_string(self.request))
        return context


class AuditCreateView(ServiceFormMixin, UserPassesTestMixin, FormView):
    """Plan an audit of a certification (``?certification=``) or in a programme (``?programme=``)."""

    raise_exception = True
    template_name = "certifications/form.html"
    form_class = AuditForm

    @cached_property
    def certification(self) -> Certification | None:
        pk = self.request.GET.get("certification", "")
        if not pk.isdigit():
            return None
        return get_object_or_404(certifications_visible_to(self.request.user), pk=pk)

    @cached_property
    def programme(self) -> InternalAuditProgramme | None:
        pk = self.request.GET.get("programme", "")
        if not pk.isdigit():
            return None
        return get_object_or_404(programmes_visible_to(self.request.user), pk=pk)

    def test_func(self) -> bool:
        if self.certification is not None:
            return can_edit_certification(self.request.user, self.certification)
        if self.programme is not None:
            return can_edit_programme(self.request.user, self.programme)
        return False

    def get_form_kwargs(self):
        if self.certification is not None:
            picked_for = f"audit-for-certification:{self.certification.pk}"
        else:
            picked_for = f"audit-for-programme:{self.programme.pk}"
        return {**super().get_form_kwargs(), "user": self.request.user, "picked_for": picked_for}

    def get_initial(self):
        """A surveillance audit falls in the window the framework's rules give, when one is ahead."""
        initial = super().get_initial()
        if self.certification is not None:
            latest = self.certification.certificates.order_by("-valid_from", "-pk").first()
            window = services.surveillance_window(latest) if latest else None
            today = timezone.localdate()
            if window and window[1] >= today:
                initial.update(audit_type=AuditType.SURVEILLANCE, start_date=max(window[0], today))
        return initial

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        from certifications.forms import AUDIT_TYPES_BY_KIND

        internal = self.programme is not None
        form.fields["audit_type"].choices = [(t.value, t.label) for t in AUDIT_TYPES_BY_KIND[internal]]
        return form

    def perform(self, form: AuditForm):
        data = dict(form.cleaned_data)
        audit = services.audit_create(
            by=self.request.user,
            certification=self.certification,
            programme=self.programme,
            **data,
        )
        messages.success(
            self.request, _("The audit has been planned; its auditors can read it until after its last day.")
        )
        return HttpResponseRedirect(audit.get_absolute_url())

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            heading=_("Plan an audit"), certification=self.certification, programme=self.programme, **kwargs
        )


class AuditDetailView(AuditMixin, TemplateView):
    """An audit with its findings by grade, its team and scope, its files and its status."""

    template_name = "certifications/audit_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        audit, user = self.audit, self.request.user
        can_edit = can_edit_audit(user, audit)
        context.update(
            findings=audit.findings.select_related("grade", "original_grade", "requirement").order_by("reference"),
            team=list(audit.team.all()),
            units=list(audit.audited_units.all()),
            processes=list(audit.audited_processes.all()),
            snapshots=audit.snapshots.all(),
            can_edit=can_edit,
            can_record=can_record_findings(user, audit),
            transition_form=TransitionForm(workflow=AUDIT_WORKFLOW, obj=audit) if can_edit else None,
        )
        return context


class AuditEditView(ServiceFormMixin, AuditMixin, FormView):
    template_name = "certifications/form.html"
    form_class = AuditForm

    def test_func(self) -> bool:
        return can_edit_audit(self.request.user, self.audit)

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "instance": Audit.objects.get(pk=self.audit.pk),
            "user": self.request.user,
            "picked_for": f"audit:{self.audit.pk}",
        }

    def get_form(self, form_class=None):
        from certifications.forms import AUDIT_TYPES_BY_KIND

        form = super().get_form(form_class)
        form.fields["audit_type"].choices = [(t.value, t.label) for t in AUDIT_TYPES_BY_KIND[self.audit.is_internal]]
        return form

    def perform(self, form: AuditForm):
        data = dict(form.cleaned_data)
        services.audit_update(audit=self.audit, by=self.request.user, **data)
        messages.success(self.request, _("The audit has been saved."))
        return HttpResponseRedirect(self.audit.get_absolute_url())

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=_("Edit the audit"), **kwargs)


class AuditTransitionView(ServiceFormMixin, AuditMixin, FormView):
    template_name = "certifications/form.html"
    form_class = TransitionForm

    def test_func(self) -> bool:
        return can_edit_audit(self.request.user, self.audit)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "workflow": AUDIT_WORKFLOW, "obj": self.audit}

    def perform(self, form: TransitionForm):
        services.audit_transition(
            audit=self.audit, to=form.cleaned_data["to"], note=form.cleaned_data["note"], by=self.request.user
        )
        messages.success(
            self.request,
            _("The audit is now “%(status)s”.") % {"status": AUDIT_WORKFLOW.label(form.cleaned_data["to"])},
        )
        return HttpResponseRedirect(self.audit.get_absolute_url())

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=_("Change the status"), **kwargs)


class AuditFileView(AuditMixin, View):
    """The audit's plan or report, for whoever reads the audit."""

    def get(self, request, *args, **kwargs):
        field = {"plan": self.audit.plan_file, "report": self.audit.report_file}.get(self.kwargs["kind"])
        if field is None:
            raise Http404
        return private_download(field)


class AuditReportPdfView(AuditMixin, View):
    def get(self, request, *args, **kwargs):
        return pdf_response(exports.AuditReportPdf(self.audit, request=request))


# --- Findings -----------------------------------------------------------------------------------------------------


class FindingCreateView(ServiceFormMixin, AuditMixin, FormView):
    template_name = "certifications/form.html"
    form_class = FindingForm
    audit_kwarg = "pk"

    def test_func(self) -> bool:
        return can_record_findings(self.request.user, self.audit)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "audit": self.audit}

    def perform(self, form: FindingForm):
        data = dict(form.cleaned_data)
        # An empty date takes its default from the framework's rules.
        dates = {
            name: data.pop(name) or UNSET for name in ("action_plan_due", "implementation_due", "verification_due")
        }
        finding = services.finding_create(audit=self.audit, by=self.request.user, **data, **dates)
        messages.success(
            self.request, _("The finding %(reference)s has been recorded.") % {"reference": finding.reference}
        )
        return HttpResponseRedirect(finding.get_absolute_url())

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=_("New finding"), **kwargs)


class FindingDetailView(FindingMixin, TemplateView):
    """A finding: its grade (and the one it was regraded from), its dates, root cause and status, and the actions
    that answer it (the action plans' panel)."""

    template_name = "certifications/finding_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        finding, user = self.finding, self.request.user
        can_edit = can_edit_finding(user, finding)
        context.update(
            # What stands in the way of closing it; the action plans' "Actions" panel lists its actions, and
            # creates or links them (qms.core.sources).
            blockers=finding_closing_blockers(finding) if finding.is_open else [],
            can_edit=can_edit,
            transition_form=(
                TransitionForm(workflow=FINDING_WORKFLOW, obj=finding) if can_edit and finding.is_open else None
            ),
        )
        return context


class FindingEditView(ServiceFormMixin, FindingMixin, FormView):
    template_name = "certifications/form.html"
    form_class = FindingForm

    def test_func(self) -> bool:
        return can_edit_finding(self.request.user, self.finding)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "audit": self.finding.audit, "creating": False}

    def get_initial(self):
        finding = self.finding
        return {
            name: getattr(finding, name)
            for name in (
                "grade",
                "requirement",
                "description",
                "evidence_seen",
                "root_cause",
                "action_plan_due",
                "implementation_due",
                "verification_due",
            )
        }

    def perform(self, form: FindingForm):
        data = dict(form.cleaned_data)
        services.finding_update(finding=self.finding, by=self.request.user, **data)
        messages.success(self.request, _("The finding has been saved."))
        return HttpResponseRedirect(self.finding.get_absolute_url())

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=_("Edit the finding"), **kwargs)


class FindingTransitionView(ServiceFormMixin, FindingMixin, FormView):
    template_name = "certifications/form.html"
    form_class = TransitionForm

    def test_func(self) -> bool:
        return can_edit_finding(self.request.user, self.finding) and self.finding.grade.needs_action

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "workflow": FINDING_WORKFLOW, "obj": self.finding}

    def perform(self, form: TransitionForm):
        services.finding_transition(
            finding=self.finding, to=form.cleaned_data["to"], note=form.cleaned_data["note"], by=self.request.user
        )
        messages.success(self.request, _("The status has been changed."))
        return HttpResponseRedirect(self.finding.get_absolute_url())

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=_("Change the status"), **kwargs)


# --- Internal audit programmes ------------------------------------------------------------------------------------


class ProgrammeListView(UserPassesTestMixin, ListView):
    raise_exception = True
    template_name = "certifications/programme_list.html"
    context_object_name = "programmes"
    paginate_by = 50

    def test_func(self) -> bool:
        user = self.request.user
        return user.has_perm("certifications.view_internalauditprogramme") or programmes_visible_to(user).exists()

    def get_queryset(self):
        return programmes_visible_to(self.request.user).order_by("-year", "title")

    def get_context_data(self, **kwargs):
        return super().get_context_data(can_create=can_manage(self.request.user), **kwargs)


class ProgrammeMixin(UserPassesTestMixin):
    raise_exception = True

    @cached_property
    def programme(self) -> InternalAuditProgramme:
        return get_object_or_404(programmes_visible_to(self.request.user), pk=self.kwargs["pk"])

    def test_func(self) -> bool:
        return self.programme is not None


class ProgrammeDetailView(ProgrammeMixin, TemplateView):
    """A year's programme: its internal audits of processes and units, with their teams and status, and the
    processes of the map it covers or leaves out."""

    template_name = "certifications/programme_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        audits = list(
            audits_visible_to(self.request.user)
            .filter(programme=self.programme)
            .prefetch_related("team", "audited_units", "audited_processes")
            .order_by("start_date", "pk")
        )
        context.update(
            programme=self.programme,
            audits=audits,
            coverage=programme_coverage(self.programme, audits),
            can_edit=can_edit_programme(self.request.user, self.programme),
        )
        return context


class ProgrammeCreateView(ServiceFormMixin, UserPassesTestMixin, FormView):
    raise_exception = True
    template_name = "certifications/form.html"
    form_class = ProgrammeForm

    def test_func(self) -> bool:
        return can_manage(self.request.user)

    def get_initial(self):
        return {"owner": self.request.user}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, form: ProgrammeForm):
        programme = services.programme_save(by=self.request.user, **form.cleaned_data)
        return HttpResponseRedirect(programme.get_absolute_url())

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=_("New internal audit programme"), **kwargs)


class ProgrammeEditView(ServiceFormMixin, ProgrammeMixin, FormView):
    template_name = "certifications/form.html"
    form_class = ProgrammeForm

    def test_func(self) -> bool:
        return can_edit_programme(self.request.user, self.programme)

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "instance": InternalAuditProgramme.objects.get(pk=self.programme.pk),
            "user": self.request.user,
        }

    def perform(self, form: ProgrammeForm):
        services.programme_save(programme=self.programme, by=self.request.user, **form.cleaned_data)
        return HttpResponseRedirect(self.programme.get_absolute_url())

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=_("Edit the programme"), **kwargs)

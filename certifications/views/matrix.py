"""The compliance matrix: the table, one row's assessment and evidence, snapshots, and the exports."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.mixins import UserPassesTestMixin
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView, View

from certifications import exports, services
from certifications.choices import ComplianceStatus
from certifications.forms import AssessmentForm, EvidenceForm, SnapshotForm
from certifications.models import Assessment, AssessmentSnapshot, CertificationSettings, Evidence, Requirement
from certifications.reports import EVIDENCE_ARCHIVE, MATRIX_PDF
from certifications.selectors import can_assess, certifications_visible_to, compliance_matrix, evidence_visible_to
from certifications.services.compliance import assessment_fields
from certifications.views.base import CertificationMixin, private_download
from qms.core.domain import ServiceFormMixin
from qms.core.reports import ReportError, latest_ready, request_report


class MatrixView(CertificationMixin, TemplateView):
    """One row per applicable leaf, under its criteria, with readiness by criterion and overall."""

    template_name = "certifications/matrix.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        matrix = compliance_matrix(self.certification)
        status = self.request.GET.get("status", "")
        flagged = self.request.GET.get("flagged") == "1"
        rows = matrix.rows
        if status in ComplianceStatus.values or flagged:
            rows = [
                row
                for row in rows
                if not row.is_leaf or ((not status or row.status == status) and (not flagged or row.flagged))
            ]
        context.update(
            matrix=matrix,
            rows=rows,
            status_filter=status,
            flagged_filter=flagged,
            statuses=ComplianceStatus.choices,
            can_assess=can_assess(self.request.user, self.certification),
            max_age=CertificationSettings.get().evidence_max_age_months,
            last_archive=latest_ready(EVIDENCE_ARCHIVE, self.certification),
            last_pdf=latest_ready(MATRIX_PDF, self.certification),
        )
        return context


class RequirementRowMixin(CertificationMixin):
    """A page about one leaf of the certification's framework version."""

    @cached_property
    def requirement(self) -> Requirement:
        return get_object_or_404(
            Requirement.objects.select_related("condition", "parent"),
            pk=self.kwargs["requirement_pk"],
            framework=self.certification.framework_id,
            is_leaf=True,
        )

    @cached_property
    def assessment(self) -> Assessment | None:
        return (
            Assessment.objects.filter(certification=self.certification, requirement=self.requirement)
            .select_related("owner", "reviewed_by")
            .first()
        )

    def test_func(self) -> bool:
        return can_assess(self.request.user, self.certification)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        evidence = (
            list(self.assessment.evidence.select_related("document_version__document")) if self.assessment else []
        )
        max_age = CertificationSettings.get().evidence_max_age_months
        context.update(
            requirement=self.requirement,
            assessment=self.assessment,
            evidence=evidence,
            old_ids={e.pk for e in evidence if e.is_old(max_age)},
            obsolete_ids={e.pk for e in evidence if e.is_obsolete},
            max_age=max_age,
            evidence_form=kwargs.get("evidence_form") or EvidenceForm(),
        )
        return context


class AssessmentEditView(ServiceFormMixin, RequirementRowMixin, FormView):
    """Assess one requirement: its status, justification, owner and comment, and its evidence."""

    template_name = "certifications/assessment_form.html"
    form_class = AssessmentForm

    def get_initial(self):
        return assessment_fields(self.assessment)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "certification": self.certification}

    def perform(self, form: AssessmentForm):
        data = form.cleaned_data
        services.assessment_save(
            certification=self.certification,
            requirement=self.requirement,
            by=self.request.user,
            status=data["status"],
            comment=data["comment"],
            justification=data["justification"],
            owner=data["owner"],
        )
        messages.success(
            self.request,
            _("The assessment of %(reference)s has been saved.") % {"reference": self.requirement.reference},
        )
        return HttpResponseRedirect(
            reverse("certifications:matrix", args=[self.certification.pk]) + f"#req-{self.requirement.pk}"
        )


class EvidenceAddView(ServiceFormMixin, RequirementRowMixin, FormView):
    template_name = "certifications/assessment_form.html"
    form_class = EvidenceForm

    def get(self, request, *args, **kwargs):
        return HttpResponseRedirect(
            reverse("certifications:assessment-edit", args=[self.certification.pk, self.requirement.pk])
        )

    def perform(self, form: EvidenceForm):
        data = form.cleaned_data
        services.evidence_add(
            certification=self.certification,
            requirement=self.requirement,
            by=self.request.user,
            file=data.get("file"),
            url=data.get("url") or "",
            document_version=data.get("document_version"),
            label=data.get("label") or "",
            dated=data.get("dated"),
        )
        messages.success(self.request, _("The evidence has been added."))
        return HttpResponseRedirect(
            reverse("certifications:assessment-edit", args=[self.certification.pk, self.requirement.pk])
        )

    def form_invalid(self, form):
        assessment_form = AssessmentForm(
            initial=assessment_fields(self.assessment), user=self.request.user, certification=self.certification
        )
        return self.render_to_response(self.get_context_data(form=assessment_form, evidence_form=form), status=400)


class EvidenceMixin(UserPassesTestMixin):
    raise_exception = True

    @cached_property
    def evidence(self) -> Evidence:
        return get_object_or_404(
            evidence_visible_to(self.request.user).select_related(
                "assessment__certification", "assessment__requirement"
            ),
            pk=self.kwargs["pk"],
        )


class EvidenceDownloadView(EvidenceMixin, View):
    """An evidence file, for whoever sees its certification (an auditor during their grant included)."""

    def test_func(self) -> bool:
        return self.evidence is not None

    def get(self, request, *args, **kwargs):
        evidence = self.evidence
        return private_download(evidence.stored_file, filename=evidence.filename)


class EvidenceDeleteView(EvidenceMixin, View):
    http_method_names = ["post"]

    def test_func(self) -> bool:
        return can_assess(self.request.user, self.evidence.assessment.certification)

    def post(self, request, *args, **kwargs):
        evidence = self.evidence
        certification, requirement = evidence.assessment.certification, evidence.assessment.requirement
        services.evidence_delete(evidence=evidence, by=request.user)
        messages.success(request, _("The evidence has been removed."))
        return HttpResponseRedirect(reverse("certifications:assessment-edit", args=[certification.pk, requirement.pk]))


class SnapshotCreateView(ServiceFormMixin, CertificationMixin, FormView):
    template_name = "certifications/form.html"
    form_class = SnapshotForm

    def test_func(self) -> bool:
        return can_assess(self.request.user, self.certification)

    def perform(self, form: SnapshotForm):
        snapshot = services.snapshot_take(
            certification=self.certification, label=form.cleaned_data["label"], by=self.request.user
        )
        messages.success(self.request, _("The matrix has been frozen."))
        return HttpResponseRedirect(snapshot.get_absolute_url())

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=_("Freeze the matrix"), **kwargs)


class SnapshotDetailView(UserPassesTestMixin, TemplateView):
    """A frozen matrix, as it was: never edited."""

    raise_exception = True
    template_name = "certifications/snapshot_detail.html"

    @cached_property
    def snapshot(self) -> AssessmentSnapshot:
        snapshot = get_object_or_404(
            AssessmentSnapshot.objects.select_related("certification", "framework", "taken_by", "audit"),
            pk=self.kwargs["pk"],
        )
        if not certifications_visible_to(self.request.user).filter(pk=snapshot.certification_id).exists():
            raise Http404
        return snapshot

    def test_func(self) -> bool:
        return self.snapshot is not None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        snapshot = self.snapshot
        # Each criterion with the readiness it had then.
        readiness = {item["reference"]: item.get("readiness") for item in snapshot.criteria or []}
        rows = list(snapshot.rows.all())
        for row in rows:
            value = readiness.get(row.reference) if not row.is_leaf and row.depth == 0 else None
            row.readiness = Decimal(value) if value not in (None, "") else None
        context.update(snapshot=snapshot, certification=snapshot.certification, rows=rows)
        return context


class MatrixXlsxView(CertificationMixin, View):
    """The matrix as a workbook: requirement → status → evidence."""

    def get(self, request, *args, **kwargs):
        content = exports.matrix_xlsx(compliance_matrix(self.certification))
        response = HttpResponse(content, content_type=exports.XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = content_disposition_header(True, exports.filename(self.certification, "xlsx"))
        return response


class MatrixPdfView(CertificationMixin, View):
    """Ask for the matrix as a PDF, for whoever reads it: a worker builds it after commit, and the report's page
    offers it once ready (``certifications/reports.py``)."""

    http_method_names = ["get", "post"]

    def get(self, request, *args, **kwargs):
        # A GET never builds anything: the last PDF built, if any, else the matrix.
        last = latest_ready(MATRIX_PDF, self.certification)
        return HttpResponseRedirect(
            last.get_absolute_url() if last else reverse("certifications:matrix", args=[self.certification.pk])
        )

    def post(self, request, *args, **kwargs):
        try:
            report = request_report(kind=MATRIX_PDF, obj=self.certification, by=request.user)
        except ReportError as error:
            messages.error(request, error.message)
            return HttpResponseRedirect(reverse("certifications:matrix", args=[self.certification.pk]))
        return HttpResponseRedirect(report.get_absolute_url())

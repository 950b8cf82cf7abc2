"""Result pages, once a campaign is published: a campaign's overview, a programme's and a target's figures, the
PDF results sheet, the exports, teachers' replies, the moderation of comments, and trends. What each viewer may
see is ``surveys.selectors.ResultsAccess``, applied through ``surveys.reports``."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.http import Http404, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.utils.functional import cached_property
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView, View

from qms.core.models import Course, Programme
from qms.core.pdf import pdf_response
from qms.core.spreadsheets import iter_csv, write_xlsx
from surveys import exports, services
from surveys.choices import CampaignStatus, TargetKind
from surveys.forms import HideCommentForm, TeacherReplyForm
from surveys.models import Answer, Campaign, CampaignTarget
from surveys.reports import CampaignReport, course_trends, programme_trends
from surveys.selectors import may_see_results_pages, published_campaigns_for
from surveys.services import SurveyError


class ResultsMixin:
    """A page of a published campaign's results; 404 when the campaign is not published, 403 when the viewer may
    see nothing of it."""

    @cached_property
    def campaign(self) -> Campaign:
        return get_object_or_404(
            Campaign.objects.select_related("academic_year", "template", "org_unit"),
            pk=self.kwargs["pk"],
            status=CampaignStatus.PUBLISHED,
        )

    @cached_property
    def report(self) -> CampaignReport:
        return CampaignReport(self.campaign, self.request.user)

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not self.allowed():
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def allowed(self) -> bool:
        return self.report.sees_anything

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(campaign=self.campaign, report=self.report, threshold=self.campaign.threshold)
        return context


class TargetMixin(ResultsMixin):
    @cached_property
    def target(self) -> CampaignTarget:
        for target in self.report.results.targets:
            if target.pk == self.kwargs["target_pk"]:
                return target
        raise Http404

    def allowed(self) -> bool:
        return self.report.sees_target(self.target)


class MyResultsView(TemplateView):
    """The published campaigns in which the user may see something, and their own courses in each."""

    template_name = "surveys/my_results.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not may_see_results_pages(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        campaigns = list(published_campaigns_for(user).order_by("-academic_year__start_date", "-pk"))
        taught = (
            CampaignTarget.objects.filter(
                campaign__in=campaigns,
                kind=TargetKind.COURSE,
                course__teachings__teacher=user,
                course__teachings__academic_year=F("campaign__academic_year"),
            )
            .select_related("course")
            .distinct()
            .order_by("course__code")
        )
        by_campaign: dict[int, list[CampaignTarget]] = {}
        for target in taught:
            by_campaign.setdefault(target.campaign_id, []).append(target)
        context.update(
            rows=[(campaign, by_campaign.get(campaign.pk, [])) for campaign in campaigns],
            directed=list(Programme.objects.filter(director=user).order_by("code")),
        )
        return context


class CampaignResultsView(ResultsMixin, TemplateView):
    """A published campaign: the institution's figures, the programmes and the targets the viewer may open."""

    template_name = "surveys/campaign_results.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        report = self.report
        access = report.access
        lines = [
            line
            for line in report.target_lines()
            if line.visible or access.quality_officer_for(line.target.scope_unit_id)
        ]
        context.update(
            institution=report.institution_figures(),
            institution_participation=report.results.institution_participation(),
            programmes=[
                (programme, report.results.programme_participation(programme.pk))
                for programme in report.visible_programmes()
            ],
            lines=lines,
            may_export_raw=access.may_export_raw(),
        )
        return context


class ProgrammeResultsView(ResultsMixin, TemplateView):
    """A programme's pooled figures beside those of its courses the viewer may see."""

    template_name = "surveys/programme_results.html"

    @cached_property
    def programme(self) -> Programme:
        programme = self.report.results.programmes.get(self.kwargs["programme_pk"])
        if programme is None:
            raise Http404
        return programme

    def allowed(self) -> bool:
        return self.report.access.sees_programme(self.programme)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(self.report.programme_report(self.programme))
        return context


class TargetResultsView(TargetMixin, TemplateView):
    """A course's (or a programme's, or a unit's) results: each question beside the programme and the
    institution, its chart, the comments, the teachers' replies."""

    template_name = "surveys/target_results.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        access = self.report.access
        moderate = access.may_moderate(self.target)
        context.update(
            target=self.target,
            target_report=self.report.target_report(self.target, with_hidden_comments=moderate),
            may_moderate=moderate,
            may_reply=access.may_reply(self.target),
        )
        return context


class TargetPdfView(TargetMixin, View):
    def get(self, request, *args, **kwargs):
        return pdf_response(exports.TargetResultsPdf(self.report, self.target, request=request))


class TeacherReplyView(TargetMixin, FormView):
    """A teacher's reply to the students of their course."""

    template_name = "surveys/reply_form.html"
    form_class = TeacherReplyForm

    def allowed(self) -> bool:
        return self.report.access.may_reply(self.target)

    def get_initial(self):
        reply = self.target.teacher_replies.filter(author=self.request.user).first()
        return {"text": reply.text if reply else ""}

    def get_context_data(self, **kwargs):
        return super().get_context_data(target=self.target, **kwargs)

    def form_valid(self, form):
        try:
            services.teacher_reply_save(target=self.target, author=self.request.user, text=form.cleaned_data["text"])
        except SurveyError as error:
            form.add_error("text", error.message)
            return self.form_invalid(form)
        messages.success(self.request, _("Your reply is shown with the results."))
        return HttpResponseRedirect(self.target.get_absolute_url())


class CommentModerationView(TargetMixin, View):
    """Hide an abusive comment, or show it again (logged against the campaign)."""

    http_method_names = ["post"]

    def allowed(self) -> bool:
        return self.report.access.may_moderate(self.target)

    def post(self, request, *args, **kwargs):
        answer = get_object_or_404(Answer, pk=kwargs["answer"], response__target=self.target)
        form = HideCommentForm(request.POST)
        reason = form.cleaned_data["reason"] if form.is_valid() else ""
        try:
            services.comment_set_hidden(
                answer=answer, by=request.user, hidden=request.POST.get("hidden") != "0", reason=reason
            )
        except SurveyError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The comment's visibility has been changed."))
        return HttpResponseRedirect(self.target.get_absolute_url() + "#comments")


class CampaignExportView(ResultsMixin, View):
    """The aggregates the viewer may see, as CSV or XLSX (nothing below k)."""

    def get(self, request, *args, **kwargs):
        report = self.report
        rows = exports.aggregate_rows(report)
        headers = exports.aggregate_headers()
        if kwargs["fmt"] == "xlsx":
            response = HttpResponse(
                write_xlsx(headers, rows, sheet_title=_("Results")), content_type=exports.XLSX_CONTENT_TYPE
            )
        else:
            response = StreamingHttpResponse(iter_csv(headers, rows), content_type=exports.CSV_CONTENT_TYPE)
        response["Content-Disposition"] = content_disposition_header(
            True, exports.export_filename(report, "resultats", kwargs["fmt"])
        )
        return response


class CampaignRawExportView(ResultsMixin, View):
    """The anonymous raw responses, as CSV, for quality officers (nothing below k)."""

    def allowed(self) -> bool:
        return self.report.access.may_export_raw()

    def get(self, request, *args, **kwargs):
        report = self.report
        response = StreamingHttpResponse(
            iter_csv(exports.raw_headers(report), exports.raw_rows(report)), content_type=exports.CSV_CONTENT_TYPE
        )
        response["Content-Disposition"] = content_disposition_header(
            True, exports.export_filename(report, "reponses-brutes", "csv")
        )
        return response


class CourseTrendsView(TemplateView):
    """A course's figures year after year, by question code (the years the viewer may see)."""

    template_name = "surveys/trends.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        course = get_object_or_404(Course, pk=self.kwargs["course_pk"])
        lines = course_trends(course, self.request.user)
        if lines is None:
            raise PermissionDenied
        context.update(subject=course, lines=lines)
        return context


class ProgrammeTrendsView(TemplateView):
    """A programme's pooled figures year after year, by question code."""

    template_name = "surveys/trends.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        programme = get_object_or_404(Programme, pk=self.kwargs["programme_pk"])
        lines = programme_trends(programme, self.request.user)
        if lines is None:
            raise PermissionDenied
        context.update(subject=programme, lines=lines)
        return context

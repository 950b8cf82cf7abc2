"""Risks and opportunities: the register (filtered, exported to XLSX), the opportunities' own list, the
institution's heat map (gross or residual), a risk's page, creating, editing, archiving and restoring it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.http import FileResponse, HttpResponseRedirect
from django.utils.translation import gettext as _
from django.views.generic import FormView, ListView, TemplateView, View

from processes import exports, heatmap, services
from processes.choices import RiskKind, RiskScore
from processes.filtersets import RiskFilterSet
from processes.forms import NoteForm, RiskForm
from processes.models import Risk
from processes.permissions import can_edit_risk, can_view_risk
from processes.selectors import heat_map_link, map_settings, risks_visible_to
from processes.views.base import ObjectMixin, ProcessMixin, ServiceFormMixin
from processes.views.processes import _query


class RiskListView(PermissionRequiredMixin, ListView):
    """The risk register: risks and opportunities, filtered by process, kind, band (gross or residual), cell of
    the heat map, treatment; current ones unless archived ones are asked for."""

    permission_required = "processes.view_risk"
    raise_exception = True
    template_name = "processes/risk_list.html"
    context_object_name = "risks"
    paginate_by = 50
    kind: str | None = None

    def filtered(self):
        risks = risks_visible_to(self.request.user)
        if self.kind:
            risks = risks.filter(kind=self.kind)
        data = self.request.GET.copy()
        if "archived" not in data:
            data["archived"] = "no"
        self.filterset = RiskFilterSet(data, queryset=risks, request=self.request)
        if self.filterset.is_valid():
            return self.filterset.qs
        return risks.filter(is_archived=False)

    def get_queryset(self):
        return self.filtered().order_by("process__code", "reference", "pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        settings = map_settings()
        context.update(
            rows=heatmap.risk_rows(context["page_obj"].object_list, settings),
            filterset=self.filterset,
            query_string=_query(self.request),
            kind=self.kind,
            residual=self.filterset.is_valid() and self.filterset.residual,
        )
        return context


class OpportunityListView(RiskListView):
    """Opportunities, off the threat map, in a list of their own."""

    template_name = "processes/opportunity_list.html"
    kind = RiskKind.OPPORTUNITY


class RiskExportView(RiskListView):
    """The register as XLSX, with the filters of the page applied."""

    def get(self, request, *args, **kwargs):
        handle = exports.register_xlsx(self.get_queryset())
        return FileResponse(
            handle,
            as_attachment=True,
            filename=exports.register_filename(),
            content_type=exports.XLSX_CONTENT_TYPE,
        )


class HeatMapView(PermissionRequiredMixin, TemplateView):
    """The institution's 4×4 map of threats, gross or residual (``?score=residual``); each cell opens its risks."""

    permission_required = "processes.view_risk"
    raise_exception = True
    template_name = "processes/heat_map.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        score = self.request.GET.get("score")
        score = score if score in RiskScore.values else RiskScore.GROSS
        risks = risks_visible_to(self.request.user)
        counts = heatmap.heat_counts(risks, score)
        context.update(
            score=score,
            scores=RiskScore.choices,
            total=sum(counts.values()),
            chart=heatmap.heat_map_svg(
                counts,
                title=_("Threats of the institution — %(score)s") % {"score": RiskScore(score).label},
                settings=map_settings(),
                link=heat_map_link(score),
            ),
            settings=map_settings(),
        )
        return context


class RiskMixin(ObjectMixin):
    context_object_name = "risk"

    def get_object(self) -> Risk:
        return risks_visible_to(self.request.user).get(pk=self.kwargs["pk"])

    def can(self, user, risk) -> bool:
        return can_edit_risk(user, risk)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["process"] = self.object.process
        return context


class RiskDetailView(RiskMixin, TemplateView):
    """A risk with its scores and bands, and its treatment actions (the "Actions" panel of action plans)."""

    template_name = "processes/risk_detail.html"

    def can(self, user, risk) -> bool:
        return can_view_risk(user, risk)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["row"] = heatmap.risk_rows([self.object], map_settings())[0]
        context["can_edit"] = can_edit_risk(self.request.user, self.object)
        return context


class RiskCreateView(ProcessMixin, ServiceFormMixin, FormView):
    template_name = "processes/object_form.html"
    form_class = RiskForm

    def get_initial(self):
        kind = self.request.GET.get("kind")
        return {"kind": kind} if kind in RiskKind.values else {}

    def perform(self, form: RiskForm):
        risk = services.risk_create(process=self.process, by=self.request.user, **form.cleaned_data)
        messages.success(self.request, _("%(reference)s has been created.") % {"reference": risk.reference})
        return HttpResponseRedirect(risk.get_absolute_url())

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=_("New risk or opportunity"), **kwargs)


class RiskEditView(RiskMixin, ServiceFormMixin, FormView):
    template_name = "processes/object_form.html"
    form_class = RiskForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": Risk.objects.get(pk=self.object.pk)}

    def perform(self, form: RiskForm):
        services.risk_update(risk=self.object, by=self.request.user, **form.cleaned_data)
        messages.success(self.request, _("The risk has been saved."))
        return HttpResponseRedirect(self.object.get_absolute_url())

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            heading=_("Edit %(reference)s") % {"reference": self.object.reference}, **kwargs
        )


class RiskArchiveView(RiskMixin, ServiceFormMixin, FormView):
    """Archive a risk: it leaves the register and the maps, and keeps its actions."""

    template_name = "processes/object_form.html"
    form_class = NoteForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "submit_label": _("Archive"), "required": False}

    def perform(self, form: NoteForm):
        services.risk_archive(risk=self.object, by=self.request.user, note=form.cleaned_data["note"])
        messages.success(self.request, _("The risk has been archived."))
        return HttpResponseRedirect(self.object.get_absolute_url())

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            heading=_("Archive %(reference)s") % {"reference": self.object.reference}, **kwargs
        )


class RiskRestoreView(RiskMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        try:
            services.risk_restore(risk=self.object, by=request.user)
        except services.ProcessMapError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The risk is current again."))
        return HttpResponseRedirect(self.object.get_absolute_url())

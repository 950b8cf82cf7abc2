"""Back-office views of the helpdesk's figures: the statistics page and its CSV, the register exports (CSV and
XLSX, the inbox's filters applied), and the reply-template editor.

Who may see what (complaints/selectors.py decides):
- statistics: the groups given ``complaints.view_complaint_statistics``; for the whole institution or any unit
  to those who see everything, for their units only to referents (sensitive requests never count by unit);
- the register: whoever may open the inbox, for the requests they may see there (the sensitive register for
  the sensitive-cases group only);
- reply templates: the quality manager.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import UserPassesTestMixin
from django.db import models
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import CreateView, ListView, UpdateView

from complaints import exports
from complaints.filtersets import ComplaintFilterSet
from complaints.models import Complaint, ReplyTemplate
from complaints.report_forms import ReplyTemplateForm, StatisticsFilterForm
from complaints.selectors import (
    can_export_register,
    can_manage_reply_templates,
    can_see_statistics,
    inbox_complaints,
)
from complaints.statistics import ComplaintStatistics, complaint_statistics, default_period
from qms.core.charts import bar_chart, format_value, progress_bar
from qms.core.metrics import expand_units
from qms.core.models import OrgUnit
from qms.core.selectors import referent_units, sees_everything


def _bad_request(text: str) -> HttpResponse:
    """A 400 in plain text: form errors echo what was typed (``?status=<script>…``), never to be read as HTML."""
    return HttpResponse(text, status=400, content_type="text/plain; charset=utf-8")


# --- Statistics ----------------------------------------------------------------------------------------------
def statistics_units(user) -> models.QuerySet[OrgUnit]:
    """The units ``user`` may ask figures for: every active unit, or a referent's units and their sub-units."""
    units = OrgUnit.objects.filter(is_active=True).order_by("path")
    return units if sees_everything(user) else units.filter(pk__in=referent_units(user))


def statistics_scope(user, unit: OrgUnit | None) -> list[int] | None:
    """The unit ids the figures count (sub-units included); None for the whole institution, which only those who
    see everything may ask for."""
    if unit is not None:
        return expand_units([unit])
    return None if sees_everything(user) else list(referent_units(user))


class StatisticsMixin(UserPassesTestMixin):
    def test_func(self) -> bool:
        return can_see_statistics(self.request.user)

    def get_statistics(self) -> tuple[StatisticsFilterForm, ComplaintStatistics]:
        user = self.request.user
        # The period shown in the form is the one counted, the default one included.
        data = self.request.GET.copy()
        default = default_period()
        if not data.get("start"):
            data["start"] = default.start.isoformat()
        if not data.get("end"):
            data["end"] = default.end.isoformat()
        form = StatisticsFilterForm(data, units=statistics_units(user), whole_institution=sees_everything(user))
        unit = form.chosen_unit
        stats = complaint_statistics(period=form.period, unit=unit, unit_ids=statistics_scope(user, unit))
        return form, stats


class StatisticsView(StatisticsMixin, View):
    """Figures of the helpdesk for a period and a unit, with their SVG charts."""

    template_name = "complaints/stats.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        form, stats = self.get_statistics()
        kinds = stats.kinds
        chart = bar_chart(
            [month.label for month in stats.months],
            [(str(label), [month.of(kind) for month in stats.months]) for kind, label in kinds],
            title=_("Requests received by month and kind"),
            stacked=True,
            width=760,
            height=340,
            in_table=True,  # the table below it holds the same figures
        )
        rates = [
            (_("Taken in charge"), stats.handled_rate, stats.handled, stats.received, "handled"),
            (_("Answered on time"), stats.answered_on_time_rate, stats.answered_on_time, stats.answered, "on-time"),
            (
                _("Satisfied with the answer (4 or 5 out of 5)"),
                stats.satisfaction_rate,
                stats.satisfaction.satisfied,
                stats.satisfaction.rated,
                "satisfaction",
            ),
        ]
        context = {
            "form": form,
            "stats": stats,
            "chart": chart,
            "rates": [
                {
                    "label": label,
                    "value": value,
                    "numerator": numerator,
                    "denominator": denominator,
                    "key": key,
                    # The figure is written in the cell for screen readers; the bar draws it for the eye.
                    "bar": progress_bar(value.value if value else None, title=label, in_table=True),
                    "figure": format_value(value.value if value else None, "%"),
                }
                for label, value, numerator, denominator, key in rates
            ],
            "kind_rows": [(label, stats.kind_totals[kind]) for kind, label in kinds],
            "query_string": request.GET.urlencode(),
            "register_query": _register_query(form),
        }
        return render(request, self.template_name, context, status=200 if form.is_valid() else 400)


def _register_query(form: StatisticsFilterForm) -> str:
    """The register's filters matching the figures' period and unit (for the link to the register export)."""
    from django.http import QueryDict

    query = QueryDict(mutable=True)
    period = form.period
    query["received_after"] = period.start.isoformat()
    query["received_before"] = period.end.isoformat()
    if form.chosen_unit is not None:
        query["org_unit"] = str(form.chosen_unit.pk)
    return query.urlencode()


class StatisticsCsvView(StatisticsMixin, View):
    """The figures of the statistics page as CSV (UTF-8 with a BOM, ``;``)."""

    def get(self, request: HttpRequest) -> HttpResponse:
        form, stats = self.get_statistics()
        if not form.is_valid():
            return _bad_request(" ".join(str(e) for errors in form.errors.values() for e in errors))
        response = HttpResponse(exports.statistics_csv(stats), content_type=exports.CSV_CONTENT_TYPE)
        filename = exports.export_filename("statistiques-demandes", "csv")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


# --- The register ------------------------------------------------------------------------------------------------
class RegisterExportView(UserPassesTestMixin, View):
    """The register of requests, with the inbox's filters (``?status=…&kind=…``, the same query string), for
    auditors. ``?sensitive=1`` exports the sensitive register, for the sensitive-cases group only."""

    format = "csv"

    @property
    def sensitive(self) -> bool:
        return self.request.GET.get("sensitive") == "1"

    def test_func(self) -> bool:
        return can_export_register(self.request.user, sensitive=self.sensitive)

    def get(self, request: HttpRequest) -> HttpResponse:
        scope = inbox_complaints(request.user, sensitive=self.sensitive)
        query = request.GET.copy()
        for key in ("sensitive", "page"):
            query.pop(key, None)
        filterset = ComplaintFilterSet(query or None, queryset=scope, request=request)
        if filterset.is_bound and not filterset.is_valid():
            errors = "; ".join(f"{name}: {' '.join(msgs)}" for name, msgs in filterset.errors.items())
            return _bad_request(_("The filters are not valid: %(errors)s") % {"errors": errors})
        queryset: models.QuerySet[Complaint] = filterset.qs if filterset.is_bound else scope
        if not filterset.is_bound or not filterset.form.cleaned_data.get("ordering"):
            queryset = queryset.order_by("received_at", "pk")
        headers = exports.register_headers(sensitive=self.sensitive)
        rows = exports.register_rows(queryset, sensitive=self.sensitive)
        stem = "registre-signalements-sensibles" if self.sensitive else "registre-demandes"
        filename = exports.export_filename(stem, self.format)
        if self.format == "xlsx":
            handle = exports.write_xlsx(
                headers,
                rows,
                sheet_title=_("Register"),
                column_widths=exports.register_widths(sensitive=self.sensitive),
            )
            response = FileResponse(
                handle, as_attachment=True, filename=filename, content_type=exports.XLSX_CONTENT_TYPE
            )
        else:
            response = StreamingHttpResponse(exports.stream_csv(headers, rows), content_type=exports.CSV_CONTENT_TYPE)
            response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response["Cache-Control"] = "no-store, private"
        return response


# --- Reply templates ---------------------------------------------------------------------------------------------
class ReplyTemplateMixin(UserPassesTestMixin):
    model = ReplyTemplate

    def test_func(self) -> bool:
        return can_manage_reply_templates(self.request.user)


class ReplyTemplateListView(ReplyTemplateMixin, ListView):
    template_name = "complaints/replytemplate_list.html"
    context_object_name = "templates"

    def get_queryset(self):
        return ReplyTemplate.objects.order_by("-is_active", "order", "title", "pk")


class ReplyTemplateCreateView(ReplyTemplateMixin, CreateView):
    template_name = "complaints/replytemplate_form.html"
    form_class = ReplyTemplateForm
    success_url = reverse_lazy("complaints:replytemplate-list")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("The reply template “%(title)s” was created.") % {"title": self.object.title})
        return response


class ReplyTemplateUpdateView(ReplyTemplateMixin, UpdateView):
    template_name = "complaints/replytemplate_form.html"
    form_class = ReplyTemplateForm
    success_url = reverse_lazy("complaints:replytemplate-list")

    def get_object(self, queryset=None):
        template = ReplyTemplate.objects.filter(pk=self.kwargs["pk"]).first()
        if template is None:
            raise Http404
        return template

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("The reply template “%(title)s” was saved.") % {"title": self.object.title})
        return response

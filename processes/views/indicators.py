"""Indicators: their list with traffic lights, their page (trend chart, measurements, targets), entering a
measurement, setting a target, recomputing a snapshot, and the measurements each owner has to enter."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import FormView, ListView, TemplateView, View

from processes import services, trends
from processes.filtersets import IndicatorFilterSet
from processes.forms import IndicatorForm, MeasurementForm, TargetForm
from processes.models import Indicator, Measurement
from processes.periods import period_of
from processes.permissions import can_edit_indicator, can_recompute, can_view_indicator
from processes.selectors import (
    all_measurements_due,
    indicator_measurements,
    indicators_visible_to,
    measurements_due_for,
)
from processes.views.base import ObjectMixin, PeoplePickerMixin, ProcessMixin, ServiceFormMixin
from processes.views.processes import _query
from qms.core.selectors import is_quality_manager


class IndicatorListView(PermissionRequiredMixin, ListView):
    """Every indicator the user sees, with its latest value and its light."""

    permission_required = "processes.view_indicator"
    raise_exception = True
    template_name = "processes/indicator_list.html"
    context_object_name = "indicators"
    paginate_by = 50

    def get_queryset(self):
        indicators = indicators_visible_to(self.request.user).filter(is_active=True)
        self.filterset = IndicatorFilterSet(self.request.GET or None, queryset=indicators, request=self.request)
        if self.filterset.is_bound and self.filterset.is_valid():
            indicators = self.filterset.qs
        return trends.with_latest(indicators).order_by("process__code", "name", "pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            rows=trends.indicator_rows(context["page_obj"].object_list),
            filterset=self.filterset,
            query_string=_query(self.request),
        )
        return context


class IndicatorMixin(ObjectMixin):
    context_object_name = "indicator"

    def get_object(self) -> Indicator:
        return indicators_visible_to(self.request.user).get(pk=self.kwargs["pk"])

    def can(self, user, indicator) -> bool:
        return can_edit_indicator(user, indicator)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["process"] = self.object.process
        return context


class IndicatorDetailView(IndicatorMixin, TemplateView):
    template_name = "processes/indicator_detail.html"

    def can(self, user, indicator) -> bool:
        return can_view_indicator(user, indicator)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        indicator, user = self.object, self.request.user
        rows = trends.measurement_rows(indicator, indicator_measurements(indicator))
        context.update(
            rows=list(reversed(rows)),
            chart=trends.trend_chart(indicator, rows),
            targets=list(indicator.targets.select_related("set_by").order_by("-applies_from")),
            can_edit=can_edit_indicator(user, indicator),
            can_recompute=can_recompute(user, indicator),
            unit_symbol=trends.unit_symbol(indicator.unit),
        )
        return context


class IndicatorCreateView(ProcessMixin, PeoplePickerMixin, ServiceFormMixin, FormView):
    template_name = "processes/object_form.html"
    form_class = IndicatorForm

    def picked_for(self) -> str:
        return f"process:{self.process.pk}"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "with_target": True}

    def perform(self, form: IndicatorForm):
        indicator = services.indicator_create(process=self.process, by=self.request.user, **form.cleaned_data)
        messages.success(self.request, _("The indicator has been created."))
        return HttpResponseRedirect(indicator.get_absolute_url())

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=_("New indicator"), **kwargs)


class IndicatorEditView(IndicatorMixin, PeoplePickerMixin, ServiceFormMixin, FormView):
    template_name = "processes/object_form.html"
    form_class = IndicatorForm

    def picked_for(self) -> str:
        return f"indicator:{self.object.pk}"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": Indicator.objects.get(pk=self.object.pk)}

    def perform(self, form: IndicatorForm):
        services.indicator_update(indicator=self.object, by=self.request.user, **form.cleaned_data)
        messages.success(self.request, _("The indicator has been saved."))
        return HttpResponseRedirect(self.object.get_absolute_url())

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=_("Edit the indicator"), **kwargs)


class TargetSetView(IndicatorMixin, ServiceFormMixin, FormView):
    """A target in force from a date onward: the periods before keep theirs."""

    template_name = "processes/object_form.html"
    form_class = TargetForm

    def perform(self, form: TargetForm):
        services.target_set(indicator=self.object, by=self.request.user, **form.cleaned_data)
        messages.success(self.request, _("The target has been set."))
        return HttpResponseRedirect(self.object.get_absolute_url())

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=_("Set a target"), **kwargs)


class MeasurementRecordView(IndicatorMixin, ServiceFormMixin, FormView):
    """Enter (or correct) the value of a period; ``?period=YYYY-MM-DD`` fills in the period asked for."""

    template_name = "processes/object_form.html"
    form_class = MeasurementForm

    def get_initial(self):
        initial = super().get_initial()
        day = self.request.GET.get("period")
        if day:
            try:
                period = period_of(self.object.frequency, datetime.date.fromisoformat(day))
            except ValueError:
                return initial
            initial["period_start"] = period.start
            existing = Measurement.objects.filter(indicator=self.object, period_start=period.start).first()
            if existing is not None:
                initial.update(
                    value=existing.value,
                    numerator=existing.numerator,
                    denominator=existing.denominator,
                    comment=existing.comment,
                )
        return initial

    def perform(self, form: MeasurementForm):
        services.measurement_record(indicator=self.object, by=self.request.user, **form.cleaned_data)
        messages.success(self.request, _("The measurement has been saved."))
        return HttpResponseRedirect(self.object.get_absolute_url())

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=_("Enter a measurement"), **kwargs)


class MeasurementRecomputeView(ObjectMixin, View):
    """Compute a snapshot again (quality officers); the old and new values are logged."""

    http_method_names = ["post"]

    def get_object(self) -> Measurement:
        measurement = get_object_or_404(Measurement.objects.select_related("indicator__process"), pk=self.kwargs["pk"])
        indicators_visible_to(self.request.user).get(pk=measurement.indicator_id)
        return measurement

    def can(self, user, measurement) -> bool:
        return can_recompute(user, measurement.indicator)

    def post(self, request, *args, **kwargs):
        measurement = self.object
        try:
            measurement = services.measurement_recompute(measurement=measurement, by=request.user)
        except services.ProcessMapError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("The snapshot has been recomputed: %(value)s.")
                % {"value": trends.format_measure(measurement.value, measurement.indicator.unit)},
            )
        return HttpResponseRedirect(measurement.indicator.get_absolute_url())


class MeasurementsDueView(PermissionRequiredMixin, TemplateView):
    """The measurements the user has to enter (overdue first); quality managers also see everyone's."""

    permission_required = "processes.view_indicator"
    raise_exception = True
    template_name = "processes/measurements_due.html"

    def has_permission(self) -> bool:
        # An indicator's owner has measurements to enter, whatever their groups.
        user = self.request.user
        return super().has_permission() or (
            user.is_authenticated and Indicator.objects.filter(Q(owner=user) | Q(process__owner=user)).exists()
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        today = timezone.localdate()
        context.update(
            mine=measurements_due_for(user, today=today),
            everyone=all_measurements_due(today=today) if is_quality_manager(user) else None,
            today=today,
        )
        return context

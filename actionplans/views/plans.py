"""The plans: the list, a plan's page (its tree, folded when large), creating and editing a plan, its axes and
objectives, and its timeline."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import FormView, ListView, TemplateView

from actionplans import services
from actionplans.filtersets import PlanFilterSet
from actionplans.forms import AxisForm, ObjectiveForm, PlanForm
from actionplans.models import ActionPlan, Axis, Objective
from actionplans.reports import PLAN_PDF
from actionplans.selectors import (
    can_add_action,
    can_create_plan,
    can_edit_plan,
    plan_outline,
    plan_unit_choices,
    plans_visible_to,
    plans_with_counts,
)
from actionplans.timeline import timeline_svg
from actionplans.views.base import PlanEditMixin, PlanMixin
from qms.core.domain import ServiceFormMixin
from qms.core.lists import query_string
from qms.core.reports import latest_ready


class PlanListView(PermissionRequiredMixin, ListView):
    """The plans the user sees, with their progress."""

    permission_required = "actionplans.view_actionplan"
    raise_exception = True
    template_name = "actionplans/plan_list.html"
    context_object_name = "plans"
    paginate_by = 50

    def get_queryset(self):
        self.filterset = PlanFilterSet(
            self.request.GET or None, queryset=plans_visible_to(self.request.user), request=self.request
        )
        plans = self.filterset.qs if self.filterset.is_bound else self.filterset.queryset
        return plans_with_counts(plans).order_by("status", "-created_at", "-pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            filterset=self.filterset,
            query_string=query_string(self.request),
            can_create=can_create_plan(self.request.user),
        )
        return context


class PlanDetailView(PlanMixin, TemplateView):
    """The plan as a tree, axis → objective → actions, with progress rolled up at each level. A large plan opens
    folded: every axis and objective with its figures, and the actions of one axis at a time (``?axis=``), a page
    at a time (``?page=``)."""

    template_name = "actionplans/plan_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context.update(
            tree=plan_outline(self.plan, open_key=self.request.GET.get("axis"), page=self.request.GET.get("page")),
            can_edit=can_edit_plan(user, self.plan),
            can_add_action=can_add_action(user, self.plan),
            last_pdf=latest_ready(PLAN_PDF, self.plan),
        )
        return context


class PlanCreateView(PermissionRequiredMixin, ServiceFormMixin, FormView):
    permission_required = "actionplans.add_actionplan"
    raise_exception = True
    template_name = "actionplans/plan_form.html"
    form_class = PlanForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["unit_choices"], kwargs["unit_required"] = plan_unit_choices(self.request.user)
        kwargs["initial"] = {"owner": self.request.user}
        kwargs["user"] = self.request.user
        return kwargs

    def perform(self, form: PlanForm):
        plan = services.plan_create(by=self.request.user, **form.cleaned_data)
        messages.success(self.request, _("The plan has been created."))
        return HttpResponseRedirect(plan.get_absolute_url())


class PlanEditView(PlanEditMixin, ServiceFormMixin, FormView):
    template_name = "actionplans/plan_form.html"
    form_class = PlanForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        # A copy: the form writes its input into its instance, and the page around it shows ``self.plan``.
        kwargs["instance"] = ActionPlan.objects.get(pk=self.plan.pk)
        kwargs["unit_choices"], kwargs["unit_required"] = plan_unit_choices(self.request.user, self.plan.org_unit)
        kwargs["user"] = self.request.user
        return kwargs

    def perform(self, form: PlanForm):
        plan = ActionPlan.objects.get(pk=self.plan.pk)
        services.plan_update(plan=plan, by=self.request.user, **form.cleaned_data)
        messages.success(self.request, _("The plan has been saved."))
        return HttpResponseRedirect(plan.get_absolute_url())


class AxisCreateView(PlanEditMixin, ServiceFormMixin, FormView):
    template_name = "actionplans/tree_form.html"
    form_class = AxisForm

    def perform(self, form: AxisForm):
        data = form.cleaned_data
        services.axis_create(
            plan=self.plan, title=data["title"], code=data["code"], order=data.get("order"), by=self.request.user
        )
        return HttpResponseRedirect(self.plan.get_absolute_url())

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=_("New axis"), **kwargs)


class AxisEditView(PlanEditMixin, ServiceFormMixin, FormView):
    template_name = "actionplans/tree_form.html"
    form_class = AxisForm

    @cached_property
    def axis(self) -> Axis:
        return get_object_or_404(Axis.objects.select_related("plan"), pk=self.kwargs["axis_pk"], plan=self.plan)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": Axis.objects.get(pk=self.axis.pk)}

    def perform(self, form: AxisForm):
        data = form.cleaned_data
        services.axis_update(
            axis=self.axis,
            by=self.request.user,
            title=data["title"],
            code=data["code"],
            order=data.get("order") or self.axis.order,
        )
        return HttpResponseRedirect(self.plan.get_absolute_url())

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=_("Edit the axis"), **kwargs)


class ObjectiveCreateView(PlanEditMixin, ServiceFormMixin, FormView):
    template_name = "actionplans/tree_form.html"
    form_class = ObjectiveForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["plan"] = self.plan
        axis = self.request.GET.get("axis")
        if axis and axis.isdigit():
            kwargs.setdefault("initial", {})["axis"] = int(axis)
        return kwargs

    def perform(self, form: ObjectiveForm):
        data = form.cleaned_data
        services.objective_create(
            plan=self.plan, axis=data["axis"], title=data["title"], order=data.get("order"), by=self.request.user
        )
        return HttpResponseRedirect(self.plan.get_absolute_url())

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=_("New strategic objective"), **kwargs)


class ObjectiveEditView(PlanEditMixin, ServiceFormMixin, FormView):
    template_name = "actionplans/tree_form.html"
    form_class = ObjectiveForm

    @cached_property
    def objective(self) -> Objective:
        return get_object_or_404(Objective, pk=self.kwargs["objective_pk"], plan=self.plan)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "plan": self.plan, "instance": Objective.objects.get(pk=self.objective.pk)}

    def perform(self, form: ObjectiveForm):
        data = form.cleaned_data
        services.objective_update(
            objective=self.objective,
            by=self.request.user,
            title=data["title"],
            axis=data["axis"],
            order=data.get("order") or self.objective.order,
        )
        return HttpResponseRedirect(self.plan.get_absolute_url())

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=_("Edit the strategic objective"), **kwargs)


class PlanTimelineView(PlanMixin, TemplateView):
    """The plan's actions on a time axis by deadline, late ones marked; ``?format=svg`` gives the image."""

    template_name = "actionplans/plan_timeline.html"

    def svg(self):
        actions = list(
            self.plan.actions.only(
                "pk", "plan_id", "reference", "title", "status", "deadline", "start_date", "completed_on", "created_at"
            )
        )
        return timeline_svg(actions, title=_("Timeline of %(plan)s") % {"plan": self.plan.title})

    def get(self, request, *args, **kwargs):
        if request.GET.get("format") == "svg":
            return HttpResponse(self.svg(), content_type="image/svg+xml; charset=utf-8")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(chart=self.svg(), **kwargs)

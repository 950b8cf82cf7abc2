"""Pages of the action plans. Each declares what it needs: a permission for the lists, an object rule from
``actionplans.selectors`` for the rest; objects outside the user's scope give 404."""

from __future__ import annotations

import mimetypes
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin, UserPassesTestMixin
from django.db.models import F
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.functional import cached_property
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.generic import FormView, ListView, TemplateView, View

from actionplans import exports, imports, services
from actionplans.choices import OPEN_STATUSES, ActionStatus
from actionplans.filtersets import ActionFilterSet, PlanFilterSet
from actionplans.forms import (
    ActionForm,
    ActionUpdateForm,
    AxisForm,
    EffectivenessForm,
    ImportForm,
    ObjectiveForm,
    PlanForm,
    TransitionForm,
)
from actionplans.models import Action, ActionEvidence, ActionPlan, Axis, Objective, PlanImport
from actionplans.selectors import (
    action_detail,
    action_picker_label,
    action_timeline,
    action_unit_choices,
    actions_visible_to,
    can_add_action,
    can_check_effectiveness,
    can_edit_action,
    can_edit_plan,
    can_update_action,
    my_actions,
    plan_tree,
    plan_unit_choices,
    plans_visible_to,
    plans_with_counts,
    search_actions,
)
from actionplans.services import ActionPlanError
from actionplans.timeline import timeline_svg
from qms.core.files import private_file_response
from qms.core.pdf import pdf_response
from qms.core.search import SEARCH_LIMIT, search_terms

# --- Mixins -------------------------------------------------------------------------------------------------


class PlanMixin(UserPassesTestMixin):
    """A page of one plan, found among the plans the user sees (404 otherwise); ``test_func`` says what more
    the page needs (403 otherwise)."""

    raise_exception = True
    plan_kwarg = "pk"

    @cached_property
    def plan(self) -> ActionPlan:
        return get_object_or_404(plans_visible_to(self.request.user), pk=self.kwargs[self.plan_kwarg])

    def test_func(self) -> bool:
        return self.plan is not None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["plan"] = self.plan
        return context


class PlanEditMixin(PlanMixin):
    """A page that edits a plan: its owner and quality managers."""

    def test_func(self) -> bool:
        return can_edit_plan(self.request.user, self.plan)


class ActionMixin(UserPassesTestMixin):
    """A page of one action, found among the actions the user sees (404 otherwise)."""

    raise_exception = True

    @cached_property
    def action(self) -> Action:
        try:
            return action_detail(self.request.user, self.kwargs["pk"])
        except Action.DoesNotExist:
            raise Http404 from None

    def test_func(self) -> bool:
        return self.action is not None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["action"] = self.action
        context["plan"] = self.action.plan
        return context


# --- Plans --------------------------------------------------------------------------------------------------


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
        context["filter"] = self.filterset
        context["can_create"] = self.request.user.has_perm("actionplans.add_actionplan")
        return context


class PlanDetailView(PlanMixin, TemplateView):
    """The plan as a tree, axis → objective → actions, with progress rolled up at each level."""

    template_name = "actionplans/plan_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context.update(
            tree=plan_tree(self.plan),
            can_edit=can_edit_plan(user, self.plan),
            can_add_action=can_add_action(user, self.plan),
        )
        return context


class PlanCreateView(PermissionRequiredMixin, FormView):
    permission_required = "actionplans.add_actionplan"
    raise_exception = True
    template_name = "actionplans/plan_form.html"
    form_class = PlanForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["unit_choices"], kwargs["unit_required"] = plan_unit_choices(self.request.user)
        kwargs["initial"] = {"owner": self.request.user}
        return kwargs

    def form_valid(self, form: PlanForm):
        try:
            plan = services.plan_create(by=self.request.user, **form.cleaned_data)
        except ActionPlanError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        messages.success(self.request, _("The plan has been created."))
        return HttpResponseRedirect(plan.get_absolute_url())


class PlanEditView(PlanEditMixin, FormView):
    template_name = "actionplans/plan_form.html"
    form_class = PlanForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        # A copy: the form writes its input into its instance, and the page around it shows ``self.plan``.
        kwargs["instance"] = ActionPlan.objects.get(pk=self.plan.pk)
        kwargs["unit_choices"], kwargs["unit_required"] = plan_unit_choices(self.request.user, self.plan.org_unit)
        return kwargs

    def form_valid(self, form: PlanForm):
        plan = ActionPlan.objects.get(pk=self.plan.pk)
        try:
            services.plan_update(plan=plan, by=self.request.user, **form.cleaned_data)
        except ActionPlanError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        messages.success(self.request, _("The plan has been saved."))
        return HttpResponseRedirect(plan.get_absolute_url())


class AxisCreateView(PlanEditMixin, FormView):
    template_name = "actionplans/tree_form.html"
    form_class = AxisForm

    def form_valid(self, form: AxisForm):
        data = form.cleaned_data
        try:
            services.axis_create(
                plan=self.plan, title=data["title"], code=data["code"], order=data.get("order"), by=self.request.user
            )
        except ActionPlanError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        return HttpResponseRedirect(self.plan.get_absolute_url())

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=_("New axis"), **kwargs)


class AxisEditView(PlanEditMixin, FormView):
    template_name = "actionplans/tree_form.html"
    form_class = AxisForm

    @cached_property
    def axis(self) -> Axis:
        return get_object_or_404(Axis.objects.select_related("plan"), pk=self.kwargs["axis_pk"], plan=self.plan)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": Axis.objects.get(pk=self.axis.pk)}

    def form_valid(self, form: AxisForm):
        data = form.cleaned_data
        try:
            services.axis_update(
                axis=self.axis,
                by=self.request.user,
                title=data["title"],
                code=data["code"],
                order=data.get("order") or self.axis.order,
            )
        except ActionPlanError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        return HttpResponseRedirect(self.plan.get_absolute_url())

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=_("Edit the axis"), **kwargs)


class ObjectiveCreateView(PlanEditMixin, FormView):
    template_name = "actionplans/tree_form.html"
    form_class = ObjectiveForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["plan"] = self.plan
        axis = self.request.GET.get("axis")
        if axis and axis.isdigit():
            kwargs.setdefault("initial", {})["axis"] = int(axis)
        return kwargs

    def form_valid(self, form: ObjectiveForm):
        data = form.cleaned_data
        try:
            services.objective_create(
                plan=self.plan, axis=data["axis"], title=data["title"], order=data.get("order"), by=self.request.user
            )
        except ActionPlanError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        return HttpResponseRedirect(self.plan.get_absolute_url())

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=_("New strategic objective"), **kwargs)


class ObjectiveEditView(PlanEditMixin, FormView):
    template_name = "actionplans/tree_form.html"
    form_class = ObjectiveForm

    @cached_property
    def objective(self) -> Objective:
        return get_object_or_404(Objective, pk=self.kwargs["objective_pk"], plan=self.plan)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "plan": self.plan, "instance": Objective.objects.get(pk=self.objective.pk)}

    def form_valid(self, form: ObjectiveForm):
        data = form.cleaned_data
        try:
            services.objective_update(
                objective=self.objective,
                by=self.request.user,
                title=data["title"],
                axis=data["axis"],
                order=data.get("order") or self.objective.order,
            )
        except ActionPlanError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        return HttpResponseRedirect(self.plan.get_absolute_url())

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=_("Edit the strategic objective"), **kwargs)


# --- Import and export --------------------------------------------------------------------------------------


class PlanImportView(PlanEditMixin, FormView):
    """Upload a spreadsheet; the next page previews what it would change."""

    template_name = "actionplans/plan_import.html"
    form_class = ImportForm

    def form_valid(self, form: ImportForm):
        upload = form.cleaned_data["file"]
        try:
            plan_import = services.plan_import_start(
                plan=self.plan, by=self.request.user, source=upload, filename=upload.name
            )
        except ActionPlanError as error:
            form.add_error("file", error.message)
            return self.form_invalid(form)
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


class PlanExportView(PlanMixin, View):
    """The plan as XLSX or CSV, in the format the import reads."""

    def get(self, request, *args, **kwargs):
        fmt = self.kwargs["fmt"]
        if fmt == "xlsx":
            content, content_type = exports.export_xlsx(self.plan), exports.XLSX_CONTENT_TYPE
        else:
            content, content_type = exports.export_csv(self.plan), exports.CSV_CONTENT_TYPE
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = content_disposition_header(True, exports.export_filename(self.plan, fmt))
        return response


class PlanPdfView(PlanMixin, View):
    """The AEQES-style synthetic table of the plan, as a PDF."""

    def get(self, request, *args, **kwargs):
        return pdf_response(exports.PlanPdfReport(self.plan, request=request))


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


# --- Actions ------------------------------------------------------------------------------------------------


class ActionListView(PermissionRequiredMixin, ListView):
    """The actions the user sees, filtered by plan, status, owner, unit, process, kind, lateness, due date, text."""

    permission_required = "actionplans.view_action"
    raise_exception = True
    template_name = "actionplans/action_list.html"
    context_object_name = "actions"
    paginate_by = 50

    def get_queryset(self):
        actions = actions_visible_to(self.request.user).order_by(F("deadline").asc(nulls_last=True), "pk")
        self.filterset = ActionFilterSet(self.request.GET or None, queryset=actions, request=self.request)
        return self.filterset.qs if self.filterset.is_bound and self.filterset.is_valid() else actions

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filter"] = self.filterset
        query = self.request.GET.copy()
        query.pop("page", None)
        context["query"] = query.urlencode()
        return context


class MyActionsView(LoginRequiredMixin, ListView):
    """The actions the signed-in user owns, open ones first."""

    template_name = "actionplans/my_actions.html"
    context_object_name = "actions"
    paginate_by = 100

    def get_queryset(self):
        return my_actions(self.request.user)


class ActionDetailView(ActionMixin, TemplateView):
    """An action with its origin and sources, its timeline of updates, status changes and checks."""

    template_name = "actionplans/action_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        action, user = self.action, self.request.user
        can_update = can_update_action(user, action)
        can_report = can_update and action.status != ActionStatus.CANCELLED
        context.update(
            timeline=action_timeline(action),
            sources=list(action.sources.all()),
            origin=action.origin_link,
            can_edit=can_edit_action(user, action),
            can_update=can_update,
            can_check=can_check_effectiveness(user, action),
            plan_visible=plans_visible_to(user).filter(pk=action.plan_id).exists(),
            transition_form=TransitionForm(action=action) if can_update else None,
            update_form=ActionUpdateForm(action=action) if can_report else None,
        )
        return context


class ActionCreateView(PlanMixin, FormView):
    template_name = "actionplans/action_form.html"
    form_class = ActionForm

    def test_func(self) -> bool:
        return can_add_action(self.request.user, self.plan)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["plan"] = self.plan
        kwargs["unit_choices"] = action_unit_choices(self.request.user, self.plan)
        initial = {"org_unit": self.plan.org_unit}
        objective = self.request.GET.get("objective")
        if objective and objective.isdigit():
            initial["objective"] = int(objective)
        kwargs["initial"] = initial
        return kwargs

    def form_valid(self, form: ActionForm):
        data = dict(form.cleaned_data)
        try:
            action = services.action_create(plan=self.plan, by=self.request.user, **data)
        except ActionPlanError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        messages.success(self.request, _("The action has been created."))
        return HttpResponseRedirect(action.get_absolute_url())


class ActionEditView(ActionMixin, FormView):
    template_name = "actionplans/action_form.html"
    form_class = ActionForm

    def test_func(self) -> bool:
        return can_edit_action(self.request.user, self.action)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["plan"] = self.action.plan
        kwargs["instance"] = Action.objects.get(pk=self.action.pk)
        kwargs["unit_choices"] = action_unit_choices(self.request.user, self.action.plan, self.action.org_unit)
        return kwargs

    def form_valid(self, form: ActionForm):
        try:
            services.action_update(action=self.action, by=self.request.user, **form.cleaned_data)
        except ActionPlanError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        messages.success(self.request, _("The action has been saved."))
        return HttpResponseRedirect(self.action.get_absolute_url())


class ActionTransitionView(ActionMixin, FormView):
    """Move an action's status (its owner, the owner of its process, and its editors)."""

    template_name = "actionplans/action_transition.html"
    form_class = TransitionForm

    def test_func(self) -> bool:
        return can_update_action(self.request.user, self.action)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "action": self.action}

    def form_valid(self, form: TransitionForm):
        data = form.cleaned_data
        try:
            services.action_transition(
                action=self.action,
                to=data["to"],
                by=self.request.user,
                note=data["note"],
                completed_on=data.get("completed_on"),
            )
        except ActionPlanError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        messages.success(
            self.request, _("The action is now “%(status)s”.") % {"status": ActionStatus(data["to"]).label}
        )
        return HttpResponseRedirect(self.action.get_absolute_url())


class ActionUpdateAddView(ActionMixin, FormView):
    """Report progress, with evidence."""

    template_name = "actionplans/action_update_form.html"
    form_class = ActionUpdateForm

    def test_func(self) -> bool:
        return can_update_action(self.request.user, self.action)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "action": self.action}

    def form_valid(self, form: ActionUpdateForm):
        data = form.cleaned_data
        try:
            services.action_add_update(
                action=self.action,
                by=self.request.user,
                comment=data.get("comment", ""),
                progress=data.get("progress"),
                files=data.get("files") or [],
                links=data.get("links") or [],
            )
        except ActionPlanError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        messages.success(self.request, _("The progress update has been added."))
        return HttpResponseRedirect(self.action.get_absolute_url())


class ActionEffectivenessView(ActionMixin, FormView):
    """Record whether a done action proved effective; a not-effective one may start a follow-up action."""

    template_name = "actionplans/action_effectiveness.html"
    form_class = EffectivenessForm

    def test_func(self) -> bool:
        return can_check_effectiveness(self.request.user, self.action)

    def form_valid(self, form: EffectivenessForm):
        data: dict[str, Any] = form.cleaned_data
        try:
            check = services.action_check_effectiveness(action=self.action, by=self.request.user, **data)
        except ActionPlanError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        if check.follow_up is not None:
            messages.success(self.request, _("The check has been recorded and a follow-up action started."))
            return HttpResponseRedirect(check.follow_up.get_absolute_url())
        messages.success(self.request, _("The check has been recorded."))
        return HttpResponseRedirect(self.action.get_absolute_url())


class EvidenceDownloadView(UserPassesTestMixin, View):
    """An evidence file, for whoever sees its action; always a download, never shown inline."""

    raise_exception = True

    @cached_property
    def evidence(self) -> ActionEvidence:
        evidence = get_object_or_404(ActionEvidence.objects.select_related("update"), pk=self.kwargs["pk"])
        if not evidence.file or not actions_visible_to(self.request.user).filter(pk=evidence.update.action_id).exists():
            raise Http404
        return evidence

    def test_func(self) -> bool:
        return self.evidence is not None

    def get(self, request, *args, **kwargs):
        evidence = self.evidence
        content_type = mimetypes.guess_type(evidence.filename)[0] or "application/octet-stream"
        return private_file_response(evidence.file, filename=evidence.filename, content_type=content_type)


# --- The action picker's search (qms.core.widgets) -----------------------------------------------------------------


@method_decorator(never_cache, name="dispatch")
class ActionSearchView(PermissionRequiredMixin, View):
    """Actions the user sees whose reference or title matches ``q`` (any case, any accents), at most
    SEARCH_LIMIT, as JSON for static/js/autocomplete.js. ``exclude``: ids to leave out (comma-separated);
    ``open=1``: open actions only. Both only narrow the actions the user may see."""

    permission_required = "actionplans.view_action"
    raise_exception = True
    http_method_names = ["get"]

    def get(self, request, *args, **kwargs) -> HttpResponse:
        text = request.GET.get("q", "")[:200]
        if not search_terms(text):
            return JsonResponse({"results": [], "more": False})
        actions = actions_visible_to(request.user)
        excluded = [int(pk) for pk in request.GET.get("exclude", "").split(",")[:500] if pk.strip().isdigit()]
        if excluded:
            actions = actions.exclude(pk__in=excluded)
        if request.GET.get("open") == "1":
            actions = actions.filter(status__in=OPEN_STATUSES)
        found = list(search_actions(actions, text)[: SEARCH_LIMIT + 1])
        return JsonResponse(
            {
                "results": [
                    {
                        "id": str(action.pk),
                        "text": action_picker_label(action),
                        "detail": f"{action.plan.title} · {action.get_status_display()}",
                    }
                    for action in found[:SEARCH_LIMIT]
                ],
                "more": len(found) > SEARCH_LIMIT,
            }
        )

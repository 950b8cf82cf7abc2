"""Pages of the action plans. Each declares what it needs: a permission for the lists, an object rule from
``actionplans.selectors`` for the rest; objects outside the user's scope give 404."""

from __future__ import annotations

import mimetypes
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin, UserPassesTestMixin
from django.core.exceptions import PermissionDenied
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
    SourceActionForm,
    SourceLinkForm,
    TransitionForm,
)
from actionplans.models import Action, ActionEvidence, ActionPlan, Axis, Objective, PlanImport
from actionplans.reports import PLAN_PDF
from actionplans.selectors import (
    action_detail,
    action_picker_label,
    action_timeline,
    action_unit_choices,
    actions_of_object,
    actions_user_can_edit,
    actions_visible_to,
    can_add_action,
    can_add_to_default_plan,
    can_check_effectiveness,
    can_create_for_source,
    can_create_plan,
    can_edit_action,
    can_edit_plan,
    can_link_to_source,
    can_report_progress,
    can_see_plans,
    can_update_action,
    can_view_checks,
    can_view_evidence,
    can_view_updates,
    described_sources,
    has_any_plan_scope,
    my_actions,
    plan_outline,
    plan_unit_choices,
    plans_visible_to,
    plans_with_counts,
    search_actions,
    with_sources,
)
from actionplans.services import ActionPlanError
from actionplans.timeline import timeline_svg
from qms.core import sources
from qms.core.domain import ServiceFormMixin, errors_on
from qms.core.files import private_file_response
from qms.core.lists import query_string
from qms.core.reports import ReportError, latest_ready, request_report
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


# --- Import and export --------------------------------------------------------------------------------------


class PlanImportView(PlanEditMixin, ServiceFormMixin, FormView):
    """Upload a spreadsheet; the next page previews what it would change."""

    template_name = "actionplans/plan_import.html"
    form_class = ImportForm

    def perform(self, form: ImportForm):
        upload = form.cleaned_data["file"]
        plan_import = services.plan_import_start(
            plan=self.plan, by=self.request.user, source=upload, filename=upload.name
        )
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
    """Ask for the AEQES-style synthetic table of the plan as a PDF: it is built in the background, and the
    progress page (core:report) offers it once ready."""

    def get(self, request, *args, **kwargs):
        # An old bookmark of the PDF: the last one built, if any, else the plan. A GET never builds anything.
        last = latest_ready(PLAN_PDF, self.plan)
        return HttpResponseRedirect(last.get_absolute_url() if last else self.plan.get_absolute_url())

    def post(self, request, *args, **kwargs):
        try:
            report = request_report(kind=PLAN_PDF, obj=self.plan, by=request.user)
        except ReportError as error:
            messages.error(request, error.message)
            return HttpResponseRedirect(self.plan.get_absolute_url())
        return HttpResponseRedirect(report.get_absolute_url())


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
        context.update(
            filterset=self.filterset,
            query_string=query_string(self.request),
            can_see_plans=can_see_plans(self.request.user),
            nothing_granted=not context["actions"] and not has_any_plan_scope(self.request.user),
        )
        # What each action answers, as its app describes it to this viewer (qms.core.sources).
        for action in with_sources(context["actions"]):
            described = described_sources(action, self.request.user)
            action.described_origin = described[0] if described else None
        return context


class MyActionsView(LoginRequiredMixin, ListView):
    """The actions the signed-in user owns, open ones first."""

    template_name = "actionplans/my_actions.html"
    context_object_name = "actions"
    paginate_by = 100

    def get_queryset(self):
        return my_actions(self.request.user)

    def get_context_data(self, **kwargs):
        return super().get_context_data(query_string=query_string(self.request), **kwargs)


class ActionDetailView(ActionMixin, TemplateView):
    """An action with its origin and sources, its timeline of updates, status changes and checks."""

    template_name = "actionplans/action_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        action, user = self.action, self.request.user
        can_update = can_update_action(user, action)
        can_report = can_report_progress(user, action)
        show_updates, show_checks = can_view_updates(user, action), can_view_checks(user, action)
        described = described_sources(action, user)
        context.update(
            timeline=action_timeline(action, updates=show_updates, checks=show_checks),
            origin=described[0] if described else None,
            other_sources=described[1:],
            show_updates=show_updates,
            show_evidence=can_view_evidence(user, action),
            show_checks=show_checks,
            can_edit=can_edit_action(user, action),
            can_update=can_update,
            can_check=can_check_effectiveness(user, action),
            plan_visible=plans_visible_to(user).filter(pk=action.plan_id).exists(),
            transition_form=TransitionForm(action=action) if can_update else None,
            update_form=ActionUpdateForm(action=action) if can_report else None,
        )
        return context


class ActionCreateView(PlanMixin, ServiceFormMixin, FormView):
    template_name = "actionplans/action_form.html"
    form_class = ActionForm

    def test_func(self) -> bool:
        return can_add_action(self.request.user, self.plan)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["plan"] = self.plan
        kwargs["user"] = self.request.user
        kwargs["unit_choices"] = action_unit_choices(self.request.user, self.plan)
        initial = {"org_unit": self.plan.org_unit}
        objective = self.request.GET.get("objective")
        if objective and objective.isdigit():
            initial["objective"] = int(objective)
        kwargs["initial"] = initial
        return kwargs

    def perform(self, form: ActionForm):
        data = dict(form.cleaned_data)
        action = services.action_create(plan=self.plan, by=self.request.user, **data)
        messages.success(self.request, _("The action has been created."))
        return HttpResponseRedirect(action.get_absolute_url())


class ActionEditView(ActionMixin, ServiceFormMixin, FormView):
    template_name = "actionplans/action_form.html"
    form_class = ActionForm

    def test_func(self) -> bool:
        return can_edit_action(self.request.user, self.action)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["plan"] = self.action.plan
        kwargs["user"] = self.request.user
        kwargs["instance"] = Action.objects.get(pk=self.action.pk)
        kwargs["unit_choices"] = action_unit_choices(self.request.user, self.action.plan, self.action.org_unit)
        return kwargs

    def perform(self, form: ActionForm):
        services.action_update(action=self.action, by=self.request.user, **form.cleaned_data)
        messages.success(self.request, _("The action has been saved."))
        return HttpResponseRedirect(self.action.get_absolute_url())


class ActionTransitionView(ActionMixin, ServiceFormMixin, FormView):
    """Move an action's status (its owner, the owner of its process, and its editors)."""

    template_name = "actionplans/action_transition.html"
    form_class = TransitionForm

    def test_func(self) -> bool:
        return can_update_action(self.request.user, self.action)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "action": self.action}

    def perform(self, form: TransitionForm):
        data = form.cleaned_data
        services.action_transition(
            action=self.action,
            to=data["to"],
            by=self.request.user,
            note=data["note"],
            completed_on=data.get("completed_on"),
        )
        messages.success(
            self.request, _("The action is now “%(status)s”.") % {"status": ActionStatus(data["to"]).label}
        )
        return HttpResponseRedirect(self.action.get_absolute_url())


class ActionUpdateAddView(ActionMixin, ServiceFormMixin, FormView):
    """Report progress, with evidence."""

    template_name = "actionplans/action_update_form.html"
    form_class = ActionUpdateForm

    def test_func(self) -> bool:
        return can_update_action(self.request.user, self.action)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "action": self.action}

    def perform(self, form: ActionUpdateForm):
        data = form.cleaned_data
        services.action_add_update(
            action=self.action,
            by=self.request.user,
            comment=data.get("comment", ""),
            progress=data.get("progress"),
            files=data.get("files") or [],
            links=data.get("links") or [],
        )
        messages.success(self.request, _("The progress update has been added."))
        return HttpResponseRedirect(self.action.get_absolute_url())


class ActionEffectivenessView(ActionMixin, ServiceFormMixin, FormView):
    """Record whether a done action proved effective; a not-effective one may start a follow-up action."""

    template_name = "actionplans/action_effectiveness.html"
    form_class = EffectivenessForm

    def test_func(self) -> bool:
        return can_check_effectiveness(self.request.user, self.action)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "action": self.action, "user": self.request.user}

    def perform(self, form: EffectivenessForm):
        data: dict[str, Any] = form.cleaned_data
        check = services.action_check_effectiveness(action=self.action, by=self.request.user, **data)
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
        action = actions_visible_to(self.request.user).filter(pk=evidence.update.action_id).first()
        if not evidence.file or action is None or not can_view_evidence(self.request.user, action):
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
    ``open=1``: open actions only; ``editable=1``: those the user may edit. All only narrow the actions the
    user may see."""

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
        if request.GET.get("editable") == "1":
            actions = actions.filter(pk__in=actions_user_can_edit(request.user).values("pk"))
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


# --- Actions answering a source: one page for every app's objects -------------------------------------------------


class SourceActionsView(UserPassesTestMixin, TemplateView):
    """Create an action answering any registered source (a request, a risk, a finding …), or link existing ones
    to it. Any app opens it with its object: ``reverse("actionplans:source-actions", args=[sources.key(obj),
    obj.pk])``, as the "Actions" panel does. The source must be one the user may open (404 otherwise); the
    source says whether they may work on it, and the action plans whether they may add to a plan (the default
    plan included) or edit the actions they link (403 otherwise)."""

    raise_exception = True
    template_name = "actionplans/source_actions.html"

    @cached_property
    def source(self):
        source_type = sources.get_by_key(self.kwargs["source_key"])
        if source_type is None:
            raise Http404
        obj = source_type.model._default_manager.filter(pk=self.kwargs["object_id"]).first()
        if obj is None or not source_type.can_open(self.request.user, obj):
            raise Http404
        return obj

    @cached_property
    def may_create(self) -> bool:
        return can_create_for_source(self.request.user, self.source)

    @cached_property
    def may_link(self) -> bool:
        return can_link_to_source(self.request.user, self.source)

    def test_func(self) -> bool:
        return self.may_create or self.may_link

    def forms(self, data=None, posted: str = ""):
        user, source = self.request.user, self.source
        create = link = None
        if self.may_create:
            create = SourceActionForm(data if posted == "create" else None, source=source, user=user, prefix="create")
        if self.may_link:
            link = SourceLinkForm(data if posted == "link" else None, source=source, user=user, prefix="link")
        return create, link

    def back_url(self) -> str:
        get_url = getattr(self.source, "get_absolute_url", None)
        return get_url() if get_url else reverse("actionplans:action-list")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        create, link = kwargs.pop("create_form", None), kwargs.pop("link_form", None)
        if create is None and link is None:
            create, link = self.forms()
        source_type = sources.get(self.source)
        context.update(
            source=self.source,
            described=sources.describe(self.source, self.request.user),
            refusal=source_type.refusal(self.source),
            actions=actions_of_object(self.request.user, self.source),
            create_form=create,
            link_form=link,
            back_url=self.back_url(),
        )
        return context

    def post(self, request, *args, **kwargs):
        which = request.POST.get("form")
        if which not in ("create", "link") or (which == "create" and not self.may_create):
            raise PermissionDenied
        if which == "link" and not self.may_link:
            raise PermissionDenied
        create, link = self.forms(request.POST, posted=which)
        form = create if which == "create" else link
        if form.is_valid():
            with errors_on(form):
                message = self.perform(which, form.cleaned_data)
                messages.success(request, message)
                return HttpResponseRedirect(self.back_url())
        context = self.get_context_data(create_form=create, link_form=link, open_form=which)
        return self.render_to_response(context, status=400)

    def perform(self, which: str, data: dict[str, Any]) -> str:
        user = self.request.user
        if which == "create":
            plan = data["plan"]
            # The default plan is chosen with the same right as any other: never made for someone who may not add.
            if plan is None and not can_add_to_default_plan(
                user, sources.default_unit(self.source), sources.default_programme(self.source)
            ):
                raise PermissionDenied
            action = services.action_create_for_source(
                source=self.source,
                by=user,
                title=data["title"],
                plan=plan,
                description=data["description"],
                kind=data["kind"],
                priority=data["priority"],
                owner=data["owner"],
                deadline=data["deadline"],
            )
            return _("The action %(reference)s was created in “%(plan)s”.") % {
                "reference": action.reference,
                "plan": action.plan,
            }
        count = services.action_link_to_source(source=self.source, actions=data["actions"], by=user)
        return ngettext("%(count)d action linked.", "%(count)d actions linked.", count) % {"count": count}

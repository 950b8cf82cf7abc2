"""The actions: the lists (all, mine), an action's page, creating and editing one, moving its status, reporting
progress, checking effectiveness, evidence downloads, and the action picker's search."""

from __future__ import annotations

import mimetypes
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin, UserPassesTestMixin
from django.db.models import F
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils.decorators import method_decorator
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.generic import FormView, ListView, TemplateView, View

from actionplans import services
from actionplans.choices import OPEN_STATUSES, ActionStatus
from actionplans.filtersets import ActionFilterSet
from actionplans.forms import ActionForm, ActionUpdateForm, EffectivenessForm, TransitionForm
from actionplans.models import Action, ActionEvidence
from actionplans.selectors import (
    action_picker_label,
    action_timeline,
    action_unit_choices,
    actions_user_can_edit,
    actions_visible_to,
    can_add_action,
    can_check_effectiveness,
    can_edit_action,
    can_report_progress,
    can_see_plans,
    can_update_action,
    can_view_checks,
    can_view_evidence,
    can_view_updates,
    described_page_sources,
    described_sources,
    for_action_rows,
    has_any_plan_scope,
    my_actions,
    plans_visible_to,
    search_actions,
    with_sources,
)
from actionplans.views.base import ActionMixin, PlanMixin
from qms.core.domain import ServiceFormMixin
from qms.core.files import private_file_response
from qms.core.lists import query_string
from qms.core.search import SEARCH_LIMIT, search_terms


class ActionListView(PermissionRequiredMixin, ListView):
    """The actions the user sees, filtered by plan, status, owner, unit, process, kind, lateness, due date, text."""

    permission_required = "actionplans.view_action"
    raise_exception = True
    template_name = "actionplans/action_list.html"
    context_object_name = "actions"
    paginate_by = 50

    def get_queryset(self):
        actions = for_action_rows(actions_visible_to(self.request.user)).order_by(
            F("deadline").asc(nulls_last=True), "pk"
        )
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
        actions = with_sources(context["actions"])
        page_sources = described_page_sources(actions, self.request.user)
        for action in actions:
            described = described_sources(action, self.request.user, page_sources)
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

"""What the action plans' pages share: the mixins that find the plan or the action among those the user sees
(404 otherwise), each page's ``test_func`` saying what more it needs (403 otherwise)."""

from __future__ import annotations

from django.contrib.auth.mixins import UserPassesTestMixin
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.functional import cached_property

from actionplans.models import Action, ActionPlan
from actionplans.selectors import action_detail, can_edit_plan, plans_visible_to


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

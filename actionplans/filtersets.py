"""Filters of the list pages of the action plans."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from actionplans.choices import ActionKind, ActionStatus, PlanKind, PlanStatus
from actionplans.models import Action, ActionPlan
from actionplans.selectors import actions_visible_to, plans_visible_to
from processes.models import Process
from qms.core.filtersets import OrderingFilter
from qms.core.models import OrgUnit, User
from qms.core.search import search
from qms.core.selectors import sees_everything
from qms.core.widgets import ContentLangSelect

YES_NO = (("yes", _("Yes")), ("no", _("No")))
ACTION_TEXT_FIELDS = ("reference", "title", "description", "owner_label", "expected_result")


# A drop-down's options are read on every page of the list: each reads only what its label shows (and, for the
# units, the path that filtering by one reads), without the joins and long texts of the selectors' querysets.
def _plans(request):
    if request is None:
        return ActionPlan.objects.none()
    return plans_visible_to(request.user).select_related(None).only("pk", "title").order_by("title")


def _owners(request):
    if request is None:
        return User.objects.none()
    owner_ids = actions_visible_to(request.user).filter(owner__isnull=False).values("owner_id")
    return (
        User.objects.filter(pk__in=owner_ids)
        .only("pk", "username", "first_name", "last_name")
        .order_by("last_name", "first_name", "username")
    )


def _units(request):
    """The units the user's actions are in (their own unit, or their plan's): no unit out of scope is named."""
    if request is None:
        return OrgUnit.objects.none()
    units = OrgUnit.objects.filter(is_active=True).only("pk", "name", "path")
    if sees_everything(request.user):
        return units
    visible = actions_visible_to(request.user).order_by()
    return units.filter(Q(pk__in=visible.values("org_unit")) | Q(pk__in=visible.values("plan__org_unit"))).order_by(
        "path"
    )


def _processes(request):
    if request is None:
        return Process.objects.none()
    processes = Process.objects.filter(is_active=True).only("pk", "code", "name")
    if sees_everything(request.user):
        return processes
    return processes.filter(pk__in=actions_visible_to(request.user).order_by().values("process"))


class ActionFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Text"), method="filter_text")
    plan = django_filters.ModelChoiceFilter(label=_("Plan"), queryset=_plans)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ActionStatus.choices)
    late = django_filters.ChoiceFilter(label=_("Late"), choices=YES_NO, method="filter_late")
    due_within = django_filters.NumberFilter(
        label=_("Due within (days)"),
        method="filter_due_within",
        min_value=0,
        max_value=3650,
        widget=forms.NumberInput(attrs={"min": 0, "max": 3650}),
    )
    owner = django_filters.ModelChoiceFilter(label=_("Owner"), queryset=_owners)
    org_unit = django_filters.ModelChoiceFilter(
        label=_("Organisational unit"), queryset=_units, method="filter_unit", widget=ContentLangSelect
    )
    process = django_filters.ModelChoiceFilter(label=_("Process"), queryset=_processes)
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=ActionKind.choices)
    ordering = OrderingFilter(
        label=_("Sort by"),
        fields=(
            ("deadline", "deadline"),
            ("reference", "reference"),
            ("progress", "progress"),
            ("updated_at", "updated"),
        ),
        field_labels={
            "deadline": _("Deadline"),
            "reference": _("Reference"),
            "progress": _("Progress"),
            "updated_at": _("Last change"),
        },
    )

    class Meta:
        model = Action
        fields: list[str] = []

    def filter_text(self, queryset, name, value):
        # Every word, whatever its case and accents, as the action picker searches.
        return search(queryset, value, ACTION_TEXT_FIELDS)

    def filter_late(self, queryset, name, value):
        if value == "yes":
            return queryset.late()
        if value == "no":
            return queryset.not_late()
        return queryset

    def filter_due_within(self, queryset, name, value):
        return queryset if value is None else queryset.due_within(int(value))

    def filter_unit(self, queryset, name, value):
        # A unit covers its sub-units.
        units = OrgUnit.objects.filter(path__startswith=value.path).values("pk")
        return queryset.filter(Q(org_unit__in=units) | Q(org_unit__isnull=True, plan__org_unit__in=units))


class PlanFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Text"), method="filter_text")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=PlanKind.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=PlanStatus.choices)
    org_unit = django_filters.ModelChoiceFilter(
        label=_("Scope"),
        queryset=OrgUnit.objects.filter(is_active=True),
        method="filter_unit",
        widget=ContentLangSelect,
    )

    class Meta:
        model = ActionPlan
        fields: list[str] = []

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(title__icontains=value) | Q(source__icontains=value))

    def filter_unit(self, queryset, name, value):
        return queryset.filter(org_unit__path__startswith=value.path)

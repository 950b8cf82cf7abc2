from __future__ import annotations

import django_filters
from django import forms
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints.choices import ComplaintKind, ComplaintStatus, RequesterCategory
from complaints.models import Complaint, overdue_q
from qms.core.filtersets import OrderingFilter
from qms.core.models import OrgUnit, User
from qms.core.search import search_terms
from qms.core.selectors import referent_units, sees_everything
from qms.core.widgets import ContentLangSelect


class ComplaintFilterSet(django_filters.FilterSet):
    """The inbox's filters: status, kind, category, unit (sub-units included), assignee, overdue, dates, and a
    search that ignores case and accents."""

    q = django_filters.CharFilter(label=_("Search"), method="filter_search")
    status = django_filters.MultipleChoiceFilter(
        label=_("Status"), choices=ComplaintStatus.choices, widget=forms.CheckboxSelectMultiple
    )
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=ComplaintKind.choices)
    requester_category = django_filters.ChoiceFilter(label=_("Requester category"), choices=RequesterCategory.choices)
    org_unit = django_filters.ModelChoiceFilter(
        label=_("Unit"),
        queryset=OrgUnit.objects.filter(is_active=True).order_by("path"),
        method="filter_unit",
        widget=ContentLangSelect,
    )
    assignee = django_filters.ModelChoiceFilter(label=_("Assignee"), queryset=User.objects.none())
    unassigned = django_filters.BooleanFilter(
        label=_("Unassigned only"), method="filter_unassigned", widget=forms.CheckboxInput
    )
    overdue = django_filters.BooleanFilter(label=_("Overdue only"), method="filter_overdue", widget=forms.CheckboxInput)
    received = django_filters.DateFromToRangeFilter(
        label=_("Received between"),
        field_name="received_at",
        widget=django_filters.widgets.DateRangeWidget(attrs={"type": "date"}),
    )
    # The legend names the pair; each date field needs an accessible name of its own (RGAA 11.1).
    received.field.widget.widgets[0].attrs["aria-label"] = _("Received from")
    received.field.widget.widgets[1].attrs["aria-label"] = _("Received until")
    ordering = OrderingFilter(
        label=_("Sort by"),
        fields=(("received_at", "received"), ("answer_due", "due"), ("reference", "reference")),
        field_labels={
            "received_at": _("Date received"),
            "answer_due": _("Answer deadline"),
            "reference": _("Reference"),
        },
    )

    class Meta:
        model = Complaint
        fields = ["q", "status", "kind", "requester_category", "org_unit", "assignee", "overdue", "received"]

    def __init__(self, *args, scope: models.QuerySet[Complaint] | None = None, **kwargs):
        """``scope``: the requests the user may see; the unit and assignee choices name only what it holds, so
        that the filters name no person and no unit out of scope."""
        super().__init__(*args, **kwargs)
        scope = self.queryset if scope is None else scope
        user = getattr(self.request, "user", None)
        if not sees_everything(user):
            units = self.filters["org_unit"].queryset.filter(
                Q(pk__in=scope.order_by().values("org_unit")) | Q(pk__in=referent_units(user))
            )
            self.filters["org_unit"].queryset = units
        # One EXISTS per person, on the requests' (assignee, status) index: the staff are few, the requests many.
        assigned = scope.order_by().filter(assignee=OuterRef("pk")).values("pk")
        self.filters["assignee"].queryset = User.objects.filter(Exists(assigned)).order_by(
            "last_name", "first_name", "username"
        )

    def filter_search(self, queryset, name, value):
        # On PostgreSQL a trigram index serves these LIKE '%…%' (migration 0007); SQLite scans, the same way.
        terms = search_terms(value)
        query = Q()
        for term in terms:
            query &= Q(search_text__contains=term)
        return queryset.filter(query) if terms else queryset

    def filter_unit(self, queryset, name, unit):
        if unit is None:
            return queryset
        return queryset.filter(org_unit__path__startswith=unit.path)

    def filter_unassigned(self, queryset, name, value):
        return queryset.filter(assignee__isnull=True) if value else queryset

    def filter_overdue(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(overdue_q(timezone.localdate()))

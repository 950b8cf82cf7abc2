"""Filters of the surveys' list pages."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from qms.core.models import AcademicYear
from qms.core.search import search
from surveys.choices import CampaignStatus
from surveys.models import Campaign


class CampaignFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Text"), method="filter_text")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=CampaignStatus.choices)
    academic_year = django_filters.ModelChoiceFilter(label=_("Academic year"), queryset=AcademicYear.objects.all())

    class Meta:
        model = Campaign
        fields = ["q", "status", "academic_year"]

    def filter_text(self, queryset, name, value):
        return search(queryset, value, ("title",))

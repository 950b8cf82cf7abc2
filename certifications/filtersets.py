"""The filters of the certifications' list pages."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from certifications.choices import AuditStatus, AuditType, CertificationStatus
from certifications.models import Audit, Certification, Framework
from qms.core.models import OrgUnit
from qms.core.widgets import ContentLangSelect

YES_NO = (("1", _("Yes")), ("0", _("No")))


def _framework_codes():
    return [(code, name) for code, name in Framework.objects.order_by("code").values_list("code", "name").distinct()]


class CertificationFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Text"), method="filter_text")
    framework = django_filters.ChoiceFilter(
        label=_("Framework"), choices=_framework_codes, field_name="framework__code"
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=CertificationStatus.choices)
    holder = django_filters.ModelChoiceFilter(
        label=_("Unit"),
        queryset=OrgUnit.objects.filter(is_active=True).order_by("path"),
        method="filter_holder",
        widget=ContentLangSelect,
    )

    class Meta:
        model = Certification
        fields: list[str] = []

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value) | Q(certifying_body__icontains=value) | Q(scope__icontains=value)
        )

    def filter_holder(self, queryset, name, unit):
        return queryset.filter(holder__path__startswith=unit.path) if unit else queryset


class AuditFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=AuditStatus.choices)
    audit_type = django_filters.ChoiceFilter(label=_("Type"), choices=AuditType.choices)
    internal = django_filters.ChoiceFilter(label=_("Internal"), choices=YES_NO, method="filter_internal")
    certification = django_filters.ModelChoiceFilter(label=_("Certification"), queryset=Certification.objects.none())
    start = django_filters.DateFilter(
        label=_("Ending from"),
        field_name="end_date",
        lookup_expr="gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    end = django_filters.DateFilter(
        label=_("Ending until"),
        field_name="end_date",
        lookup_expr="lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = Audit
        fields: list[str] = []

    def __init__(self, *args, certifications=None, **kwargs):
        super().__init__(*args, **kwargs)
        if certifications is not None:
            self.filters["certification"].queryset = certifications
            self.form.fields["certification"].queryset = certifications

    def filter_internal(self, queryset, name, value):
        if value in ("0", "1"):
            return queryset.filter(is_internal=value == "1")
        return queryset

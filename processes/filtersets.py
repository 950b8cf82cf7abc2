"""Filters of the list pages of the process map."""

from __future__ import annotations

import django_filters
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from processes.choices import (
    CriticalityBand,
    DocumentOrigin,
    DocumentType,
    IndicatorFrequency,
    IndicatorSource,
    Likelihood,
    ProcessStatus,
    ProcessType,
    ReviewStatus,
    RiskKind,
    RiskScore,
    RiskTreatment,
    Severity,
    VersionStatus,
)
from processes.models import Document, Indicator, Process, ProcessMapSettings, ProcessReview, Risk
from qms.core.models import OrgUnit
from qms.core.search import search
from qms.core.widgets import ContentLangSelect

YES_NO = (("yes", _("Yes")), ("no", _("No")))


def _processes(request):
    if request is None:
        return Process.objects.none()
    from processes.selectors import processes_visible_to

    return processes_visible_to(request.user).filter(is_active=True).order_by("code")


class ProcessFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Text"), method="filter_text")
    type = django_filters.ChoiceFilter(label=_("Type"), choices=ProcessType.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ProcessStatus.choices)
    org_unit = django_filters.ModelChoiceFilter(
        label=_("Organisational unit"), queryset=OrgUnit.objects.filter(is_active=True), widget=ContentLangSelect
    )
    active = django_filters.ChoiceFilter(label=_("Active"), choices=YES_NO, method="filter_active")

    class Meta:
        model = Process
        fields: list[str] = []

    def filter_text(self, queryset, name, value):
        return search(queryset, value, ("code", "name", "purpose"))

    def filter_active(self, queryset, name, value):
        return queryset.filter(is_active=value == "yes")


class IndicatorFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Text"), method="filter_text")
    process = django_filters.ModelChoiceFilter(label=_("Process"), queryset=_processes)
    source = django_filters.ChoiceFilter(label=_("Source"), choices=IndicatorSource.choices)
    frequency = django_filters.ChoiceFilter(label=_("Frequency"), choices=IndicatorFrequency.choices)

    class Meta:
        model = Indicator
        fields: list[str] = []

    def filter_text(self, queryset, name, value):
        return search(queryset, value, ("name", "definition", "metric_key"))


class RiskFilterSet(django_filters.FilterSet):
    """The register's filters. ``score`` says which scores the band and the cell filters read."""

    q = django_filters.CharFilter(label=_("Text"), method="filter_text")
    process = django_filters.ModelChoiceFilter(label=_("Process"), queryset=_processes)
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=RiskKind.choices)
    score = django_filters.ChoiceFilter(label=_("Scores"), choices=RiskScore.choices, method="filter_nothing")
    band = django_filters.ChoiceFilter(label=_("Band"), choices=CriticalityBand.choices, method="filter_band")
    likelihood = django_filters.TypedChoiceFilter(
        label=_("Likelihood"), choices=Likelihood.choices, coerce=int, method="filter_cell"
    )
    severity = django_filters.TypedChoiceFilter(
        label=_("Severity"), choices=Severity.choices, coerce=int, method="filter_cell"
    )
    treatment = django_filters.ChoiceFilter(label=_("Treatment"), choices=RiskTreatment.choices)
    archived = django_filters.ChoiceFilter(label=_("Archived"), choices=YES_NO, method="filter_archived")

    class Meta:
        model = Risk
        fields: list[str] = []

    @property
    def residual(self) -> bool:
        return self.form.cleaned_data.get("score") == RiskScore.RESIDUAL

    def _scores(self):
        if self.residual:
            return Coalesce("residual_likelihood", "likelihood"), Coalesce("residual_severity", "severity")
        return F("likelihood"), F("severity")

    def filter_text(self, queryset, name, value):
        return search(queryset, value, ("reference", "description", "cause", "consequence"))

    def filter_nothing(self, queryset, name, value):
        return queryset

    def filter_band(self, queryset, name, value):
        settings = ProcessMapSettings.get()
        likelihood, severity = self._scores()
        queryset = queryset.annotate(filter_criticality=likelihood * severity)
        if value == CriticalityBand.CRITICAL:
            return queryset.filter(filter_criticality__gte=settings.critical_from)
        if value == CriticalityBand.WATCH:
            return queryset.filter(
                filter_criticality__gte=settings.watch_from, filter_criticality__lt=settings.critical_from
            )
        return queryset.filter(filter_criticality__lt=settings.watch_from)

    def filter_cell(self, queryset, name, value):
        likelihood, severity = self._scores()
        expression = likelihood if name == "likelihood" else severity
        return queryset.annotate(**{f"cell_{name}": expression}).filter(**{f"cell_{name}": value})

    def filter_archived(self, queryset, name, value):
        return queryset.filter(is_archived=value == "yes")


class ReviewFilterSet(django_filters.FilterSet):
    process = django_filters.ModelChoiceFilter(label=_("Process"), queryset=_processes)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ReviewStatus.choices)

    class Meta:
        model = ProcessReview
        fields: list[str] = []


class DocumentFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Text"), method="filter_text")
    process = django_filters.ModelChoiceFilter(label=_("Process"), queryset=_processes)
    doc_type = django_filters.ChoiceFilter(label=_("Type"), choices=DocumentType.choices)
    origin = django_filters.ChoiceFilter(label=_("Origin"), choices=DocumentOrigin.choices)
    approved = django_filters.ChoiceFilter(label=_("Has an approved version"), choices=YES_NO, method="filter_approved")
    review_due = django_filters.ChoiceFilter(label=_("Review due"), choices=YES_NO, method="filter_review_due")

    class Meta:
        model = Document
        fields: list[str] = []

    def filter_text(self, queryset, name, value):
        return search(queryset, value, ("reference", "title", "issuer"))

    def filter_approved(self, queryset, name, value):
        has = Q(versions__status=VersionStatus.APPROVED)
        approved_ids = Document.objects.filter(has).values("pk")
        return queryset.filter(pk__in=approved_ids) if value == "yes" else queryset.exclude(pk__in=approved_ids)

    def filter_review_due(self, queryset, name, value):
        from django.utils import timezone

        due = Q(next_review_on__lte=timezone.localdate())
        return queryset.filter(due) if value == "yes" else queryset.exclude(due)

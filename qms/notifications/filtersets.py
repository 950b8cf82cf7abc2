"""Filters of the outbox page (proof for auditors that a reminder went out)."""

from __future__ import annotations

import django_filters
from django import forms
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qms.notifications.choices import OutboxState
from qms.notifications.models import OutboxEmail


def _kinds(request):
    kinds = OutboxEmail.objects.order_by("kind").values_list("kind", flat=True).distinct()
    return [(kind, kind) for kind in kinds]


class OutboxFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=lambda: _kinds(None))
    recipient = django_filters.CharFilter(label=_("Recipient"), method="filter_recipient")
    content_type = django_filters.ModelChoiceFilter(
        label=_("Object type"),
        queryset=ContentType.objects.filter(
            pk__in=OutboxEmail.objects.exclude(content_type=None).values("content_type")
        ).order_by("app_label", "model"),
    )
    object_id = django_filters.NumberFilter(label=_("Object id"))
    state = django_filters.ChoiceFilter(label=_("State"), choices=OutboxState.choices)
    created_from = django_filters.DateFilter(
        label=_("Written from"),
        field_name="created_at",
        lookup_expr="date__gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    created_to = django_filters.DateFilter(
        label=_("Written until"),
        field_name="created_at",
        lookup_expr="date__lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = OutboxEmail
        fields: list[str] = []

    def filter_recipient(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(recipient_email__icontains=value)
            | Q(recipient_user__username__icontains=value)
            | Q(recipient_user__last_name__icontains=value)
        )

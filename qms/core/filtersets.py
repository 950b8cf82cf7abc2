"""Filters shared by every list page."""

from __future__ import annotations

import django_filters
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _


def _descending(label) -> str:
    return _("%s (descending)") % label


_descending_lazy = lazy(_descending, str)


class OrderingFilter(django_filters.OrderingFilter):
    """django-filter's sort options, translated each time they are shown.

    django-filter builds "<label> (descending)" once, when the filterset class is defined: in the language active
    at import, whatever the page's language. Here each option stays lazy until it is rendered."""

    def build_choices(self, fields, labels):
        ascending = [
            (param, labels.get(field, param.replace("_", " ").capitalize())) for field, param in fields.items()
        ]
        descending = [(f"-{param}", labels.get(f"-{param}", _descending_lazy(label))) for param, label in ascending]
        return [choice for pair in zip(ascending, descending, strict=True) for choice in pair]

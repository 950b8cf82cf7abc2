"""The first day of a month is an ordinal in French: "1er janvier 2027", never "1 janvier 2027".

Django's date formats cannot say so (its ``S`` suffix is English), so this library, loaded in every template as
a builtin (``TEMPLATES["OPTIONS"]["builtins"]``), replaces Django's ``date`` filter with one that writes "1er" in
French before a month's name, and leaves everything else to Django's: ``{{ due|date:"DATE_FORMAT" }}`` in pages,
emails and PDFs alike. Numeric dates ("01/01/2027") are left as they are. Python code formats such dates with
``qms.core.templatetags.french_dates.date_format``.
"""

from __future__ import annotations

import datetime
import re

from django import template
from django.template.defaultfilters import date as django_date
from django.utils import formats, translation

register = template.Library()

# A day of the month ("j", not escaped) written before a month's name (F, E: full; N, M, b: abbreviated).
_DAY_BEFORE_MONTH = re.compile(r"(?<!\\)j(?=\s*[FENMb])")


def ordinal_format(value: datetime.date | None, format_name: str | None) -> str | None:
    """``format_name`` (a format setting's name or a format string) with "1er" for the first of the month, in
    French; otherwise unchanged."""
    if not isinstance(value, datetime.date) or value.day != 1:
        return format_name
    if not (translation.get_language() or "").startswith("fr"):
        return format_name
    fmt = formats.get_format(format_name or "DATE_FORMAT")
    return _DAY_BEFORE_MONTH.sub(r"j\\e\\r", fmt)


@register.filter(expects_localtime=True, is_safe=False)
def date(value, arg=None):
    """Django's ``date`` filter, with "1er" for the first day of a month in French."""
    return django_date(value, ordinal_format(value, arg))


def date_format(value: datetime.date, format_name: str = "DATE_FORMAT") -> str:
    """``django.utils.formats.date_format``, with "1er" for the first day of a month in French."""
    return formats.date_format(value, ordinal_format(value, format_name))

"""Text people type, made safe to store and show: no bidirectional control that would make it read otherwise.

A right-to-left override turns a subject "Facture \\u202efdp.exe" into what reads "Facture exe.pdf" in every page,
list and email that shows it; isolates and embeddings can hide or reorder parts of a line the same way. Forms
remove them from what is typed, before anything validates, stores or shows it again:

- single-line fields (a subject, a name, a code) lose every bidirectional control, marks included: nobody needs
  an invisible direction mark in a subject;
- multi-line fields (a description, a message) lose the embeddings, overrides and isolates, and keep the
  direction marks (LRM, RLM, ALM) that people writing in Arabic or Hebrew use, which reorder nothing but the
  neutral characters next to them.
"""

from __future__ import annotations

from django import forms
from django.core import validators
from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import ngettext

# Embeddings (LRE, RLE), the pop (PDF), overrides (LRO, RLO) and isolates (LRI, RLI, FSI, PDI).
BIDI_REORDERING = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Marks: left-to-right, right-to-left and the Arabic letter mark.
BIDI_MARKS = frozenset("\u200e\u200f\u061c")
BIDI_CONTROLS = BIDI_REORDERING | BIDI_MARKS

_SINGLE_LINE = {ord(char): None for char in BIDI_CONTROLS}
_MULTI_LINE = {ord(char): None for char in BIDI_REORDERING}


def strip_bidi_controls(text: str, *, multiline: bool = False) -> str:
    """``text`` without bidirectional controls: all of them on a single line, the reordering ones only in
    multi-line text (see the module's docstring)."""
    if not text:
        return text
    return text.translate(_MULTI_LINE if multiline else _SINGLE_LINE)


def is_multiline(field: forms.Field) -> bool:
    return isinstance(field.widget, forms.Textarea)


class MaxLengthValidator(validators.MaxLengthValidator):
    """Django's, with the figures written as the language groups them: "au plus 10 000 caractères (actuellement
    10 240)" in French, a narrow no-break space between the thousands, where Django writes "10000"."""

    def __call__(self, value) -> None:
        length = self.clean(value)
        limit = self.limit_value() if callable(self.limit_value) else self.limit_value
        if self.compare(length, limit):
            message = ngettext(
                "Ensure this value has at most %(limit)s character (it has %(length)s).",
                "Ensure this value has at most %(limit)s characters (it has %(length)s).",
                limit,
            )
            raise ValidationError(
                message,
                code=self.code,
                params={
                    "limit": number_format(limit, force_grouping=True),
                    "length": number_format(length, force_grouping=True),
                    "limit_value": limit,
                    "show_value": length,
                    "value": value,
                },
            )


def with_grouped_length_limits(field: forms.Field) -> None:
    """Replace the length limit Django gives a ``CharField`` by ``MaxLengthValidator`` above."""
    field.validators = [
        MaxLengthValidator(validator.limit_value) if type(validator) is validators.MaxLengthValidator else validator
        for validator in field.validators
    ]


class SafeTextMixin:
    """A form mixin: the typed text of every ``CharField`` (email and URL fields included) loses its
    bidirectional controls before the form cleans it, so that what is validated, stored and shown again is what
    people see; and a text too long is told its limit as the language writes numbers ("10 000 caractères").
    Put it first in the bases: ``class MyForm(SafeTextMixin, forms.Form)``."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.CharField):
                with_grouped_length_limits(field)
        if self.is_bound:
            self.data = self._without_bidi_controls(self.data)

    def _without_bidi_controls(self, data):
        cleaned = None
        for name, field in self.fields.items():
            if not isinstance(field, forms.CharField):
                continue
            key = self.add_prefix(name)
            if key not in data:
                continue
            multiline = is_multiline(field)
            if cleaned is None:
                cleaned = data.copy()  # a QueryDict copy is mutable; the request's own data is left alone
            if hasattr(cleaned, "setlist"):
                cleaned.setlist(key, [_strip(value, multiline) for value in data.getlist(key)])
            else:
                cleaned[key] = _strip(data[key], multiline)
        return data if cleaned is None else cleaned


def _strip(value, multiline: bool):
    return strip_bidi_controls(value, multiline=multiline) if isinstance(value, str) else value

"""Lead times written as a list of whole days ("180, 90, 30"): one model field and one form field for every app's
settings record.

A reminder fires at each of these thresholds before a deadline (see ``qms.notifications.reminders``). The list is
typed as numbers separated by commas, stored as a JSON list, distinct and sorted from the longest, so that a
provider reads ``settings.expiry_reminder_days`` as ``[180, 90, 30]`` and never parses anything::

    class CertificationSettings(AppSettings):
        expiry_reminder_days = DayCountsField(_("reminders before an expiry (days)"), default=(180, 90, 30))

A ``ModelForm`` gets ``DayCountsFormField`` for it; bad input ("30, soon", "0", "7, 7000") is refused with a
translated message, never half-saved.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

# The longest lead time a list may hold: two years, past any reminder anyone sets.
MAX_DAYS = 730
# The most thresholds a list may hold: more would be noise, not reminders.
MAX_COUNT = 6

_SEPARATORS = re.compile(r"[\s,;]+")

ERRORS = {
    "invalid": _("Enter whole numbers of days separated by commas, such as “30, 7”."),
    "min_value": _("Each lead time is at least one day."),
    "max_value": _("Each lead time is at most %(max)s days."),
    "max_count": _("Enter at most %(max)s lead times."),
    "required": _("Enter at least one lead time."),
}


def normalise(days: Iterable[int]) -> list[int]:
    """``days`` distinct, from the longest to the shortest."""
    return sorted(set(days), reverse=True)


def validate_day_counts(value, *, max_days: int = MAX_DAYS) -> None:
    """Refuse anything but a non-empty list of whole days between 1 and ``max_days``, at most ``MAX_COUNT`` of them."""
    if not isinstance(value, list | tuple) or any(isinstance(day, bool) or not isinstance(day, int) for day in value):
        raise ValidationError(ERRORS["invalid"], code="invalid")
    if not value:
        raise ValidationError(ERRORS["required"], code="required")
    if min(value) < 1:
        raise ValidationError(ERRORS["min_value"], code="min_value")
    if max(value) > max_days:
        raise ValidationError(ERRORS["max_value"], code="max_value", params={"max": max_days})
    if len(set(value)) > MAX_COUNT:
        raise ValidationError(ERRORS["max_count"], code="max_count", params={"max": MAX_COUNT})


def parse_day_counts(text: str) -> list[int]:
    """The days typed in ``text`` ("180, 90, 30"), distinct and sorted from the longest; ``ValidationError`` when
    a part is not a whole number."""
    parts = [part for part in _SEPARATORS.split(text.strip()) if part]
    if not all(part.isdecimal() for part in parts):
        # A minus sign says a negative lead time was meant: say what is allowed.
        if all(part.startswith("-") and part[1:].isdecimal() for part in parts if not part.isdecimal()):
            raise ValidationError(ERRORS["min_value"], code="min_value")
        raise ValidationError(ERRORS["invalid"], code="invalid")
    return normalise(int(part) for part in parts)


class DayCountsFormField(forms.CharField):
    """A text box for lead times ("180, 90, 30"), cleaned to ``[180, 90, 30]``."""

    default_error_messages = {"required": ERRORS["required"]}

    def __init__(self, *, max_days: int = MAX_DAYS, **kwargs) -> None:
        self.max_days = max_days
        kwargs.setdefault("max_length", 100)
        super().__init__(**kwargs)
        # How to type them, after what the model says they are for.
        hint = _("Days before the deadline, separated by commas (such as “30, 7”).")
        self.help_text = format_lazy("{} {}", self.help_text, hint) if self.help_text else hint

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return ", ".join(str(day) for day in value)
        return value

    def to_python(self, value):
        if isinstance(value, list | tuple):
            return normalise(value)
        text = super().to_python(value)
        if text in self.empty_values:
            return []
        return parse_day_counts(text)

    def validate(self, value) -> None:
        super().validate(value)
        if value:
            validate_day_counts(value, max_days=self.max_days)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.pop("maxlength", None)  # a long list is refused with a message, not cut short while typed
        return attrs


class DayCountsField(models.JSONField):
    """Lead times in whole days, stored as a JSON list, distinct and sorted from the longest.

    ``default`` is a tuple (``(180, 90, 30)``): immutable, so it may be shared, and written as such in migrations.
    """

    description = _("Lead times (days)")

    def __init__(self, *args, max_days: int = MAX_DAYS, **kwargs) -> None:
        self.max_days = max_days
        super().__init__(*args, **kwargs)

    def _check_default(self):
        if isinstance(self.default, tuple):
            return []  # immutable: safe to share between instances
        return super()._check_default()

    def get_default(self):
        default = super().get_default()
        return list(default) if isinstance(default, tuple) else default

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self.max_days != MAX_DAYS:
            kwargs["max_days"] = self.max_days
        return name, path, args, kwargs

    def validate(self, value, model_instance) -> None:
        super().validate(value, model_instance)
        if value not in self.empty_values:
            validate_day_counts(value, max_days=self.max_days)

    def formfield(self, **kwargs):
        # Skip JSONField's own form field (a JSON text box): the field is typed as "180, 90, 30".
        return models.Field.formfield(self, **{"form_class": DayCountsFormField, "max_days": self.max_days, **kwargs})

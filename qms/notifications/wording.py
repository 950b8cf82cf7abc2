"""The quality manager's wording of reminder emails: plain ``{placeholder}`` substitution, never the template engine.

An override (``ReminderWording``) replaces the subject and/or the body of one kind of reminder in one language; the
file templates stay the default. Its text may use only the placeholders of its kind
(``qms.notifications.reminders.ReminderKind.allowed_placeholders``): an unknown one is refused when saved. It is filled
the way the helpdesk's reply templates fill ``{reference}``: each known ``{name}`` is replaced by its value, and
nothing else in the text means anything, so a template tag (``{% … %}``), a variable (``{{ … }}``) or an attribute
lookup stays as typed. The HTML part escapes the whole text, values included.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from typing import Any

from django.utils import formats, translation

# A brace pair around a name without spaces or braces: "{reference}", "{obj.pk}" (refused), not "{{ x }}".
PLACEHOLDER = re.compile(r"\{([^{}\s]+)\}")


def placeholders_in(text: str) -> list[str]:
    """The placeholder names used in ``text``, each once, in order."""
    seen: dict[str, None] = {}
    for match in PLACEHOLDER.finditer(text or ""):
        seen.setdefault(match.group(1), None)
    return list(seen)


def unknown_placeholders(text: str, allowed: Iterable[str]) -> list[str]:
    """The placeholders of ``text`` that are not in ``allowed``."""
    known = set(allowed)
    return [name for name in placeholders_in(text) if name not in known]


def fill(text: str, values: dict[str, str]) -> str:
    """``text`` with each ``{name}`` of ``values`` replaced by its value; anything else is left as written."""
    return PLACEHOLDER.sub(lambda match: values.get(match.group(1), match.group(0)), text or "")


def _as_text(value: Any, language: str) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        with translation.override(language):
            return formats.date_format(value, "SHORT_DATE_FORMAT")
    return str(value)


def placeholder_values(context: dict[str, Any], allowed: Iterable[str], *, language: str) -> dict[str, str]:
    """The value of each allowed placeholder, read from an email's context (as its templates see it)."""
    names = {"institution": "institution_name"}
    return {name: _as_text(context.get(names.get(name, name)), language) for name in allowed}

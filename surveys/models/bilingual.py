"""Bilingual fields: French and English side by side, read in the active language."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation


def in_language(obj: object, field: str, language: str | None = None) -> str:
    """``obj.<field>_<language>`` (the active language by default), falling back on the other language."""
    language = (language or translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
    value = getattr(obj, f"{field}_{language}", "")
    if value:
        return value
    for code, _name in settings.LANGUAGES:
        value = getattr(obj, f"{field}_{code}", "")
        if value:
            return value
    return ""

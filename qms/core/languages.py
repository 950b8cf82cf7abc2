"""The language of text written by people rather than translated (RGAA 8.7): plans, actions, units and programmes
are written by staff in the institution's language (``LANGUAGE_CODE``), a request in its requester's. On a page in
another language, the element holding such text says which (``lang="fr"``), so that a screen reader reads
"Faculté des sciences" with a French voice on an English page.

Templates use ``{% content_lang %}`` and ``|in_content_lang`` (qms_layout), forms ``ContentLangSelect``
(qms.core.widgets), charts made in Python ``content_language()`` itself.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import translation


def content_language(language: str | None = None) -> str:
    """The language to declare on text written in ``language`` (by default the institution's) shown on the current
    page: its code when it differs from the page's, else "" (nothing to declare)."""
    written_in = (language or settings.LANGUAGE_CODE or "").split("-")[0]
    page = (translation.get_language() or settings.LANGUAGE_CODE or "").split("-")[0]
    if not written_in or written_in == page:
        return ""
    return written_in

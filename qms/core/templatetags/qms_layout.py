"""Template helpers of the base layout: message styling and roles, durations for people, the plural after a
decimal number, and the language of content written in another language than the page's."""

from __future__ import annotations

import datetime
import math

from django import template
from django.contrib.messages import constants
from django.utils import translation
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString

from qms.core import plurals
from qms.core.languages import content_language

register = template.Library()

_ALERT_CLASSES = {
    constants.DEBUG: "secondary",
    constants.INFO: "info",
    constants.SUCCESS: "success",
    constants.WARNING: "warning",
    constants.ERROR: "danger",
}


@register.filter
def alert_class(message) -> str:
    """The Bootstrap alert colour of a django.contrib.messages message."""
    return _ALERT_CLASSES.get(getattr(message, "level", constants.INFO), "info")


@register.filter
def message_role(message) -> str:
    """ARIA role of a message: warnings and errors interrupt (``alert``), the rest is polite (``status``)."""
    return "alert" if getattr(message, "level", constants.INFO) >= constants.WARNING else "status"


@register.filter
def minutes(value) -> int:
    """Whole minutes of a timedelta (or of a number of seconds), rounded up so that a wait is never understated."""
    if isinstance(value, datetime.timedelta):
        seconds = value.total_seconds()
    else:
        try:
            seconds = float(value)
        except (TypeError, ValueError):
            return 0
    return max(0, math.ceil(seconds / 60))


@register.filter
def plural_count(value) -> int:
    """The count to give ``{% blocktranslate count %}`` for a number that need not be whole, so that the unit after
    it takes the form the page's language gives that number: "1,5 jour ouvré", "1.5 working days" (see
    qms.core.plurals)."""
    return plurals.plural_count(value)


@register.simple_tag
def colon() -> str:
    """The colon after a label, as the current language writes it: "Plan :" in French (a no-break space
    before it), "Plan:" in English. Keeps the label itself a plain translatable string."""
    return "\u00a0:" if (translation.get_language() or "").startswith("fr") else ":"


@register.simple_tag
def content_lang(language: str | None = None) -> SafeString | str:
    """`` lang="fr"`` on an element holding text written by people rather than translated, when the page is in
    another language (RGAA 8.7): so that a screen reader reads "Université de démonstration" or a plan's title
    with a French voice on an English page. ``language`` is the text's own (a request's, which its requester
    chose); by default the institution's, the interface's default language (``LANGUAGE_CODE``), in which staff
    write plans, actions and names. Nothing when the two agree (qms.core.languages).

        <h1{% content_lang %}>{{ plan.title }}</h1>    <div{% content_lang complaint.language %}>…</div>
    """
    written_in = content_language(language)
    return format_html(' lang="{}"', written_in) if written_in else ""


@register.filter
def in_content_lang(text, language: str | None = None) -> SafeString:
    """``text`` in a ``<span lang="fr">`` when the page is in another language, else ``text`` alone (escaped):
    for a name inside a translated sentence, where a tag cannot go, or beside others. Nothing (so that ``default``
    applies) when there is no text.

        {% blocktranslate with unit=stats.unit|in_content_lang %}{{ unit }} and its sub-units{% endblocktranslate %}
        {{ complaint.org_unit|in_content_lang|default:"—" }}
    """
    if text is None or text == "":
        return SafeString("")
    written_in = content_language(language)
    if written_in:
        return format_html('<span lang="{}">{}</span>', written_in, text)
    return conditional_escape(text)


_VOWELS = frozenset("AEIOUYÀÂÄÆÉÈÊËÎÏÔÖŒÙÛÜŸaeiouyàâäæéèêëîïôöœùûüÿ")


@register.filter
def of_institution(name: str) -> str:
    """The institution named after a noun ("the acknowledgement of receipt …"), as the language writes it: in
    French "de l'Université de démonstration" (elided before a vowel: Université, École, Institut, ENS, IUT),
    "de l'établissement Sciences Po" before a consonant, whose article ("du", "de la") cannot be guessed; in
    English "from Université de démonstration"."""
    name = str(name or "").strip()
    if not (translation.get_language() or "").startswith("fr"):
        return translation.gettext("from %(institution)s") % {"institution": name}
    if name[:1] in _VOWELS:
        return f"de l'{name}"
    return f"de l'établissement {name}"

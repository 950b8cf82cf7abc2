"""Template helpers of the base layout: message styling and roles, durations for people, the plural after a
decimal number, and the language of content written in another language than the page's."""

from __future__ import annotations

import datetime
import math

from django import template
from django.conf import settings
from django.contrib.messages import constants
from django.urls import reverse
from django.utils import translation
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst

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


# --- The header and footer of every page --------------------------------------------------------------------------
# Every page draws them, and through the template engine they cost more than many a page's own content (a
# template node per link, per translated word, per language button). ``{% site_header %}`` and
# ``{% site_footer %}`` write the same markup in Python; ``qms/core/tests/test_layout.py`` checks them against the
# template markup they replace (``HEADER``, ``FOOTER``). Like the layout, they render without a request, a user
# or a database (the 500 page has neither).
def _csrf_input(context) -> str:
    """``{% csrf_token %}``."""
    token = context.get("csrf_token")
    if not token or token == "NOTPROVIDED":
        return ""
    return f'<input type="hidden" name="csrfmiddlewaretoken" value="{conditional_escape(token)}">'


def _signed_in(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def _institution(context) -> str:
    """``{{ INSTITUTION_NAME|default:"QMS" }}``."""
    return conditional_escape(context.get("INSTITUTION_NAME") or "QMS")


def _language_form(context, request) -> str:
    current = context.get("LANGUAGE_CODE")
    buttons = []
    for code, _name in settings.LANGUAGES:
        info = translation.get_language_info(code)
        pressed = info["code"] == current
        buttons.append(
            f'<button type="submit" name="language" value="{conditional_escape(info["code"])}"'
            f' lang="{conditional_escape(info["code"])}"'
            f' class="btn {"btn-light" if pressed else "btn-outline-light"}"'
            f' aria-pressed="{"true" if pressed else "false"}"'
            f' data-language="{conditional_escape(info["code"])}">{conditional_escape(capfirst(info["name_local"]))}'
            "</button>"
        )
    language = conditional_escape(translation.gettext("Language"))
    return (
        f'<form class="qms-language-form" action="{conditional_escape(reverse("set_language"))}" method="post"'
        f' aria-label="{language}">{_csrf_input(context)}'
        f'<input name="next" type="hidden" value="{conditional_escape(request.get_full_path())}">'
        f'<div class="btn-group btn-group-sm" role="group" aria-label="{language}">{"".join(buttons)}</div></form>'
    )


def _user_menu(context, user) -> str:
    if not _signed_in(user):
        return (
            f'<a class="btn btn-light btn-sm" href="{conditional_escape(reverse("two_factor:login"))}"'
            f' data-action="login">{conditional_escape(translation.gettext("Log in"))}</a>'
        )
    gettext = translation.gettext
    admin = ""
    if user.is_staff:
        admin = (
            f'<li><a class="dropdown-item" href="{conditional_escape(reverse("admin:index"))}">'
            f"{conditional_escape(gettext('Administration'))}</a></li>"
        )
    return (
        '<ul class="navbar-nav"><li class="nav-item dropdown">'
        '<button class="nav-link dropdown-toggle" type="button" id="user-menu-button" data-bs-toggle="dropdown"'
        ' aria-expanded="false">'
        f'<span class="visually-hidden">{conditional_escape(gettext("User menu:"))}</span> {conditional_escape(user)}'
        "</button>"
        '<ul class="dropdown-menu dropdown-menu-end" aria-labelledby="user-menu-button" data-bs-theme="light">'
        f'<li><a class="dropdown-item" href="{conditional_escape(reverse("two_factor:profile"))}">'
        f"{conditional_escape(gettext('Two-factor authentication'))}</a></li>"
        f'<li><a class="dropdown-item" href="{conditional_escape(reverse("password_change"))}">'
        f"{conditional_escape(gettext('Change password'))}</a></li>"
        f'{admin}<li><hr class="dropdown-divider"></li>'
        f'<li><form action="{conditional_escape(reverse("logout"))}" method="post">{_csrf_input(context)}'
        f'<button type="submit" class="dropdown-item" data-action="logout">{conditional_escape(gettext("Log out"))}'
        "</button></form></li></ul></li></ul>"
    )


@register.simple_tag(takes_context=True)
def site_header(context) -> SafeString:
    """The navigation bar: the institution, the modules ``nav_items`` opens to the user, the language buttons and
    the user menu (or the way in)."""
    user, request, site_settings = context.get("user"), context.get("request"), context.get("site_settings")
    home = reverse("core:home") if _signed_in(user) else reverse("core:landing")
    if site_settings and site_settings.logo_url:
        mark = f'<img src="{conditional_escape(site_settings.logo_url)}" alt="" height="32" class="qms-brand-logo">'
    else:
        mark = '<span class="qms-brand-mark" aria-hidden="true">QMS</span>'
    items = []
    for item in context.get("nav_items") or ():
        active = ' aria-current="page"' if item.active else ""
        items.append(
            f'<li class="nav-item"><a class="nav-link{" active" if item.active else ""}"'
            f' href="{conditional_escape(item.url)}"{active} data-nav="{conditional_escape(item.key)}">'
            f"{conditional_escape(item.label)}</a></li>"
        )
    gettext = translation.gettext
    return mark_safe(  # noqa: S308 - every value is escaped
        '<header class="qms-header">'
        '<nav class="navbar navbar-expand-lg qms-navbar" data-bs-theme="dark"'
        f' aria-label="{conditional_escape(gettext("Main navigation"))}"><div class="container-xl">'
        f'<a class="navbar-brand" href="{conditional_escape(home)}">{mark}'
        f'<span class="qms-brand-name"{content_lang()}>{_institution(context)}</span></a>'
        '<button class="navbar-toggler" type="button" data-bs-toggle="collapse" data-bs-target="#main-menu"'
        ' aria-controls="main-menu" aria-expanded="false"'
        f' aria-label="{conditional_escape(gettext("Toggle navigation"))}">'
        '<span class="navbar-toggler-icon"></span></button>'
        '<div class="collapse navbar-collapse" id="main-menu">'
        f'<ul class="navbar-nav me-auto mb-2 mb-lg-0">{"".join(items)}</ul>'
        '<div class="d-lg-flex align-items-lg-center gap-3">'
        f"{_language_form(context, request) if request else ''}{_user_menu(context, user)}"
        "</div></div></div></nav></header>"
    )


@register.simple_tag(takes_context=True)
def site_footer(context) -> SafeString:
    """The footer: accessibility (with the site's compliance level), legal notice, personal data."""
    site_settings = context.get("site_settings")
    gettext = translation.gettext
    if site_settings:
        level = conditional_escape(str(site_settings.get_accessibility_compliance_display()).lower())
        accessibility = gettext("Accessibility: %(level)s") % {"level": level}
    else:
        accessibility = conditional_escape(gettext("Accessibility"))
    links = (
        ("core:accessibility", "accessibility", accessibility),
        ("core:legal", "legal", conditional_escape(gettext("Legal notice"))),
        ("core:privacy", "privacy", conditional_escape(gettext("Personal data"))),
    )
    items = "".join(
        f'<li class="list-inline-item"><a href="{conditional_escape(reverse(name))}" data-footer="{key}">'
        f"{text}</a></li>"
        for name, key, text in links
    )
    return mark_safe(  # noqa: S308 - every value is escaped
        '<footer class="qms-footer mt-auto"><div class="container-xl py-3">'
        f'<nav aria-label="{conditional_escape(gettext("Site information"))}">'
        f'<ul class="list-inline mb-1">{items}</ul></nav>'
        f'<p class="small mb-0"><span{content_lang()}>{_institution(context)}</span> · '
        f"{conditional_escape(gettext('QMS, open-source quality management system'))}</p>"
        "</div></footer>"
    )

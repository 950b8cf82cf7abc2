"""``{% helpdesk_settings as helpdesk %}``: the helpdesk's settings in force, for templates and emails that show
its deadlines, retention periods or contacts (read from the shared cache)."""

from __future__ import annotations

from django import template
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext as _

from complaints.models import HelpdeskSettings

register = template.Library()


@register.simple_tag
def helpdesk_settings() -> HelpdeskSettings:
    return HelpdeskSettings.get()


@register.simple_tag
def complaint_due(complaint) -> str:
    """The deadline a request is held to now, saying which one it is (a tag rather than an include: the inbox
    shows it twice on each of its rows)."""
    if complaint.is_paused:
        return format_html('<span class="text-body-secondary">{}</span>', _("paused"))
    if not complaint.current_due:
        return "—"
    which = _("Take charge by") if complaint.current_due_kind == "take_charge" else _("Answer by")
    overdue = format_html(' <span class="badge text-bg-danger">{}</span>', _("overdue")) if complaint.overdue else ""
    return format_html(
        '<span class="small text-body-secondary d-block">{}</span><span class="text-nowrap">{}</span>{}',
        which,
        date_format(complaint.current_due, "SHORT_DATE_FORMAT"),
        overdue,
    )

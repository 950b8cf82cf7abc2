"""``{% helpdesk_settings as helpdesk %}``: the helpdesk's settings in force, for templates and emails that show
its deadlines, retention periods or contacts (read from the shared cache)."""

from __future__ import annotations

from django import template

from complaints.models import HelpdeskSettings

register = template.Library()


@register.simple_tag
def helpdesk_settings() -> HelpdeskSettings:
    return HelpdeskSettings.get()

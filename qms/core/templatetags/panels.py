"""``{% object_panels obj %}``: the panels other apps register for ``obj`` (see qms.core.panels)."""

from django import template
from django.utils.safestring import mark_safe

from qms.core.panels import render_panels

register = template.Library()


@register.simple_tag(takes_context=True)
def object_panels(context, obj):
    request = context.get("request")
    return mark_safe(render_panels(request, obj))  # noqa: S308 - each panel renders through its own templates

"""Template helpers of the surveys: figures as people read them, and the quality index's light."""

from __future__ import annotations

from django import template
from django.utils.formats import number_format

from qms.core.charts import format_value, traffic_light, traffic_light_label
from surveys.choices import TrafficLight

register = template.Library()


@register.filter
def percent(value) -> str:
    """ "12,5 %" in French; a dash when there is no figure."""
    return "—" if value is None else format_value(value, "%")


@register.filter
def decimal(value) -> str:
    """A mean such as "3,25"; a dash when there is none."""
    return "—" if value is None else number_format(value, decimal_pos=2)


@register.simple_tag
def light(state: str | None, title: str = ""):
    """The quality index as a light with its words beside it (never colour alone)."""
    state = state or TrafficLight.GREY
    return traffic_light(state, title=title or traffic_light_label(state), label=TrafficLight(state).label)

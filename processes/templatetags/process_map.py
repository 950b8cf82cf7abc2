"""Small filters of the process map's templates: a traffic-light state or a band as its badge and its words."""

from django import template

from processes.choices import BAND_BADGES, LIGHT_BADGES, CriticalityBand, LightState

register = template.Library()


@register.filter
def light_badge(state: str) -> str:
    return LIGHT_BADGES.get(state, "secondary")


@register.filter
def light_label(state: str) -> str:
    try:
        return str(LightState(state).label)
    except ValueError:
        return str(LightState.GREY.label)


@register.filter
def band_badge(band: str | None) -> str:
    return BAND_BADGES.get(band, "secondary")


@register.filter
def band_label(band: str | None) -> str:
    try:
        return str(CriticalityBand(band).label)
    except ValueError:
        return ""


@register.filter
def get_item(mapping, key):
    """``mapping[key]``, or an empty list when it is not there."""
    return (mapping or {}).get(key, [])

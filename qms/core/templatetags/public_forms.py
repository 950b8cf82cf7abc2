"""Template helpers of the public forms (qms.core.public): where the error summary's links point."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def field_anchor(bound_field) -> str:
    """The id of the first control of ``bound_field``, which a link of the error summary focuses: the input
    itself, the first of a group of radio buttons or checkboxes, the search box of a picker."""
    return bound_field.id_for_label or (f"{bound_field.auto_id}_0" if bound_field.auto_id else "")


@register.filter
def has_field_errors(form) -> bool:
    """Whether a visible field of ``form`` is in error (not only the form as a whole)."""
    return any(field.errors for field in form.visible_fields()) if form is not None else False

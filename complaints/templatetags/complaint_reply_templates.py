"""``{% reply_template_picker %}``: the reply templates offered above a public text area of the request page.

It reads ``action``, ``form``, ``complaint`` and ``request`` from the page's context (the loop over the
processing forms of complaints/detail.html) and renders nothing for the forms that take no public text."""

from __future__ import annotations

from django import template

from complaints.reply_templates import PREFILLED_FIELDS, prefill_form, template_text, templates_for

register = template.Library()


@register.inclusion_tag("complaints/replytemplate_picker.html", takes_context=True)
def reply_template_picker(context) -> dict:
    action = context.get("action")
    form = context.get("form")
    complaint = context.get("complaint")
    request = context.get("request")
    field = PREFILLED_FIELDS.get(action or "")
    if not field or form is None or complaint is None or field not in getattr(form, "fields", {}):
        return {"show": False}
    templates = templates_for(complaint)
    if not templates:
        return {"show": False}
    query = getattr(request, "GET", {})
    if query.get("for", "answer") == action:
        prefill_form(form, action=action, complaint=complaint, template_id=query.get("template"))
    # The script is written once per page, with the first picker.
    first = not getattr(complaint, "_reply_template_script", False)
    complaint._reply_template_script = True
    bound_field = form[field]
    return {
        "show": True,
        "action": action,
        "complaint": complaint,
        "field_id": bound_field.id_for_label,
        "choices": [(item, template_text(item, complaint)) for item in templates],
        "first": first,
    }

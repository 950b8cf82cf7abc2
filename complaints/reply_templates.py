"""Reply templates: the reads that the request page and the back office share, and how a template becomes the
text of a reply.

On the request page each public text area (final answer, public reply, question, redirection explanation,
rejection reason) is offered the active templates of the request's kind, in the requester's language. With
JavaScript a select fills the text area; without it, a "use" link reloads the page with ``?template=<pk>&for=
<action>`` and the text area comes pre-filled (``prefill_form``).
"""

from __future__ import annotations

from django import forms
from django.db import models
from django.db.models import Q

from complaints.models import Complaint, ReplyTemplate

# Processing action of the request page → the field of its form that a template fills.
PREFILLED_FIELDS = {
    "answer": "answer",
    "reply": "body",
    "ask": "question",
    "redirect": "explanation",
    "reject": "reason",
}


def active_reply_templates(kind: str | None = None) -> models.QuerySet[ReplyTemplate]:
    """The active templates, in their order; with ``kind``, those for that kind and those for every kind."""
    templates = ReplyTemplate.objects.filter(is_active=True)
    if kind:
        templates = templates.filter(Q(kind="") | Q(kind=kind))
    return templates.order_by("order", "title", "pk")


def templates_for(complaint: Complaint) -> list[ReplyTemplate]:
    """The templates offered on ``complaint``'s page, read once per page."""
    cached = getattr(complaint, "_reply_templates", None)
    if cached is None:
        cached = list(active_reply_templates(complaint.kind))
        complaint._reply_templates = cached
    return cached


def template_text(template: ReplyTemplate, complaint: Complaint) -> str:
    """The template in the requester's language, with ``{reference}`` and ``{institution}`` filled in."""
    from qms.core.models import SiteSettings

    text = template.body_for(complaint.language)
    return text.replace("{reference}", complaint.reference).replace(
        "{institution}", SiteSettings.get().institution_name
    )


def prefill_form(form: forms.Form, *, action: str, complaint: Complaint, template_id: str | None) -> bool:
    """Put the text of template ``template_id`` in the text area of ``action``'s unbound ``form``.

    Must run before the form's fields are rendered. Returns whether the form was filled."""
    field = PREFILLED_FIELDS.get(action)
    if not field or form.is_bound or field not in form.fields or not (template_id or "").isdigit():
        return False
    template = next((t for t in templates_for(complaint) if t.pk == int(template_id)), None)
    if template is None:
        return False
    form.initial = {**form.initial, field: template_text(template, complaint)}
    return True

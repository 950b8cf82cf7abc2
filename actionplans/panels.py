"""The "Actions" panel that action plans add to other apps' pages (qms.core.panels): on anything that actions
answer (a registered source: a request, a risk, a finding …) and on a process, the actions the viewer may open,
and, to whoever may, the way to create an action for it or to link existing ones."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.urls import reverse

from actionplans.selectors import actions_of_object, can_create_for_source, can_link_to_source, is_process
from qms.core import panels, sources


def applies_to(obj) -> bool:
    return sources.is_source(obj) or is_process(obj)


def render_actions_panel(request, obj) -> str:
    """The panel for the viewer of ``request``: the actions they may open, with the viewer's own rights."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return ""
    source_type = sources.get(obj)
    may_create = may_link = False
    if source_type is not None:
        may_create = can_create_for_source(user, obj)
        may_link = can_link_to_source(user, obj)
    kit_url = reverse("actionplans:source-actions", args=[sources.key(obj), obj.pk]) if source_type else ""
    return render_to_string(
        "actionplans/_actions_panel.html",
        {
            "obj": obj,
            "actions": list(actions_of_object(user, obj)),
            "is_source": source_type is not None,
            "may_create": may_create,
            "may_link": may_link,
            "kit_url": kit_url,
        },
        request=request,
    )


ACTIONS_PANEL = panels.ObjectPanel(
    key="actionplans.actions", applies_to=applies_to, render=render_actions_panel, order=100
)

"""The panels that action plans add to other apps' pages (qms.core.panels):
- "Actions", on anything that actions answer (a registered source: a request, a risk, a finding …) and on a
  process: the actions the viewer may open, and, to whoever may, the way to create an action for it or to link
  existing ones;
- "My actions", on a person's home page: their late actions and the effectiveness checks they are to make."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from actionplans.selectors import (
    actions_of_object,
    can_create_for_source,
    can_link_to_source,
    is_process,
    my_checks_due,
    my_late_actions,
)
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


HOME_LIMIT = 10


def is_person(obj) -> bool:
    return obj._meta.label_lower == settings.AUTH_USER_MODEL.lower()


def render_my_work(request, person) -> str:
    """Shown to the person themself only, when they have something late or to check."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or user.pk != person.pk:
        return ""
    today = timezone.localdate()
    late, checks = my_late_actions(user, today), my_checks_due(user, today)
    late_rows, check_rows = list(late[: HOME_LIMIT + 1]), list(checks[: HOME_LIMIT + 1])
    if not late_rows and not check_rows:
        return ""
    return render_to_string(
        "actionplans/_my_work_panel.html",
        {
            "late": late_rows[:HOME_LIMIT],
            "late_total": late.count(),
            "checks": check_rows[:HOME_LIMIT],
            "checks_total": checks.count(),
            "today": today,
        },
        request=request,
    )


MY_WORK_PANEL = panels.ObjectPanel(key="actionplans.my-work", applies_to=is_person, render=render_my_work, order=20)

"""The panels that action plans add to other apps' pages (qms.core.panels):
- "Actions", on anything that actions answer (a registered source: a request, a risk, a finding …) and on a
  process: the actions the viewer may open, and, to whoever may, the way to create an action for it or to link
  existing ones;
- "My actions", on a person's home page: their late actions and the effectiveness checks they are to make."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from actionplans.models import Action, ActionSource
from actionplans.selectors import (
    actions_of_object,
    can_create_for_source,
    can_link_to_source,
    for_work_list,
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
            "actions": list(for_work_list(actions_of_object(user, obj))),
            "is_source": source_type is not None,
            "may_create": may_create,
            "may_link": may_link,
            "kit_url": kit_url,
        },
        request=request,
    )


def actions_summary(objects) -> dict[int, list[dict]]:
    """The actions about each of ``objects`` (of one model), as plain rows for records and exports, with no viewer
    applied: every action answering a source, the open actions of a process. Two queries for any number."""
    objects = list(objects)
    if not objects:
        return {}
    if is_process(objects[0]):
        actions = Action.objects.open().filter(process__in=[obj.pk for obj in objects]).order_by("deadline", "pk")
        pairs = [(action.process_id, action) for action in actions]
    else:
        links = (
            ActionSource.objects.filter(
                content_type=ContentType.objects.get_for_model(objects[0]), object_id__in=[obj.pk for obj in objects]
            )
            .select_related("action")
            .order_by("created_at", "pk")
        )
        pairs = [(link.object_id, link.action) for link in links]
    rows: dict[int, list[dict]] = {}
    for object_id, action in pairs:
        rows.setdefault(object_id, []).append(
            {
                "reference": action.reference,
                "title": action.title,
                "status": action.status,
                "status_label": str(action.get_status_display()),
                "due": action.deadline.isoformat() if action.deadline else "",
                "url": action.get_absolute_url(),
            }
        )
    return rows


ACTIONS_PANEL = panels.ObjectPanel(
    key="actionplans.actions",
    applies_to=applies_to,
    render=render_actions_panel,
    order=100,
    summary=actions_summary,
    label=_("Actions"),
)


HOME_LIMIT = 10


def render_my_work(request, person) -> str:
    """Shown to the person themself only, when they have something late or to check."""
    if not panels.viewer_is(request, person):
        return ""
    user = request.user
    today = timezone.localdate()
    late, checks = for_work_list(my_late_actions(user, today)), for_work_list(my_checks_due(user, today))
    late_rows, check_rows = list(late[: HOME_LIMIT + 1]), list(checks[: HOME_LIMIT + 1])
    if not late_rows and not check_rows:
        return ""
    return render_to_string(
        "actionplans/_my_work_panel.html",
        {
            "late": late_rows[:HOME_LIMIT],
            # Counted by the database only when there are more than the panel shows.
            "late_total": late.count() if len(late_rows) > HOME_LIMIT else len(late_rows),
            "checks": check_rows[:HOME_LIMIT],
            "checks_total": checks.count() if len(check_rows) > HOME_LIMIT else len(check_rows),
            "today": today,
        },
        request=request,
    )


MY_WORK_PANEL = panels.ObjectPanel(
    key="actionplans.my-work", applies_to=panels.is_person, render=render_my_work, order=20
)

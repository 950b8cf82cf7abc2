"""Object panels: an app adds a block to other apps' detail pages without those apps importing it.

As NetBox's template extensions do: action plans register an "Actions" panel for anything that is an action
source or carries ``Action.process``; a detail page renders ``{% object_panels obj %}`` (``{% load panels %}``),
and each panel applies its own app's permissions for the viewer::

    from qms.core import panels

    panels.register(panels.ObjectPanel(
        key="actionplans.actions",
        applies_to=lambda obj: sources.is_source(obj) or obj._meta.label_lower == "processes.process",
        render=render_actions_panel,   # (request, obj) -> str (safe HTML) or "" to show nothing
        order=100,
        summary=actions_summary,       # optional: (objects) -> {pk: [plain dicts]}, see below
    ))

A record compiled at a date (a process review's inputs) or an export (a risk register) keeps what a panel holds:
``summaries(obj)`` (or ``summaries_for(objects)``, for many at once) asks each panel that has a ``summary`` for
plain, JSON-safe rows (``{"reference", "title", "status", "status_label", "due", "url"}`` for actions), with no
viewer applied, so that the record can store them. A ``summary`` takes a list of objects of one model and answers
``{pk: rows}`` in a fixed number of queries.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import models


@dataclass(frozen=True)
class ObjectPanel:
    """A block that an app renders on other apps' detail pages."""

    key: str
    applies_to: Callable[[models.Model], bool]
    render: Callable[[object, models.Model], str]
    order: int = 100
    # What the panel holds for each of a list of objects, as plain rows by pk; None when it has nothing to give.
    summary: Callable[[list[models.Model]], dict[int, list[dict]]] | None = None
    label: str = ""


_REGISTRY: dict[str, ObjectPanel] = {}


def register(panel: ObjectPanel) -> ObjectPanel:
    """Add (or replace, by key) a panel."""
    _REGISTRY[panel.key] = panel
    return panel


def unregister(key: str) -> None:
    _REGISTRY.pop(key, None)


def is_person(obj) -> bool:
    """Whether ``obj`` is a person (a user): the panels of a home page apply to the person whose page it is."""
    return obj._meta.label_lower == settings.AUTH_USER_MODEL.lower()


def viewer_is(request, person) -> bool:
    """Whether the viewer of ``request`` is ``person`` themself: a home-page panel shows their own work to them
    only."""
    user = getattr(request, "user", None)
    return user is not None and user.is_authenticated and user.pk == person.pk


def panels_for(obj) -> list[ObjectPanel]:
    """The panels that apply to ``obj``, in their order."""
    if obj is None:
        return []
    return sorted((panel for panel in _REGISTRY.values() if panel.applies_to(obj)), key=lambda p: (p.order, p.key))


def render_panels(request, obj) -> str:
    """The HTML of every panel that applies to ``obj`` for the viewer of ``request``."""
    return "".join(html for panel in panels_for(obj) if (html := panel.render(request, obj)))


def summaries_for(objects) -> dict[int, list[dict]]:
    """``{pk: [{"key", "label", "rows"}]}`` for objects of one model, from every panel that gives a summary (see
    ``ObjectPanel.summary``); each panel answers for all of them at once."""
    objects = list(objects)
    result: dict[int, list[dict]] = {obj.pk: [] for obj in objects}
    if not objects:
        return result
    for panel in panels_for(objects[0]):
        if panel.summary is None:
            continue
        rows = panel.summary(objects)
        for obj in objects:
            result[obj.pk].append({"key": panel.key, "label": str(panel.label), "rows": list(rows.get(obj.pk, []))})
    return result


def summaries(obj) -> list[dict]:
    """``summaries_for`` of one object."""
    return summaries_for([obj])[obj.pk]

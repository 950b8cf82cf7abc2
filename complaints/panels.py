"""The helpdesk's panel on a person's home page (qms.core.panels): the requests they are to handle, with the
deadline that runs on each."""

from __future__ import annotations

from django.template.loader import render_to_string

from complaints.selectors import requests_to_handle
from qms.core import panels

HOME_LIMIT = 10


def render_my_requests(request, person) -> str:
    """Shown to the person themself only, when they have something to handle."""
    if not panels.viewer_is(request, person):
        return ""
    user = request.user
    found = requests_to_handle(user)
    rows = list(found[: HOME_LIMIT + 1])
    if not rows:
        return ""
    return render_to_string(
        "complaints/_my_requests_panel.html",
        {
            "requests": rows[:HOME_LIMIT],
            "more": len(rows) > HOME_LIMIT,
            # Counted by the database only when there are more than the panel shows.
            "total": found.count() if len(rows) > HOME_LIMIT else len(rows),
        },
        request=request,
    )


MY_REQUESTS_PANEL = panels.ObjectPanel(
    key="complaints.my-requests", applies_to=panels.is_person, render=render_my_requests, order=10
)

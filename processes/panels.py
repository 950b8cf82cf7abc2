"""The panel the process map adds to a person's home page (qms.core.panels): the measurements they have to enter,
the documents whose review falls to them, and the versions sent to them that they have not confirmed reading."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from qms.core import panels

HOME_LIMIT = 10


def is_person(obj) -> bool:
    return obj._meta.label_lower == settings.AUTH_USER_MODEL.lower()


def render_my_process_work(request, person) -> str:
    """Shown to the person themself only, when they have something to do."""
    from processes.selectors import documents_due_for_review_for, measurements_due_for, my_pending_reads

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or user.pk != person.pk:
        return ""
    today = timezone.localdate()
    measurements = measurements_due_for(user, today=today, horizon_days=15)
    reviews = documents_due_for_review_for(user, today=today, horizon_days=30)
    reads = list(my_pending_reads(user)[: HOME_LIMIT + 1])
    if not (measurements or reviews or reads):
        return ""
    return render_to_string(
        "processes/_my_work_panel.html",
        {
            "measurements": measurements[:HOME_LIMIT],
            "measurements_total": len(measurements),
            "reviews": reviews[:HOME_LIMIT],
            "reads": reads[:HOME_LIMIT],
            "today": today,
        },
        request=request,
    )


MY_WORK_PANEL = panels.ObjectPanel(
    key="processes.my-work", applies_to=is_person, render=render_my_process_work, order=30
)

"""The beat schedule, assembled from what each app declares in ``<app>/schedule.py: SCHEDULE``.

Every entry must carry ``options.expires``: after an outage, beat would otherwise queue a backlog of stale runs.
Two apps may not declare the same entry name. ``CoreConfig.ready()`` installs the result as the Celery app's
``beat_schedule``.
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

# Core's own periodic jobs.
SCHEDULE = {
    # Public forms: remove the spent stamps of expired forms (qms.core.public), outside any submission.
    "core-purge-spent-stamps": {
        "task": "qms.core.tasks.purge_spent_stamps",
        "schedule": 3600.0,
        "options": {"expires": 3000},
    },
}


def beat_schedule() -> dict[str, dict]:
    from qms.core.registry import declared

    schedule: dict[str, dict] = {}
    for config, entries in declared("schedule", "SCHEDULE"):
        for name, entry in entries.items():
            if name in schedule:
                raise ImproperlyConfigured(f"The periodic job {name!r} of {config.label} is declared twice.")
            if not entry.get("options", {}).get("expires"):
                raise ImproperlyConfigured(f"The periodic job {name!r} of {config.label} has no expires option.")
            schedule[name] = entry
    return schedule

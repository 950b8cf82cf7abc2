"""The process map's periodic jobs (collected into the beat schedule by qms.core.schedule)."""

SCHEDULE = {
    # Store the value of every computed indicator whose period has closed: daily.
    "processes-take-indicator-snapshots": {
        "task": "processes.tasks.take_indicator_snapshots",
        "schedule": 24 * 3600.0,
        "options": {"expires": 6 * 3600},
    },
}

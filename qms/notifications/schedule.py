"""The outbox's periodic jobs (collected into the beat schedule by qms.core.schedule)."""

SCHEDULE = {
    # Send what the broker missed, retry what failed: every minute.
    "notifications-sweep-outbox": {
        "task": "qms.notifications.tasks.sweep_outbox",
        "schedule": 60.0,
        "options": {"expires": 50},
    },
}

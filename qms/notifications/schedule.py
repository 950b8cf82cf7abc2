"""The outbox's periodic jobs (collected into the beat schedule by qms.core.schedule)."""

from celery.schedules import crontab

SCHEDULE = {
    # Send what the broker missed, retry what failed: every minute.
    "notifications-sweep-outbox": {
        "task": "qms.notifications.tasks.sweep_outbox",
        "schedule": 60.0,
        "options": {"expires": 50},
    },
    # The reminder scan: once a day at 07:00 in TIME_ZONE (CELERY_TIMEZONE = TIME_ZONE). A run missed by more than
    # 6 hours is dropped; the next one sends the latest threshold crossed, not a burst.
    "notifications-send-reminders": {
        "task": "qms.notifications.tasks.send_reminders",
        "schedule": crontab(hour=7, minute=0),
        "options": {"expires": 6 * 3600},
    },
}

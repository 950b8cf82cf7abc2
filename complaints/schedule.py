"""The helpdesk's periodic jobs (collected into the beat schedule by qms.core.schedule)."""

SCHEDULE = {
    # Close the answered requests whose quiet period is over.
    "complaints-auto-close": {
        "task": "complaints.tasks.auto_close",
        "schedule": 3600.0,
        "options": {"expires": 3000},
    },
    # GDPR: remove the personal data of the requests past their retention period.
    "complaints-purge": {
        "task": "complaints.tasks.purge_complaints",
        "schedule": 24 * 3600.0,
        "options": {"expires": 6 * 3600},
    },
}

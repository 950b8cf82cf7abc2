"""The surveys' periodic jobs (collected into the beat schedule by qms.core.schedule)."""

from celery.schedules import crontab

SCHEDULE = {
    # Open, close and publish campaigns by their dates; purge the rosters whose retention is over.
    "surveys-campaigns-tick": {
        "task": "surveys.tasks.campaigns_tick",
        "schedule": 3600.0,
        "options": {"expires": 3000},
    },
    # Anonymity: write the token rows of open campaigns again, so that no token shares its transaction id (xmin)
    # with its response.
    "surveys-rewrite-tokens": {
        "task": "surveys.tasks.rewrite_tokens",
        "schedule": crontab(hour=3, minute=15),
        "options": {"expires": 6 * 3600},
    },
    # A roster preview keeps the students' addresses an hour at most.
    "surveys-purge-roster-imports": {
        "task": "surveys.tasks.purge_roster_imports",
        "schedule": 600.0,
        "options": {"expires": 540},
    },
}

"""The certifications' periodic jobs (collected into the beat schedule by qms.core.schedule)."""

SCHEDULE = {
    # Spreadsheets uploaded for an import and never confirmed: dropped once expired.
    "certifications-purge-imports": {
        "task": "certifications.tasks.purge_imports",
        "schedule": 24 * 3600.0,
        "options": {"expires": 6 * 3600},
    },
}

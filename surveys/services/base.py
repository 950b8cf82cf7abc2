"""What every service of the surveys shares: its error, and the activity log against a campaign."""

from __future__ import annotations


class SurveyError(Exception):
    """A write of the surveys that cannot be made. ``str(error)`` is translated; ``field`` names the form field it
    concerns, when there is one."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = str(message)
        self.field = field

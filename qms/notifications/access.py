"""Notification pages open to every signed-in person (collected by ``qms.core.access``)."""

OPEN_TO_SIGNED_IN = [
    # Everyone chooses their language, how they receive reminders, and their calendar link.
    "notifications:profile",
]

"""The outbox's permission block (collected by qms.core.roles)."""

from qms.core.choices import Role

# The outbox is read (and retried or given up) in the Django admin by the quality manager.
PERMISSIONS = {
    Role.QUALITY_MANAGER: [
        "notifications.view_outboxemail",
        "notifications.change_outboxemail",
        "notifications.view_dailycount",
    ],
}

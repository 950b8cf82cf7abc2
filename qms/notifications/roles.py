"""The outbox's permission block (collected by qms.core.roles)."""

from qms.core.choices import Role

# The outbox is read (and retried or given up) in the Django admin by the quality manager.
PERMISSIONS = {
    Role.QUALITY_MANAGER: [
        "notifications.view_outboxemail",
        "notifications.change_outboxemail",
        "notifications.view_dailycount",
        # The wording of reminder emails, in place of the default templates.
        "notifications.view_reminderwording",
        "notifications.add_reminderwording",
        "notifications.change_reminderwording",
        "notifications.delete_reminderwording",
    ],
}

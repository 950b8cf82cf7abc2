from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "qms.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from qms.core import health
        from qms.notifications.selectors import sensitive_cases_warning

        # Reminders about sensitive cases need someone in the named group: the settings page and /healthz say so.
        health.register("sensitive_cases_group_empty", sensitive_cases_warning)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificationsConfig(AppConfig):
    name = "certifications"
    label = "certifications"
    verbose_name = _("Certifications")

    def ready(self) -> None:
        # Metrics, named lists (live evidence), findings as action sources, the evidence archive as a report.
        from certifications import evidence, metrics, reports, sources  # noqa: F401
        from certifications.selectors import PEOPLE_SCOPE, people_for_picker
        from qms.core.search import register_user_scope

        register_user_scope(PEOPLE_SCOPE, people_for_picker)
        # Deadline reminders and the calendar feed (qms.notifications runs the daily scan).
        from certifications import reminders

        reminders.register()

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProcessesConfig(AppConfig):
    name = "processes"
    label = "processes"
    verbose_name = _("Process map")

    def ready(self) -> None:
        from processes import metrics  # noqa: F401 - registers the process map's metrics
        from processes.selectors import PEOPLE_SCOPE, people_for_picker
        from processes.sources import register_sources
        from qms.core.search import register_user_scope

        # Risks and review decisions are action sources.
        register_sources()
        # The people pickers of the process map's forms (owners, deputies, reviewers, readers).
        register_user_scope(PEOPLE_SCOPE, people_for_picker)
        # Deadline reminders and the calendar feed (qms.notifications runs the daily scan).
        from processes import reminders

        reminders.register()

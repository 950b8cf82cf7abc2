from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "surveys"
    label = "surveys"
    verbose_name = _("Course evaluations")

    def ready(self) -> None:
        from qms.core.search import register_user_scope
        from surveys import (
            councils_metrics,  # noqa: F401 - registers the councils' held rate
            councils_sources,
            evidence,  # noqa: F401 - registers the campaigns as a named list (Qualiopi indicator 30)
            metrics,  # noqa: F401 - registers the surveys' metrics
            sources,
        )
        from surveys.councils_selectors import COUNCIL_PEOPLE_SCOPE, council_people_for_picker

        sources.register()
        councils_sources.register()
        # Deadline reminders and the calendar feed (qms.notifications runs the daily scan).
        from surveys import reminders

        reminders.register()
        # The members' form links a seat to an account through the people picker.
        register_user_scope(COUNCIL_PEOPLE_SCOPE, council_people_for_picker)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProcessesConfig(AppConfig):
    name = "processes"
    label = "processes"
    verbose_name = _("Process map")

    def ready(self) -> None:
        from processes import metrics  # noqa: F401 - registers the process map's metrics
        from processes.panels import MY_WORK_PANEL
        from processes.selectors import PEOPLE_SCOPE, people_for_picker
        from processes.sources import register_sources
        from qms.core import panels
        from qms.core.search import register_user_scope

        register_sources()
        register_user_scope(PEOPLE_SCOPE, people_for_picker)
        # On a person's home page: their measurements to enter, documents to review and to read.
        panels.register(MY_WORK_PANEL)

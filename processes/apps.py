from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProcessesConfig(AppConfig):
    name = "processes"
    label = "processes"
    verbose_name = _("Process map")

    def ready(self) -> None:
        from processes import metrics  # noqa: F401 - registers the process map's metrics
        from processes.sources import register_sources

        register_sources()

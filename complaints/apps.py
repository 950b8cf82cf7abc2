from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "complaints"
    label = "complaints"
    verbose_name = _("Helpdesk")

    def ready(self) -> None:
        from complaints import metrics  # noqa: F401 - registers the helpdesk's metrics

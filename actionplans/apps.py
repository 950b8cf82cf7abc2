from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActionplansConfig(AppConfig):
    name = "actionplans"
    label = "actionplans"
    verbose_name = _("Action plans")

    def ready(self) -> None:
        from actionplans import evidence, metrics  # noqa: F401 - registers the metrics and named lists

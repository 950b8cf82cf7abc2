from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "surveys"
    label = "surveys"
    verbose_name = _("Course evaluations")

    def ready(self) -> None:
        from surveys import (
            metrics,  # noqa: F401 - registers the surveys' metrics
            sources,
        )

        sources.register()

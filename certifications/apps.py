from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificationsConfig(AppConfig):
    name = "certifications"
    label = "certifications"
    verbose_name = _("Certifications")

    def ready(self) -> None:
        from certifications import evidence, metrics, sources  # noqa: F401 - register metrics, lists and sources

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "complaints"
    label = "complaints"
    verbose_name = _("Helpdesk")

    def ready(self) -> None:
        from complaints import evidence, metrics  # noqa: F401 - registers the helpdesk's metrics and named lists
        from complaints.forms import ASSIGNEE_SCOPE, STAFF_SCOPE
        from complaints.selectors import assignees_for_picker, staff_for_picker
        from qms.core.search import register_user_scope

        register_user_scope(ASSIGNEE_SCOPE, assignees_for_picker)
        register_user_scope(STAFF_SCOPE, staff_for_picker)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "complaints"
    label = "complaints"
    verbose_name = _("Helpdesk")

    def ready(self) -> None:
        from complaints import evidence, metrics  # noqa: F401 - registers the helpdesk's metrics and named lists
        from complaints.forms import ASSIGNEE_SCOPE
        from complaints.models import Complaint
        from complaints.panels import MY_REQUESTS_PANEL
        from complaints.selectors import assignees_for_picker, can_handle, can_view, complaints_granted_for_actions
        from complaints.services import refusal
        from qms.core import panels, sources
        from qms.core.search import register_user_scope

        register_user_scope(ASSIGNEE_SCOPE, assignees_for_picker)
        # Deadline reminders and the calendar feed (qms.notifications runs the daily scan).
        from complaints import reminders as helpdesk_reminders
        from qms.notifications import reminders

        reminders.register("complaints.take-charge", helpdesk_reminders.take_charge_deadlines)
        reminders.register("complaints.answer", helpdesk_reminders.answer_deadlines)
        reminders.register("complaints.unsent-acknowledgements", helpdesk_reminders.unsent_acknowledgements)
        reminders.register_calendar("complaints.assigned", helpdesk_reminders.calendar)
        helpdesk_reminders.register_kinds()
        # The requests a person is to handle, on their home page.
        panels.register(MY_REQUESTS_PANEL)
        # A request can be the source of actions. Action plans describe it, list its actions on its page (the
        # "Actions" panel) and create or link actions for it, without the helpdesk naming them.
        sources.register(
            Complaint,
            reference=lambda complaint: complaint.reference,
            # Its subject only to those who may open it; a sensitive request's never (Complaint.__str__).
            label=str,
            can_open=can_view,
            is_sensitive=lambda complaint: complaint.is_sensitive,
            default_unit=lambda complaint: complaint.org_unit,
            default_process=lambda complaint: complaint.process,
            granted_ids=complaints_granted_for_actions,
            can_attach=can_handle,
            refuse_actions=lambda complaint: refusal(complaint, "actions"),
        )

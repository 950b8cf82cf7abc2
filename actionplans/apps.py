from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActionplansConfig(AppConfig):
    name = "actionplans"
    label = "actionplans"
    verbose_name = _("Action plans")

    def ready(self) -> None:
        from actionplans import (  # noqa: F401 - registers the metrics, reports and named lists
            evidence,
            metrics,
            reports,
        )
        from actionplans.models import Action
        from actionplans.panels import ACTIONS_PANEL, MY_WORK_PANEL
        from actionplans.selectors import PEOPLE_SCOPE, actions_visible_to, people_for_picker
        from qms.core import panels, sources
        from qms.core.search import register_user_scope

        register_user_scope(PEOPLE_SCOPE, people_for_picker)
        # Deadline reminders and the calendar feed (qms.notifications runs the daily scan).
        from actionplans import reminders as action_reminders
        from qms.notifications import reminders

        reminders.register("actionplans.action-deadlines", action_reminders.action_deadlines)
        reminders.register("actionplans.action-escalations", action_reminders.action_escalations)
        reminders.register("actionplans.effectiveness-checks", action_reminders.effectiveness_checks)
        reminders.register_calendar("actionplans.actions", action_reminders.calendar)
        action_reminders.register_kinds()
        # "Actions" on the page of anything that actions answer, or of a process.
        panels.register(ACTIONS_PANEL)
        # A person's late actions and the effectiveness checks they are to make, on their home page.
        panels.register(MY_WORK_PANEL)
        # An action answers another (a follow-up answers the action whose check found it not effective).
        sources.register(
            Action,
            reference=lambda action: action.reference,
            label=str,
            can_open=lambda user, action: actions_visible_to(user).filter(pk=action.pk).exists(),
            related=("plan__org_unit",),
            visible=actions_visible_to,
            default_unit=lambda action: action.org_unit or action.plan.org_unit,
            default_process=lambda action: action.process,
        )

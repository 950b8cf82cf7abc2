"""The helpdesk's menu entries (collected by qms.core.navigation)."""

from django.utils.translation import gettext_lazy as _

from qms.core.choices import Role
from qms.core.navigation import NavEntry, any_of, with_perm, with_role

_opens_inbox = any_of(with_perm("complaints.view_complaint"), with_role(Role.SENSITIVE_CASES))


def _reports_without_inbox(user) -> bool:
    """Those whose menu has no "Requests" (where the report form is offered) get the form in the menu."""
    return with_perm("complaints.add_complaint")(user) and not _opens_inbox(user)


ENTRIES = [
    NavEntry(
        key="complaints",
        label=_("Requests"),
        url_name="complaints:inbox",
        check=_opens_inbox,
        description=_("Complaints, suggestions and dysfunction reports to handle."),
        order=30,
    ),
    # Every member of staff may report an internal dysfunction: those who do not open the inbox (where the form
    # is offered) find it in the menu and on their home page.
    NavEntry(
        key="complaint-report",
        label=_("Report a dysfunction"),
        url_name="complaints:staff-create",
        check=_reports_without_inbox,
        description=_("Report an internal dysfunction, make a suggestion or a complaint, as a member of staff."),
        order=32,
    ),
    NavEntry(
        key="complaint-stats",
        label=_("Statistics"),
        url_name="complaints:stats",
        check=with_perm("complaints.view_complaint_statistics"),
        description=_("Requests received, taken in charge and answered on time; satisfaction with answers."),
        order=31,
    ),
]

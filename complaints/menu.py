"""The helpdesk's menu entries (collected by qms.core.navigation)."""

from django.utils.translation import gettext_lazy as _

from qms.core.choices import Role
from qms.core.navigation import NavEntry, any_of, with_perm, with_role

ENTRIES = [
    NavEntry(
        key="complaints",
        label=_("Requests"),
        url_name="complaints:inbox",
        check=any_of(with_perm("complaints.view_complaint"), with_role(Role.SENSITIVE_CASES)),
        description=_("Complaints, suggestions and dysfunction reports to handle."),
        order=30,
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

"""The helpdesk's permission block (collected by qms.core.roles).

Where comes from memberships and ownership (see complaints/selectors.py): a referent handles their units'
requests, an assignee theirs. Sensitive requests are for the sensitive-cases group only, whatever the rest.

Each permission carries a rule of complaints/selectors.py (or the Django admin, for the settings tables):
- ``view_complaint``: the inbox, and the requests of one's units; ``change_complaint``: handling them;
- ``view_complaintmessage``: the internal notes; ``view_complaintattachment``: the files;
- ``view_complaint_requester``: who sent a request; ``view_complaint_ip``: from which address;
- ``view_complaint_statistics``: the statistics page;
- ``add_complaint``: the internal report form; the reply templates and settings tables: their editors.
An external auditor reads the requests granted to them and their public exchange, nothing more.
"""

from qms.core.choices import Role
from qms.core.roles import crud

_SETTINGS = ("redirectbody", "rootcausecategory", "deadlinesetting")
_READ_ALL = [
    "complaints.view_complaint",
    "complaints.view_complaintmessage",
    "complaints.view_complaintattachment",
    "complaints.view_complaint_requester",
]
PERMISSIONS = {
    Role.QUALITY_MANAGER: [
        *_READ_ALL,
        "complaints.change_complaint",
        "complaints.view_complaint_ip",
        "complaints.view_complaint_statistics",
        *crud("complaints", *_SETTINGS),
        # The quality manager writes the canned answers; whoever answers requests reads them on the request page.
        *crud("complaints", "replytemplate"),
        # The helpdesk's section of the settings page.
        "complaints.view_helpdesksettings",
        "complaints.change_helpdesksettings",
    ],
    Role.QUALITY_REFERENT: [*_READ_ALL, "complaints.change_complaint", "complaints.view_complaint_statistics"],
    # A process owner reads the requests about their processes, with their notes and files.
    Role.PROCESS_OWNER: _READ_ALL,
    Role.DIRECTOR: [*_READ_ALL, "complaints.view_complaint_statistics"],
    Role.AUDITOR: ["complaints.view_complaint"],
    # Every member of staff may report an internal dysfunction.
    Role.STAFF: ["complaints.add_complaint"],
    Role.SENSITIVE_CASES: [*_READ_ALL, "complaints.change_complaint"],
}

"""The helpdesk's permission block (collected by qms.core.roles).

Where comes from memberships and ownership (see complaints/selectors.py): a referent handles their units'
requests, an assignee theirs. Sensitive requests are for the sensitive-cases group only, whatever the rest.
"""

from qms.core.choices import Role
from qms.core.roles import crud, view

_SETTINGS = ("redirectbody", "rootcausecategory", "deadlinesetting")
PERMISSIONS = {
    Role.QUALITY_MANAGER: [
        "complaints.view_complaint",
        "complaints.change_complaint",
        "complaints.view_complaint_ip",
        *view("complaints", "complaintmessage", "complaintattachment"),
        *crud("complaints", *_SETTINGS),
        # The quality manager writes the canned answers; whoever answers requests reads them.
        *crud("complaints", "replytemplate"),
        # The helpdesk's section of the settings page.
        "complaints.view_helpdesksettings",
        "complaints.change_helpdesksettings",
    ],
    Role.QUALITY_REFERENT: [
        "complaints.view_complaint",
        "complaints.change_complaint",
        *view("complaints", "complaintmessage", "complaintattachment", *_SETTINGS, "replytemplate"),
    ],
    Role.PROCESS_OWNER: ["complaints.view_complaint"],
    Role.DIRECTOR: ["complaints.view_complaint", *view("complaints", "complaintmessage")],
    Role.AUDITOR: ["complaints.view_complaint"],
    # Every member of staff may report an internal dysfunction.
    Role.STAFF: ["complaints.add_complaint"],
    Role.SENSITIVE_CASES: [
        "complaints.view_complaint",
        "complaints.change_complaint",
        *view("complaints", "complaintmessage", "complaintattachment", "replytemplate"),
    ],
}

"""The process map's permission blocks (collected by qms.core.roles)."""

from qms.core.choices import Role
from qms.core.roles import crud, view

PERMISSIONS = {
    Role.QUALITY_MANAGER: [*crud("processes", "process")],
    Role.QUALITY_REFERENT: [*view("processes", "process")],
    Role.PROCESS_OWNER: ["processes.view_process", "processes.change_process"],
    Role.DIRECTOR: [*view("processes", "process")],
    Role.AUDITOR: [*view("processes", "process")],
    Role.STAFF: [*view("processes", "process")],
}

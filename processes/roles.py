"""The process map's permission blocks (collected by qms.core.roles).

Groups say what a person may do; where comes from ownership and scope (``processes.permissions``): a process's
owner and deputies edit it, its indicators, risks, reviews and documents even without these permissions.
"""

from qms.core.choices import Role
from qms.core.roles import crud, view

MODELS = (
    "process",
    "indicator",
    "indicatortarget",
    "measurement",
    "risk",
    "processreview",
    "reviewdecision",
    "document",
    "documentversion",
    "distribution",
)
# What the people who steer processes add and change, within their scope.
STEERING = crud(
    "processes",
    "indicator",
    "indicatortarget",
    "measurement",
    "risk",
    "processreview",
    "reviewdecision",
    "document",
    "documentversion",
    "distribution",
    actions=("add", "change"),
)

PERMISSIONS = {
    Role.QUALITY_MANAGER: [*crud("processes", *MODELS)],
    Role.QUALITY_REFERENT: [*view("processes", *MODELS), "processes.change_process", *STEERING],
    Role.PROCESS_OWNER: [*view("processes", *MODELS), "processes.change_process", *STEERING],
    Role.DIRECTOR: [*view("processes", *MODELS)],
    Role.AUDITOR: [*view("processes", *MODELS)],
    # Every member of staff reads the map and the procedures and forms library.
    Role.STAFF: [*view("processes", "process", "document", "documentversion")],
}

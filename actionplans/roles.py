"""Action plans' permission block (collected by qms.core.roles).

Groups say what may be done; where comes from memberships (see actionplans/selectors.py). Owning a plan, an
action or its process gives access to it even without these permissions.
"""

from qms.core.choices import Role
from qms.core.roles import crud, view

_MODELS = (
    "actionplan",
    "axis",
    "objective",
    "action",
    "actionsource",
    "actionupdate",
    "actionevidence",
    "effectivenesscheck",
)
PERMISSIONS = {
    Role.QUALITY_MANAGER: [*crud("actionplans", *_MODELS), *view("actionplans", "planimport")],
    # A referent reads their units' plans, adds and follows up their actions, and may start a plan for them.
    Role.QUALITY_REFERENT: [
        *view("actionplans", *_MODELS),
        "actionplans.add_actionplan",
        "actionplans.add_action",
        "actionplans.change_action",
        "actionplans.add_actionsource",
        "actionplans.add_actionupdate",
        "actionplans.add_effectivenesscheck",
    ],
    Role.PROCESS_OWNER: [*view("actionplans", "action", "actionupdate"), "actionplans.add_actionupdate"],
    Role.DIRECTOR: [*view("actionplans", *_MODELS)],
    Role.AUDITOR: [*view("actionplans", "actionplan", "axis", "objective", "action", "effectivenesscheck")],
    Role.STAFF: ["actionplans.add_actionupdate"],
}

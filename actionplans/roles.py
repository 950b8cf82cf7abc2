"""Action plans' permission block (collected by qms.core.roles).

Groups say what may be done; where comes from memberships (see actionplans/selectors.py). Owning a plan, an
action or its process gives access to it even without these permissions.

Each permission given to a role carries a rule of actionplans/selectors.py:
- ``view_actionplan`` / ``view_action``: the lists, and the plans and actions of one's units;
- ``add_actionplan``: a new plan; ``add_action``: actions in one's units' plans; ``change_action``: editing
  (and checking) the actions of one's units, and linking them to a source;
- ``view_actionupdate``: the progress notes of the actions one sees; ``view_actionevidence``: their evidence;
  ``view_effectivenesscheck``: their effectiveness checks.
The quality manager holds every permission of the app, for the Django admin.
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
_READ = [*view("actionplans", "actionplan", "action", "actionupdate", "actionevidence", "effectivenesscheck")]
PERMISSIONS = {
    Role.QUALITY_MANAGER: [
        *crud("actionplans", *_MODELS),
        *view("actionplans", "planimport"),
        "actionplans.view_actionplansettings",
        "actionplans.change_actionplansettings",
    ],
    # A referent reads their units' plans, adds and follows up their actions, and may start a plan for them.
    Role.QUALITY_REFERENT: [
        *_READ,
        "actionplans.add_actionplan",
        "actionplans.add_action",
        "actionplans.change_action",
    ],
    Role.PROCESS_OWNER: [*view("actionplans", "action", "actionupdate", "actionevidence", "effectivenesscheck")],
    Role.DIRECTOR: _READ,
    # An external auditor reads the plans and actions granted to them and their effectiveness, not the progress
    # notes and evidence of those who work on them.
    Role.AUDITOR: [*view("actionplans", "actionplan", "action", "effectivenesscheck")],
}

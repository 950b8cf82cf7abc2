"""The surveys' permission block (collected by qms.core.roles).

Where comes from memberships and teaching (see surveys/selectors.py): a referent follows their units' campaigns,
a teacher their own courses' results, a programme director (``Programme.director``, not a role) their programme's.
"""

from qms.core.choices import Role
from qms.core.roles import crud, view

_QUESTIONNAIRES = (
    "questionnairetemplate",
    "section",
    "question",
    "questionoption",
    "questiontag",
    "scale",
    "scalepoint",
)
_RESULTS = (
    "surveys.view_results",
    "surveys.moderate_comments",
    "surveys.export_raw_responses",
)

# Improvement councils: who edits which council is narrowed in surveys/councils_selectors.py (a programme's
# director, not a role, plans and records its own); these are the model permissions (the admin's).
_COUNCILS = ("council", "councilmember", "councilinput", "councildecision")

PERMISSIONS = {
    Role.QUALITY_MANAGER: [
        *crud("surveys", *_COUNCILS, actions=("add", "change", "view")),
        *crud("surveys", "campaign", *_QUESTIONNAIRES),
        *view("surveys", "campaigntarget", "teacherreply"),
        "surveys.manage_roster",
        *_RESULTS,
        # The surveys' section of the settings page.
        "surveys.view_surveysettings",
        "surveys.change_surveysettings",
    ],
    # A referent runs the campaigns of their units and follows their results.
    Role.QUALITY_REFERENT: [
        *crud("surveys", "campaign", actions=("add", "change", "view")),
        *view("surveys", *_COUNCILS),
        *view("surveys", *_QUESTIONNAIRES, "campaigntarget"),
        "surveys.manage_roster",
        *_RESULTS,
    ],
    Role.DIRECTOR: [*view("surveys", "campaign", "campaigntarget", *_QUESTIONNAIRES), "surveys.view_results"],
    # A teacher reads their own courses' results, and replies to the students.
    Role.TEACHER: ["surveys.view_results"],
}

"""The surveys' menu entries (collected by qms.core.navigation)."""

from django.utils.translation import gettext_lazy as _

from qms.core.navigation import NavEntry, with_perm


def _sees_results(user) -> bool:
    """Teachers and programme directors; those who follow campaigns reach the results from them (one entry
    fewer in their menu)."""
    from surveys.selectors import may_see_results_pages

    return may_see_results_pages(user) and not user.has_perm("surveys.view_campaign")


ENTRIES = [
    NavEntry(
        key="surveys",
        label=_("Evaluations"),
        url_name="surveys:campaign-list",
        check=with_perm("surveys.view_campaign"),
        description=_("Questionnaires, campaigns, rosters and response rates; results once published."),
        order=40,
    ),
    NavEntry(
        key="survey-results",
        label=_("My evaluations"),
        url_name="surveys:my-results",
        check=_sees_results,
        description=_("The published results of the courses you teach and of the programmes you direct."),
        order=41,
    ),
]


def _sees_councils(user) -> bool:
    """From the roles alone (read once per request), so the menu costs no query on every page: the year page
    itself narrows to what the person may see (a teacher sees their programmes' published minutes)."""
    from qms.core.choices import Role
    from qms.core.selectors import has_role

    return has_role(user, Role.QUALITY_MANAGER, Role.DIRECTOR, Role.QUALITY_REFERENT, Role.TEACHER)


ENTRIES.append(
    NavEntry(
        key="improvement-councils",
        label=_("Improvement councils"),
        url_name="surveys:council-year",
        check=_sees_councils,
        description=_("The annual council of each programme: planned, held or missing, its decisions and minutes."),
        order=42,
    )
)

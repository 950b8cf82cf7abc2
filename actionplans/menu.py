"""Action plans' menu entries (collected by qms.core.navigation)."""

from django.utils.translation import gettext_lazy as _

from qms.core.navigation import NavEntry, signed_in, with_perm

ENTRIES = [
    NavEntry(
        key="action-plans",
        label=_("Action plans"),
        url_name="actionplans:plan-list",
        check=with_perm("actionplans.view_actionplan"),
        description=_("Action plans, their axes, objectives and actions."),
        order=20,
    ),
    NavEntry(
        key="my-actions",
        label=_("My actions"),
        url_name="actionplans:my-actions",
        check=signed_in,
        description=_("The actions you own, with their deadlines."),
        order=21,
    ),
]

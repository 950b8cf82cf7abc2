"""Core's menu entries (collected by qms.core.navigation)."""

from django.utils.translation import gettext_lazy as _

from qms.core.navigation import NavEntry, with_perm

ENTRIES = [
    NavEntry(
        key="site-settings",
        label=_("Settings"),
        url_name="core:site-settings",
        check=with_perm("core.change_sitesettings"),
        description=_("The institution, deadlines, retention periods, public holidays and closure days."),
        order=90,
    ),
]

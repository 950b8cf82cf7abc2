"""Core's menu entries (collected by qms.core.navigation)."""

from django.utils.translation import gettext_lazy as _

from qms.core.navigation import NavEntry


def may_edit_settings(user) -> bool:
    """Whoever may change a section of the settings page: the site's, or an app's."""
    from qms.core.settings_views import may_edit_settings

    return may_edit_settings(user)


ENTRIES = [
    NavEntry(
        key="site-settings",
        label=_("Settings"),
        url_name="core:site-settings",
        check=may_edit_settings,
        description=_("The institution, deadlines, retention periods, public holidays and closure days."),
        order=90,
    ),
]

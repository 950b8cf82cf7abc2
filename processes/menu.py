"""The process map's menu entries (collected by qms.core.navigation)."""

from django.utils.translation import gettext_lazy as _

from qms.core.navigation import NavEntry, with_perm

ENTRIES = [
    NavEntry(
        key="processes",
        label=_("Processes"),
        url_name="processes:process-list",
        check=with_perm("processes.view_process"),
        description=_("The process map, with indicators, risks and documents."),
        order=10,
    ),
]

"""The certifications' menu entries (collected by qms.core.navigation)."""

from django.utils.translation import gettext_lazy as _

from qms.core.navigation import NavEntry


def _can_open(user) -> bool:
    from certifications.selectors import can_list_certifications

    return can_list_certifications(user)


ENTRIES = [
    NavEntry(
        key="certifications",
        label=_("Certifications"),
        url_name="certifications:certification-list",
        check=_can_open,
        description=_("Certifications and labels, their audits, findings and compliance matrices."),
        order=50,
    ),
]

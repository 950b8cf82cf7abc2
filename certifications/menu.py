"""The certifications' menu entries (collected by qms.core.navigation)."""

from django.utils.translation import gettext_lazy as _

from qms.core.navigation import NavEntry, with_perm

ENTRIES = [
    NavEntry(
        key="certifications",
        label=_("Certifications"),
        url_name="certifications:certification-list",
        # A permission only: the menu is drawn on every page and must cost no query.
        check=with_perm("certifications.view_certification"),
        description=_("Certifications and labels, their audits, findings and compliance matrices."),
        order=50,
    ),
]

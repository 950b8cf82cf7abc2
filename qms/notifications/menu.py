"""The outbox's menu entries (collected by qms.core.navigation)."""

from django.utils.translation import gettext_lazy as _

from qms.core.navigation import NavEntry, with_perm

ENTRIES = [
    # Proof for auditors that a reminder went out; rows about sensitive cases only for the named group (the page's
    # selector, outbox_visible_to).
    NavEntry(
        key="outbox",
        label=_("Emails sent"),
        url_name="notifications:outbox",
        check=with_perm("notifications.view_outboxemail"),
        description=_("Every email and reminder the site sent or will send, with its state: proof that it went out."),
        order=85,
    ),
    NavEntry(
        key="reminder-wording",
        label=_("Wording of reminders"),
        url_name="notifications:wording-list",
        check=with_perm("notifications.change_reminderwording"),
        description=_("Your own subject and body for each kind of reminder, in each language."),
        order=86,
    ),
]

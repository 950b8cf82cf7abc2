"""Views of the helpdesk: ``public`` (no account) and ``staff`` (signed in, each declaring what it needs).

Views parse the input, call one service or selector, and turn ``ComplaintError`` into messages."""

from complaints.views.public import (
    PublicCreateView,
    PublicLookupView,
    PublicLostLinkView,
    public_attachment,
    public_confirmation,
    public_track,
)
from complaints.views.staff import (
    AttachmentView,
    ComplaintActionView,
    ComplaintDetailView,
    InboxView,
    SensitiveInboxView,
    StaffReportView,
)

__all__ = [
    "AttachmentView",
    "ComplaintActionView",
    "ComplaintDetailView",
    "InboxView",
    "PublicCreateView",
    "PublicLookupView",
    "PublicLostLinkView",
    "SensitiveInboxView",
    "StaffReportView",
    "public_attachment",
    "public_confirmation",
    "public_track",
]

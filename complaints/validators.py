"""The files that requesters join: the helpdesk's upload policy (qms.core.files checks the number, the size and
the type read from the content)."""

from __future__ import annotations

from qms.core.files import UploadPolicy

ATTACHMENT_POLICY = UploadPolicy(max_files=3, max_bytes=5 * 1024 * 1024)
MAX_ATTACHMENTS = ATTACHMENT_POLICY.max_files
MAX_ATTACHMENT_BYTES = ATTACHMENT_POLICY.max_bytes
# Check every file and their number; returns their detected types in order.
check_attachments = ATTACHMENT_POLICY.check_all

"""What the certifications accept as a file (certificates, audit plans and reports, evidence): one policy, checked
by the forms and again by the services (``qms.core.files``)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from qms.core.files import UploadPolicy

# Documents, images and plain text, checked on their content; one at a time.
DOCUMENT_POLICY = UploadPolicy(
    max_files=1, max_bytes=20 * 1024 * 1024, text_extensions=frozenset({".txt", ".csv", ".md"})
)


def check_upload(upload, *, field: str = "file") -> None:
    """Refuse a file the policy does not accept, with its translated reason (``CertificationError``)."""
    from certifications.services.base import CertificationError

    if upload is None:
        return
    try:
        DOCUMENT_POLICY.check(upload)
    except ValidationError as error:
        raise CertificationError(" ".join(error.messages) or _("This file is not accepted."), field=field) from None

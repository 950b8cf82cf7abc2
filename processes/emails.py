"""The emails of the process map, one function for each kind; they go through the outbox with ``notify``."""

from __future__ import annotations

from processes.models import Distribution, DocumentVersion
from qms.core.models import User
from qms.notifications.services import notify

REVIEW_REQUESTED = "document-review-requested"
SENT_BACK = "document-version-sent-back"
DISTRIBUTED = "document-distributed"


def _sender(by: User | None) -> User | None:
    return by if getattr(by, "is_authenticated", False) else None


def send_review_requested(version: DocumentVersion, *, by: User | None = None):
    """Ask the reviewer named on a version submitted for review to read it."""
    if version.reviewer is None:
        return None
    return notify(version.reviewer, REVIEW_REQUESTED, version, context={"version": version, "by": _sender(by)})


def send_version_sent_back(version: DocumentVersion, *, by: User | None, note: str):
    """Tell a version's author that it went back to draft, and why."""
    if version.author is None:
        return None
    return notify(version.author, SENT_BACK, version, context={"version": version, "by": _sender(by), "note": note})


def send_distributed(distribution: Distribution, reader: User, *, by: User | None = None):
    """Send an approved version to one reader of its distribution, who is asked to confirm reading it."""
    version = distribution.version
    return notify(
        reader,
        DISTRIBUTED,
        version,
        context={"version": version, "document": version.document, "message": distribution.message, "by": _sender(by)},
        dedup_key=f"{DISTRIBUTED}:{distribution.pk}:{reader.pk}",
    )

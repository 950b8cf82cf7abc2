"""The tables of allowed moves of the process map's statuses (qms.core.workflow).

- a process: draft → validated (with the date and who validated it), validated → draft (a revision);
- a process review: draft → held (holding it sets the process's next review date);
- a document version: draft → in review → approved → obsolete; in review → draft when sent back with a reason.
  Only one version of a document is approved at a time: approving a new one makes the previous one obsolete
  (``services.version_approve``). The author of an internal document does not approve their own version.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from processes.choices import DocumentOrigin, ProcessStatus, ReviewStatus, VersionStatus
from qms.core.choices import Actor
from qms.core.workflow import Move, Workflow


def _needs_reason(obj: Any, *, note: str = "", **context: Any) -> str | None:
    return None if note.strip() else _("Say why: a reason is required.")


def _validation_recorded(process: Any, **context: Any) -> str | None:
    if not process.validated_on or not process.validated_by.strip():
        return _("Give the date of the validation and who validated the process.")
    return None


PROCESS_WORKFLOW = Workflow(
    choices=ProcessStatus,
    moves=[
        Move(ProcessStatus.DRAFT, ProcessStatus.VALIDATED, guard=_validation_recorded),
        Move(ProcessStatus.VALIDATED, ProcessStatus.DRAFT, guard=_needs_reason),
    ],
)


def _review_complete(review: Any, **context: Any) -> str | None:
    if not review.assessment.strip():
        return _("Write the assessment before recording the review as held.")
    return None


REVIEW_WORKFLOW = Workflow(
    choices=ReviewStatus,
    moves=[Move(ReviewStatus.DRAFT, ReviewStatus.HELD, guard=_review_complete)],
    terminal=frozenset({ReviewStatus.HELD}),
)


def _has_content(version: Any, **context: Any) -> str | None:
    if not version.file and not version.link:
        return _("Join the file or give the link of this version before submitting it.")
    return None


def _not_the_author(version: Any, *, by: Any = None, **context: Any) -> str | None:
    if version.document.origin == DocumentOrigin.INTERNAL and by is not None and version.author_id == by.pk:
        return _("The author of a version cannot approve it: another person must.")
    return None


VERSION_WORKFLOW = Workflow(
    choices=VersionStatus,
    moves=[
        Move(VersionStatus.DRAFT, VersionStatus.IN_REVIEW, guard=_has_content),
        Move(VersionStatus.IN_REVIEW, VersionStatus.DRAFT, guard=_needs_reason),
        Move(VersionStatus.IN_REVIEW, VersionStatus.APPROVED, guard=_not_the_author),
        # Superseded by a newer approved version (the system), or withdrawn with a reason.
        Move(VersionStatus.APPROVED, VersionStatus.OBSOLETE, guard=_needs_reason, actors=(Actor.USER, Actor.SYSTEM)),
    ],
    terminal=frozenset({VersionStatus.OBSOLETE}),
)

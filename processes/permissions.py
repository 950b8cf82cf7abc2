"""Who may do what to which object of the process map: the one place for these rules (views, templates, services
and the registries ask here).

- Quality managers edit everything; directors and auditors (through their grants) read.
- A process's owner and deputies edit it, its indicators, risks, reviews and documents, even without a group
  permission: owning grants access (in the demo, the direction owns processes and holds only the view permission).
- A quality referent edits the processes of their units (and sub-units), when their group lets them change
  processes.
- Reading follows ``qms.core.selectors.scope_q``: the units a person belongs to, what they own, their grants.
- The staff library: anyone who may view documents reads the approved version of a document in the library.
"""

from __future__ import annotations

from django.db.models import Q

from processes.choices import VersionStatus
from processes.models import Document, DocumentVersion, Indicator, Process, ProcessReview, ReviewDecision, Risk
from qms.core.choices import MembershipRole
from qms.core.selectors import (
    granted_ids,
    is_quality_manager,
    referent_units,
    scope_q,
    sees_everything,
    units_in_scope,
)


def signed_in(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


# --- Scope filters (the querysets built on them live in ``processes.selectors``) ------------------------------


def editable_process_q(user) -> Q | None:
    """The processes ``user`` may edit (None: all; a filter matching nothing when none)."""
    if is_quality_manager(user):
        return None
    query = Q(pk__in=[])
    if not signed_in(user):
        return query
    query |= Q(owner=user) | Q(deputies=user)
    if user.has_perm("processes.change_process"):
        units = referent_units(user)
        if units:
            query |= Q(org_unit__in=units)
    return query


def readable_process_q(user) -> Q | None:
    """The processes ``user`` may open (None: all): ``scope_q`` for those holding the view permission, plus what
    they edit and the processes they hold a grant to."""
    if not signed_in(user):
        return Q(pk__in=[])
    if user.has_perm("processes.view_process"):
        query = scope_q(user, Process, owner_fields=("owner", "deputies"))
        if query is None:
            return None
    else:
        query = Q(pk__in=[])
        grants = granted_ids(user, Process)
        if grants:
            query |= Q(pk__in=grants)
    editable = editable_process_q(user)
    return None if editable is None else query | editable


# --- Processes -------------------------------------------------------------------------------------------------


def _process_ids_owned(user) -> set[int]:
    cache = user.__dict__.setdefault("_processes_owned", {})
    if "ids" not in cache:
        cache["ids"] = set(Process.objects.filter(Q(owner=user) | Q(deputies=user)).values_list("pk", flat=True))
    return cache["ids"]


def can_view_process(user, process: Process) -> bool:
    """Open a process sheet: whoever edits it, a grant holder, and (with the view permission) whoever sees
    everything or belongs to its unit or a parent unit of it."""
    if not signed_in(user):
        return False
    if can_edit_process(user, process) or process.pk in granted_ids(user, Process):
        return True
    if not user.has_perm("processes.view_process"):
        return False
    return sees_everything(user) or (process.org_unit_id is not None and process.org_unit_id in units_in_scope(user))


def can_edit_process(user, process: Process) -> bool:
    """Edit the process sheet and what hangs from it: indicators, risks, reviews, documents."""
    if not signed_in(user):
        return False
    if is_quality_manager(user):
        return True
    if process.owner_id == user.pk or process.pk in _process_ids_owned(user):
        return True
    return (
        process.org_unit_id is not None
        and user.has_perm("processes.change_process")
        and process.org_unit_id in referent_units(user)
    )


def can_create_process(user) -> bool:
    return signed_in(user) and user.has_perm("processes.add_process")


# --- Indicators, risks, reviews ----------------------------------------------------------------------------------


def can_view_indicator(user, indicator: Indicator) -> bool:
    return can_view_process(user, indicator.process)


def can_edit_indicator(user, indicator: Indicator) -> bool:
    """Change an indicator, its targets and its measurements: whoever edits its process, and its owner."""
    return signed_in(user) and (indicator.owner_id == user.pk or can_edit_process(user, indicator.process))


def can_recompute(user, indicator: Indicator) -> bool:
    """Recompute a computed snapshot: the quality officers (it rewrites a past figure, so it is logged)."""
    return indicator.is_computed and is_quality_manager(user)


def can_view_risk(user, risk: Risk) -> bool:
    return can_view_process(user, risk.process)


def can_edit_risk(user, risk: Risk) -> bool:
    return can_edit_process(user, risk.process)


def can_view_review(user, review: ProcessReview) -> bool:
    return can_view_process(user, review.process)


def can_edit_review(user, review: ProcessReview) -> bool:
    return can_edit_process(user, review.process)


def can_view_decision(user, decision: ReviewDecision) -> bool:
    return can_view_review(user, decision.review)


# --- Documents ------------------------------------------------------------------------------------------------


def can_view_document(user, document: Document) -> bool:
    if not signed_in(user):
        return False
    if can_edit_document(user, document) or document.pk in granted_ids(user, Document):
        return True
    if document.versions.filter(read_confirmations__user=user).exists():
        return True
    if not user.has_perm("processes.view_document"):
        return False
    if sees_everything(user):
        return True
    return document.process_id is not None and can_view_process(user, document.process)


def can_edit_document(user, document: Document) -> bool:
    """Edit a document, add and move its versions, distribute them: its owner, and whoever edits its process."""
    if not signed_in(user):
        return False
    if is_quality_manager(user) or document.owner_id == user.pk:
        return True
    return document.process_id is not None and can_edit_process(user, document.process)


def can_create_document(user) -> bool:
    return signed_in(user) and (is_quality_manager(user) or user.has_perm("processes.add_document"))


def can_download_version(user, version: DocumentVersion) -> bool:
    """A version's file: its document's readers; the approved version of a library document for every reader of
    the library; a person the version was sent to."""
    if not signed_in(user):
        return False
    document = version.document
    if version.status == VersionStatus.APPROVED and document.in_library and user.has_perm("processes.view_document"):
        return True
    if version.read_confirmations.filter(user=user).exists():
        return True
    return can_view_document(user, document)


def can_read_library(user) -> bool:
    return signed_in(user) and user.has_perm("processes.view_document")


def is_referent(user) -> bool:
    return bool(referent_units(user)) or is_quality_manager(user)


REFERENT_ROLE = MembershipRole.QUALITY_REFERENT

"""Many requests at once, for load tests and benchmarks (``manage.py generate_bulk --requests N --years Y``).

The same stories as the demo (its topics, outcomes, history, people and units, see ``complaints.demo``), many
more of them, received over more years. Where the demo plays each story through the services, these are written
in bulk, for speed: the rows the services would have written (``Draft.changes``, ``messages``, ``logs``),
references taken per year from the counters as ``next_reference`` takes them, and no outbox row. ``requests`` is
the number of requests the database holds afterwards: running the command again adds nothing.
"""

from __future__ import annotations

from collections import Counter

from django.contrib.contenttypes.models import ContentType
from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils import timezone

from complaints.demo import SENSITIVE, STAFF_TOPICS, TOPICS, Builder, Draft, already_seeded
from complaints.models import Complaint, ComplaintMessage
from complaints.services import reserve_references
from qms.core.choices import Actor
from qms.core.models import ActivityLog, StatusChange

# Shares of the generated requests: internal reports by staff, and sensitive ones (their own inbox).
STAFF_SHARE = 0.05
SENSITIVE_SHARE = 0.01
BATCH = 500


class BulkError(Exception):
    """The bulk requests cannot be generated (the demo is missing)."""


def generate(*, stdout=None, requests: int = 0, years: int = 2, seed: int = 1, **_other_sizes) -> int:
    """Add requests until the database holds ``requests`` of them, received over the last ``years`` years.
    Returns the number added."""
    missing = requests - Complaint.objects.count()
    if missing <= 0:
        if stdout is not None:
            stdout.write(f"Helpdesk: {Complaint.objects.count()} requests already, none added.")
        return 0
    if not already_seeded():
        raise BulkError("The demo helpdesk is missing: run `manage.py seed_demo` first.")
    builder = Builder(timezone.localdate(), span_days=max(1, years) * 365, seed=seed)
    weights = [topic.weight for topic in TOPICS]
    for _index in range(missing):
        roll = builder.rng.random()
        if roll < SENSITIVE_SHARE:
            builder.build(TOPICS[0], sensitive=builder.rng.choice(SENSITIVE))
        elif roll < SENSITIVE_SHARE + STAFF_SHARE:
            builder.build(builder.rng.choice(STAFF_TOPICS), staff=True)
        else:
            builder.build(builder.rng.choices(TOPICS, weights=weights)[0])
    _save(builder)
    if stdout is not None:
        stdout.write(f"Helpdesk: {missing} requests added over {years} years ({Complaint.objects.count()} in all).")
    return missing


def _save(builder: Builder) -> None:
    """References in the order of receipt within each year, the requests in bulk, then their history."""
    drafts = sorted(builder.drafts, key=lambda draft: draft.complaint.received_at)
    per_year = Counter(timezone.localtime(draft.complaint.received_at).year for draft in drafts)
    references = {year: iter(reserve_references(year=year, count=count)) for year, count in per_year.items()}
    duplicates: list[tuple[Complaint, Complaint]] = []
    for draft in drafts:
        complaint = draft.complaint
        complaint.reference = next(references[timezone.localtime(complaint.received_at).year])
        if complaint.duplicate_of is not None:
            # Its original may be in the same batch, without a key yet: linked once every row is written.
            duplicates.append((complaint, complaint.duplicate_of))
            complaint.duplicate_of = None
        complaint.fill_derived_fields()
    complaints = [draft.complaint for draft in drafts]
    Complaint.objects.bulk_create(complaints, batch_size=BATCH)
    for complaint, original in duplicates:
        complaint.duplicate_of = original
    Complaint.objects.bulk_update(
        [complaint for complaint, _original in duplicates], ["duplicate_of"], batch_size=BATCH
    )
    # As the demo has it: a request was last updated when it was closed, or received.
    for start in range(0, len(complaints), BATCH):
        Complaint.objects.filter(pk__in=[c.pk for c in complaints[start : start + BATCH]]).update(
            updated_at=Coalesce(F("closed_at"), F("received_at"))
        )
    _save_history(drafts)


def _save_history(drafts: list[Draft]) -> None:
    """The status changes, messages and activity-log lines of the saved requests, in bulk: the rows the services
    would have written for each story (``Draft.changes``, ``messages``, ``logs``)."""
    content_type = ContentType.objects.get_for_model(Complaint)
    changes, messages, logs = [], [], []
    for draft in drafts:
        complaint = draft.complaint
        for from_status, to_status, at, by, note, actor in draft.changes:
            changes.append(
                StatusChange(
                    content_type=content_type, object_id=complaint.pk, from_status=from_status,
                    to_status=to_status, at=at, by=by, actor=Actor.USER if by else actor, note=note,
                )
            )  # fmt: skip
        for kind, body, at, author in draft.messages:
            messages.append(ComplaintMessage(complaint=complaint, kind=kind, body=body, author=author, created_at=at))
        for verb, at, by, actor, details in draft.logs:
            logs.append(
                ActivityLog(
                    at=at, user=by, actor=Actor.USER if by else actor, verb=verb, content_type=content_type,
                    object_id=complaint.pk, object_repr=str(complaint)[:250], details=details,
                )
            )  # fmt: skip
    StatusChange.objects.bulk_create(changes, batch_size=BATCH)
    ComplaintMessage.objects.bulk_create(messages, batch_size=BATCH)
    ActivityLog.objects.bulk_create(logs, batch_size=BATCH)

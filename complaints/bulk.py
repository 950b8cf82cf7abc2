"""Many requests at once, for load tests and benchmarks (``manage.py generate_bulk --requests N --years Y``).

The same stories as the demo (its topics, outcomes, history, people and units, see ``complaints.demo``), many
more of them, received over more years. They are written in bulk: references are taken per year from the
counters as ``next_reference`` takes them, and no outbox row is written. ``requests`` is the number of requests
the database holds afterwards: running the command again adds nothing.
"""

from __future__ import annotations

from collections import Counter

from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils import timezone

from complaints.demo import SENSITIVE, STAFF_TOPICS, TOPICS, Builder, already_seeded
from complaints.models import Complaint
from complaints.services import reserve_references

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
    builder.drafts = drafts
    builder.save_history()

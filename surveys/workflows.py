"""A campaign's status moves draft → open → closed → published, through the shared transition helper."""

from __future__ import annotations

from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from qms.core.choices import Actor
from qms.core.workflow import Move, Workflow
from surveys.choices import CampaignStatus

S = CampaignStatus
BOTH = (Actor.USER, Actor.SYSTEM)


def _may_open(campaign, **context) -> str | None:
    if not campaign.targets.exists():
        return _("The campaign has no target: add the courses or programmes it evaluates.")
    if not campaign.tokens.exists():
        return _("The campaign has no roster yet: import the list of students first.")
    if campaign.closes_on < timezone.localdate():
        return _("The closing date is past: move it before opening the campaign.")
    return None


def _may_publish(campaign, **context) -> str | None:
    if campaign.publication_date and campaign.publication_date > timezone.localdate():
        return _("The results are held until %(date)s.") % {
            "date": formats.date_format(campaign.publication_date, "SHORT_DATE_FORMAT")
        }
    return None


CAMPAIGN_WORKFLOW = Workflow(
    moves=[
        Move(S.DRAFT, S.OPEN, guard=_may_open, actors=BOTH),
        Move(S.OPEN, S.CLOSED, actors=BOTH),
        Move(S.CLOSED, S.PUBLISHED, guard=_may_publish, actors=BOTH),
    ],
    choices=CampaignStatus,
    terminal=frozenset({S.PUBLISHED}),
)


# Improvement councils: planned → held → minutes published.
def _may_hold(council, **context) -> str | None:
    from surveys.councils_choices import CouncilMemberRole

    if not council.held_date:
        return _("Record the date on which the council was held first.")
    present = set(council.members.filter(attended=True).values_list("role", flat=True))
    both = CouncilMemberRole.TEACHER in present and CouncilMemberRole.STUDENT in present
    if not both and not council.composition_reason.strip():
        return _(
            "At least one teacher and one student must have attended; otherwise record the reason for the "
            "incomplete composition."
        )
    return None


def _may_publish_minutes(council, **context) -> str | None:
    if not council.minutes:
        return _("Upload the minutes first.")
    return None


def _council_workflow():
    from surveys.councils_choices import CouncilStatus as C

    return Workflow(
        moves=[
            Move(C.PLANNED, C.HELD, guard=_may_hold),
            Move(C.HELD, C.MINUTES_PUBLISHED, guard=_may_publish_minutes),
        ],
        choices=C,
        terminal=frozenset({C.MINUTES_PUBLISHED}),
    )


COUNCIL_WORKFLOW = _council_workflow()

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

"""A campaign can cause actions (what its results call for): it registers as an action source."""

from __future__ import annotations

from qms.core import sources


def _reference(campaign) -> str:
    return campaign.title


def _can_open(user, campaign) -> bool:
    from surveys.selectors import campaigns_visible_to

    return campaigns_visible_to(user).filter(pk=campaign.pk).exists()


def register() -> None:
    from surveys.models import Campaign

    sources.register(
        Campaign,
        reference=_reference,
        label=lambda campaign: f"{campaign.title} ({campaign.academic_year})",
        can_open=_can_open,
        default_unit=lambda campaign: campaign.org_unit,
    )

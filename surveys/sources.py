"""A campaign can cause actions (what its results call for): it registers as an action source, and the action
plans' "Actions" panel shows on its page."""

from __future__ import annotations

from django.utils.translation import gettext as _

from qms.core import sources


def _reference(campaign) -> str:
    return campaign.title


def _can_open(user, campaign) -> bool:
    from surveys.selectors import campaigns_visible_to

    return campaigns_visible_to(user).filter(pk=campaign.pk).exists()


def _visible(user):
    from surveys.selectors import campaigns_visible_to

    return campaigns_visible_to(user)


def _can_attach(user, campaign) -> bool:
    from surveys.selectors import can_manage_campaign

    return can_manage_campaign(user, campaign)


def _refuse_actions(campaign) -> str | None:
    from surveys.choices import CampaignStatus

    if campaign.status != CampaignStatus.PUBLISHED:
        return _("Actions answer a campaign once its results are published.")
    return None


def register() -> None:
    from surveys.models import Campaign

    sources.register(
        Campaign,
        reference=_reference,
        label=lambda campaign: f"{campaign.title} ({campaign.academic_year})",
        can_open=_can_open,
        related=("academic_year",),
        visible=_visible,
        can_attach=_can_attach,
        refuse_actions=_refuse_actions,
        default_unit=lambda campaign: campaign.org_unit,
    )

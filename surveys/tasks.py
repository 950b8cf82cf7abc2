"""Thin Celery wrappers around the surveys' services."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="surveys.tasks.send_mailing", ignore_result=True)
def send_mailing(campaign_id: int, mailing: int, reminder: bool, token_ids: list[str] | None = None) -> int:
    """Write the invitations (or reminders) of one mailing to the outbox, one email per student."""
    from surveys.services import mailing_send

    return mailing_send(campaign_id=campaign_id, mailing=mailing, reminder=reminder, token_ids=token_ids)


@shared_task(name="surveys.tasks.campaigns_tick", ignore_result=True, expires=3000)
def campaigns_tick() -> dict:
    """Open, close and publish campaigns by their dates; purge the rosters past retention (hourly)."""
    from surveys.services import campaigns_tick as tick

    return tick()


@shared_task(name="surveys.tasks.rewrite_tokens", ignore_result=True, expires=6 * 3600)
def rewrite_tokens() -> int:
    """Write the token rows of every open campaign again, so no token shares its transaction id with its response
    (nightly)."""
    from surveys.services import tokens_rewrite

    return tokens_rewrite()


@shared_task(name="surveys.tasks.purge_roster_imports", ignore_result=True, expires=600)
def purge_roster_imports() -> int:
    """Delete the roster previews left unconfirmed past their hour."""
    from surveys.services import roster_imports_purge

    return roster_imports_purge()

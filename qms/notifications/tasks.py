"""Thin Celery wrappers around the outbox services."""

from __future__ import annotations

from celery import shared_task

from qms.notifications import services


@shared_task(name="qms.notifications.tasks.send_email_task", ignore_result=True)
def send_email_task(pk: int) -> bool:
    """Send one outbox email; queued on commit on the ``urgent`` or ``bulk`` queue by ``notify``."""
    return services.send_outbox_email(pk)


@shared_task(name="qms.notifications.tasks.send_emails_task", ignore_result=True)
def send_emails_task(pks: list[int]) -> int:
    """Send the outbox emails written together (one broker message for them); returns how many this call sent."""
    return sum(services.send_outbox_email(pk) for pk in pks)


@shared_task(name="qms.notifications.tasks.sweep_outbox", ignore_result=True)
def sweep_outbox(max_batches: int = 10) -> int:
    """Send what is due (beat runs it every minute); returns the number of emails sent."""
    return services.sweep_outbox(max_batches=max_batches).sent


@shared_task(name="qms.notifications.tasks.send_reminders", ignore_result=True)
def send_reminders() -> int:
    """The daily reminder scan (beat runs it at 07:00); returns the number of reminders sent."""
    return len(services.send_reminders().sent)

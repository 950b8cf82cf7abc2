"""Thin Celery wrappers around the helpdesk's services."""

from __future__ import annotations

from celery import shared_task

from complaints import services


@shared_task(name="complaints.tasks.send_tracking_links", ignore_result=True)
def send_tracking_links(email: str, language: str) -> None:
    """ "Lost your link?": send the links of the requests of ``email``."""
    services.complaint_send_tracking_links(email=email, language=language)


@shared_task(name="complaints.tasks.auto_close", ignore_result=True, expires=3600)
def auto_close() -> int:
    """Close the answered requests whose quiet period is over (beat runs it every hour)."""
    return services.complaints_auto_close()


@shared_task(name="complaints.tasks.purge_complaints", ignore_result=True, expires=6 * 3600)
def purge_complaints() -> int:
    """Remove the personal data of the requests past their retention period (beat runs it daily)."""
    from complaints.retention import purge_complaints as purge

    return purge().purged

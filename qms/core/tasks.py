"""Thin Celery wrappers around core services."""

from __future__ import annotations

from celery import shared_task

from qms.core import public, reports


@shared_task(name="qms.core.tasks.build_report_task", ignore_result=True, soft_time_limit=600, time_limit=660)
def build_report_task(pk: int) -> bool:
    """Build one stored report; queued on commit by ``qms.core.reports.request_report``."""
    return reports.build_report(pk) is not None


@shared_task(name="qms.core.tasks.purge_spent_stamps", ignore_result=True)
def purge_spent_stamps() -> int:
    """Remove the spent stamps of expired public forms; returns how many."""
    return public.purge_spent_stamps()

"""Thin Celery wrappers around the process map's services."""

from __future__ import annotations

from celery import shared_task

from processes import services


@shared_task(name="processes.tasks.take_indicator_snapshots", ignore_result=True, expires=6 * 3600)
def take_indicator_snapshots() -> int:
    """Store the snapshots of the computed indicators whose periods have closed (beat runs it daily)."""
    return services.take_due_snapshots()

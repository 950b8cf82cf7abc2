"""Thin Celery wrappers around core's periodic jobs (their beat entries are in qms/core/schedule.py)."""

from __future__ import annotations

from celery import shared_task

from qms.core import public


@shared_task(name="qms.core.tasks.purge_spent_stamps", ignore_result=True)
def purge_spent_stamps() -> int:
    """Remove the spent stamps of expired public forms; returns how many."""
    return public.purge_spent_stamps()

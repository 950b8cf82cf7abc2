"""Thin Celery wrappers around the certifications' services."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="certifications.tasks.purge_imports", ignore_result=True, expires=6 * 3600)
def purge_imports() -> int:
    """Drop the uploaded spreadsheets whose preview was never confirmed (beat runs it daily)."""
    from certifications.imports import purge_expired_imports

    return purge_expired_imports()

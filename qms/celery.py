"""The Celery application. Queues: ``urgent`` (acknowledgements, one-to-one mail), ``bulk`` (mass mailings),
``default`` (everything else), declared with the routes in ``CELERY_TASK_QUEUES`` and ``CELERY_TASK_ROUTES``.
Periodic jobs are declared by each app in ``<app>/schedule.py`` and installed as ``beat_schedule`` by
``qms.core.apps`` (see qms.core.schedule), every entry with ``expires`` so that a backlog after an outage does
not run stale jobs."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qms.settings")

app = Celery("qms")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

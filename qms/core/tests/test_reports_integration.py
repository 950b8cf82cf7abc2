"""A real Celery worker against Redis and PostgreSQL builds a report that a page asked for.

Run with a broker, for instance:
    REDIS_URL=redis://127.0.0.1:6379/2 DATABASE_URL=postgres://postgres@127.0.0.1:5432/qms \
        .venv/bin/python -m pytest -m integration qms/core/tests/test_reports_integration.py
"""

from __future__ import annotations

import io
import threading

import pytest
from django.db import transaction
from pypdf import PdfReader

from qms.core import reports
from qms.core.choices import ReportState
from qms.core.factories import OrgUnitFactory, UserFactory
from qms.core.models import StoredReport
from qms.core.tasks import build_report_task
from qms.core.tests.test_reports import KIND, Sheet
from qms.notifications.tests.conftest import celery_worker  # noqa: F401 - the fixture
from qms.notifications.tests.test_integration import wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_a_worker_builds_the_report_a_page_asked_for(celery_worker, settings, tmp_path):  # noqa: F811
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private")
    sheet = Sheet()
    reports.register(KIND, builder=sheet.build, can_view=sheet.can_view, label="Unit sheet")
    try:
        unit = OrgUnitFactory(name="UFR Lettres")
        user = UserFactory()
        sheet.allowed.add(user.pk)
        with celery_worker(queues=["default"]):
            with transaction.atomic():
                report = reports.request_report(kind=KIND, obj=unit, by=user)
            assert wait_for(lambda: StoredReport.objects.get(pk=report.pk).state == ReportState.READY)
        report.refresh_from_db()
        assert [name for name, _thread in celery_worker.ran] == [build_report_task.name]
        assert all(thread != threading.get_ident() for _name, thread in celery_worker.ran)
        assert "Fiche UFR Lettres" in PdfReader(io.BytesIO(report.file.read())).pages[0].extract_text()
    finally:
        reports.unregister(KIND)

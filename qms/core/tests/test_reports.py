"""Reports built in the background (qms.core.reports): queued after commit, built once, failures kept with their
error, every version kept, and served only to those who may see the object."""

from __future__ import annotations

import datetime
import io

import pytest
import time_machine
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from pypdf import PdfReader
from weasyprint import HTML

from qms.core import reports
from qms.core.choices import ReportState
from qms.core.domain import DomainError
from qms.core.factories import OrgUnitFactory, UserFactory
from qms.core.models import StoredReport
from qms.core.storage import private_media_root
from qms.core.tasks import build_report_task

KIND = "tests.unit_sheet"
pytestmark = pytest.mark.django_db


class Sheet:
    """A registered kind of report on org units: who may see a unit is decided by ``allowed``."""

    def __init__(self) -> None:
        self.allowed: set[int] = set()
        self.fail_with: Exception | None = None
        self.built: list[tuple[int, str]] = []

    def build(self, unit) -> tuple[str, str, bytes]:
        language = translation.get_language()
        self.built.append((unit.pk, language))
        if self.fail_with is not None:
            raise self.fail_with
        content = HTML(string=f"<h1>Fiche {unit.name}</h1><p>Langue {language}</p>").write_pdf()
        return f"fiche {unit.code}.pdf", "application/pdf", content

    def can_view(self, user, unit) -> bool:
        return user.pk in self.allowed


@pytest.fixture
def sheet(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private")
    kind = Sheet()
    reports.register(KIND, builder=kind.build, can_view=kind.can_view, label="Unit sheet")
    yield kind
    reports.unregister(KIND)


@pytest.fixture
def unit():
    return OrgUnitFactory(code="ufr-sciences", name="UFR Sciences")


@pytest.fixture
def reader_user(sheet):
    user = UserFactory(language="fr")
    sheet.allowed.add(user.pk)
    return user


def ask(unit, by, *, execute=True, capture=None) -> StoredReport:
    with capture(execute=execute):
        return reports.request_report(kind=KIND, obj=unit, by=by)


# --- The state machine ----------------------------------------------------------------------------------------


def test_a_report_is_queued_and_built_only_once_the_transaction_commits(
    sheet, unit, reader_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        report = reports.request_report(kind=KIND, obj=unit, by=reader_user)
        assert report.state == ReportState.QUEUED
        assert sheet.built == []  # nothing built inside the caller's transaction
    assert len(callbacks) == 1
    report.refresh_from_db()
    assert report.state == ReportState.READY
    assert (report.kind, report.target, report.version, report.requested_by) == (KIND, unit, 1, reader_user)
    assert report.generated_at is not None and report.started_at is not None
    assert report.duration is not None and report.duration >= datetime.timedelta(0)
    assert report.filename == "fiche_ufr-sciences.pdf"
    assert report.mime_type == "application/pdf"
    assert report.size == report.file.size > 0
    # In private storage, never under the public media.
    assert report.file.path.startswith(private_media_root())
    text = PdfReader(io.BytesIO(report.file.read())).pages[0].extract_text()
    assert "Fiche UFR Sciences" in text


def test_a_rolled_back_request_leaves_nothing(sheet, unit, reader_user, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        reports.request_report(kind=KIND, obj=unit, by=reader_user)
        raise RuntimeError
    assert callbacks == [] and StoredReport.objects.count() == 0 and sheet.built == []


def test_the_report_is_built_in_the_language_of_the_person_who_asked(
    sheet, unit, reader_user, django_capture_on_commit_callbacks
):
    with translation.override("fr"):
        report = ask(unit, reader_user, capture=django_capture_on_commit_callbacks)
    assert report.language == "fr"
    assert sheet.built == [(unit.pk, "fr")]


def test_a_report_is_built_once_even_when_its_task_runs_twice(
    sheet, unit, reader_user, django_capture_on_commit_callbacks
):
    report = ask(unit, reader_user, capture=django_capture_on_commit_callbacks, execute=False)
    assert build_report_task.delay(report.pk).get() is True  # eager Celery runs it here
    assert build_report_task.delay(report.pk).get() is False
    assert len(sheet.built) == 1
    report.refresh_from_db()
    assert report.state == ReportState.READY


def test_a_report_on_its_way_is_given_again_instead_of_a_second_one(
    sheet, unit, reader_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        first = reports.request_report(kind=KIND, obj=unit, by=reader_user)
        again = reports.request_report(kind=KIND, obj=unit, by=reader_user)
    assert again.pk == first.pk
    assert StoredReport.objects.count() == 1


def test_a_report_lost_on_its_way_is_marked_failed_and_asked_again(
    sheet, unit, reader_user, django_capture_on_commit_callbacks
):
    lost = ask(unit, reader_user, capture=django_capture_on_commit_callbacks, execute=False)
    StoredReport.objects.filter(pk=lost.pk).update(
        state=ReportState.BUILDING, started_at=timezone.now() - reports.STALE_AFTER - datetime.timedelta(minutes=1)
    )
    fresh = ask(unit, reader_user, capture=django_capture_on_commit_callbacks)
    lost.refresh_from_db()
    assert lost.state == ReportState.FAILED and "not built in time" in lost.error
    assert (fresh.version, StoredReport.objects.get(pk=fresh.pk).state) == (2, ReportState.READY)


def test_a_failure_is_recorded_with_its_error(sheet, unit, reader_user, django_capture_on_commit_callbacks, caplog):
    sheet.fail_with = ValueError("the plan has no axis")
    report = ask(unit, reader_user, capture=django_capture_on_commit_callbacks)
    report.refresh_from_db()
    assert report.state == ReportState.FAILED
    assert report.error == "ValueError: the plan has no axis"
    assert not report.file and report.generated_at is None
    assert "could not be built" in caplog.text


def test_a_builder_that_refuses_leaves_its_message_as_it_is(
    sheet, unit, reader_user, django_capture_on_commit_callbacks
):
    sheet.fail_with = DomainError("The files pass the archive's limit of 200 MB.")
    report = ask(unit, reader_user, capture=django_capture_on_commit_callbacks)
    report.refresh_from_db()
    assert (report.state, report.error) == (ReportState.FAILED, "The files pass the archive's limit of 200 MB.")


def test_a_report_whose_object_is_gone_fails_with_a_message(sheet, reader_user, django_capture_on_commit_callbacks):
    unit = OrgUnitFactory()
    report = ask(unit, reader_user, capture=django_capture_on_commit_callbacks, execute=False)
    unit.delete()
    reports.build_report(report.pk)
    report.refresh_from_db()
    assert report.state == ReportState.FAILED and "no longer exists" in report.error


def test_a_broker_that_refuses_the_task_fails_the_report_at_once(
    sheet, unit, reader_user, django_capture_on_commit_callbacks, monkeypatch
):
    def refuse(*args, **kwargs):
        raise ConnectionError("broker down")

    monkeypatch.setattr(build_report_task, "apply_async", refuse)
    report = ask(unit, reader_user, capture=django_capture_on_commit_callbacks)
    report.refresh_from_db()
    assert report.state == ReportState.FAILED and "could not be queued" in report.error


def test_earlier_versions_are_kept(sheet, unit, reader_user, django_capture_on_commit_callbacks):
    first = ask(unit, reader_user, capture=django_capture_on_commit_callbacks)
    second = ask(unit, reader_user, capture=django_capture_on_commit_callbacks)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.version, second.version) == (1, 2)
    assert first.state == second.state == ReportState.READY
    assert first.file.name != second.file.name
    assert first.file.storage.exists(first.file.name) and second.file.storage.exists(second.file.name)
    assert list(reports.versions_of(first)) == [second, first]
    assert reports.latest_ready(KIND, unit) == second


def test_deleting_a_version_deletes_its_file(sheet, unit, reader_user, django_capture_on_commit_callbacks):
    report = StoredReport.objects.get(pk=ask(unit, reader_user, capture=django_capture_on_commit_callbacks).pk)
    name, storage = report.file.name, report.file.storage
    report.delete()
    assert not storage.exists(name)


def test_only_those_who_may_see_the_object_may_ask(sheet, unit, reader_user):
    with pytest.raises(reports.ReportError, match="may not see"):
        reports.request_report(kind=KIND, obj=unit, by=UserFactory())
    with pytest.raises(reports.ReportError, match="does not exist"):
        reports.request_report(kind="tests.nothing", obj=unit, by=reader_user)
    assert StoredReport.objects.count() == 0


# --- The pages ----------------------------------------------------------------------------------------------------


def test_the_progress_page_refreshes_itself_while_the_report_is_on_its_way(
    client, sheet, unit, reader_user, django_capture_on_commit_callbacks
):
    report = ask(unit, reader_user, capture=django_capture_on_commit_callbacks, execute=False)
    client.force_login(reader_user)
    response = client.get(report.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    # Without JavaScript the page reloads itself; with it, the script updates the live region in place.
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in html
    assert 'role="status" aria-live="polite"' in html and 'data-report-status="queued"' in html
    assert "js/report-progress.js" in html
    assert 'id="report-download"' in html and "hidden" in html.split('id="report-download"')[1].split(">")[0]
    assert response["Cache-Control"].startswith("max-age=0")
    state = client.get(reverse("core:report-state", args=[report.pk])).json()
    assert (state["state"], state["in_flight"], state["download_url"]) == ("queued", True, None)

    reports.build_report(report.pk)
    state = client.get(reverse("core:report-state", args=[report.pk])).json()
    assert (state["state"], state["in_flight"]) == ("ready", False)
    assert state["download_url"] == reverse("core:report-download", args=[report.pk])
    html = client.get(report.get_absolute_url()).content.decode()
    assert "http-equiv" not in html and "report-progress.js" not in html
    assert f'href="{state["download_url"]}"' in html


def test_the_download_is_a_private_attachment(client, sheet, unit, reader_user, django_capture_on_commit_callbacks):
    report = ask(unit, reader_user, capture=django_capture_on_commit_callbacks)
    client.force_login(reader_user)
    response = client.get(reverse("core:report-download", args=[report.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="fiche_ufr-sciences.pdf"'
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["Referrer-Policy"] == "no-referrer"
    content = b"".join(response.streaming_content)
    assert "Fiche UFR Sciences" in PdfReader(io.BytesIO(content)).pages[0].extract_text()


def test_another_user_is_refused_every_page_of_the_report(
    client, sheet, unit, reader_user, django_capture_on_commit_callbacks
):
    report = ask(unit, reader_user, capture=django_capture_on_commit_callbacks)
    client.force_login(UserFactory())
    for name in ("core:report", "core:report-state", "core:report-download"):
        assert client.get(reverse(name, args=[report.pk])).status_code == 404, name
    assert client.post(reverse("core:report-retry", args=[report.pk])).status_code == 404
    assert StoredReport.objects.count() == 1
    client.logout()
    response = client.get(reverse("core:report-download", args=[report.pk]))
    assert response.status_code == 302 and "login" in response["Location"]


def test_a_colleague_who_sees_the_object_may_download_its_report(
    client, sheet, unit, reader_user, django_capture_on_commit_callbacks
):
    report = ask(unit, reader_user, capture=django_capture_on_commit_callbacks)
    colleague = UserFactory()
    sheet.allowed.add(colleague.pk)
    client.force_login(colleague)
    assert client.get(reverse("core:report-download", args=[report.pk])).status_code == 200


def test_a_report_that_is_not_ready_has_nothing_to_download(
    client, sheet, unit, reader_user, django_capture_on_commit_callbacks
):
    report = ask(unit, reader_user, capture=django_capture_on_commit_callbacks, execute=False)
    client.force_login(reader_user)
    assert client.get(reverse("core:report-download", args=[report.pk])).status_code == 404


def test_a_failed_report_shows_its_error_and_may_be_asked_again(
    client, sheet, unit, reader_user, django_capture_on_commit_callbacks
):
    sheet.fail_with = RuntimeError("WeasyPrint ran out of memory")
    report = ask(unit, reader_user, capture=django_capture_on_commit_callbacks)
    client.force_login(reader_user)
    html = client.get(report.get_absolute_url()).content.decode()
    assert "RuntimeError: WeasyPrint ran out of memory" in html and 'data-report-status="failed"' in html
    sheet.fail_with = None
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("core:report-retry", args=[report.pk]))
    fresh = StoredReport.objects.get(version=2)
    assert response.status_code == 302 and response["Location"] == fresh.get_absolute_url()
    assert fresh.state == ReportState.READY
    # The page of the new version lists both, the failed one kept.
    html = client.get(fresh.get_absolute_url()).content.decode()
    assert 'data-version="1"' in html and 'data-version="2"' in html
    assert "<caption" in html


def test_the_retry_page_only_answers_posts(client, sheet, unit, reader_user, django_capture_on_commit_callbacks):
    report = ask(unit, reader_user, capture=django_capture_on_commit_callbacks)
    client.force_login(reader_user)
    assert client.get(reverse("core:report-retry", args=[report.pk])).status_code == 405


@time_machine.travel(datetime.datetime(2026, 3, 16, 9, 0, tzinfo=datetime.UTC), tick=False)
def test_a_report_stuck_on_its_way_offers_to_ask_again(
    client, sheet, unit, reader_user, django_capture_on_commit_callbacks
):
    report = ask(unit, reader_user, capture=django_capture_on_commit_callbacks, execute=False)
    StoredReport.objects.filter(pk=report.pk).update(requested_at=timezone.now() - datetime.timedelta(hours=1))
    client.force_login(reader_user)
    html = client.get(report.get_absolute_url()).content.decode()
    assert "http-equiv" not in html
    assert 'data-action="retry"' in html and "data-report-stale" in html

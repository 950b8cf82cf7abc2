"""Reports built in the background: a PDF (or any file) of an object, built by a worker after commit, stored in
private storage with its earlier versions, and served only to those who may see the object.

An app registers each kind of report it offers in ``AppConfig.ready()``::

    from qms.core import reports

    reports.register(
        "processes.sheet",
        builder=lambda process: ProcessSheet(process).render(),   # (filename, content_type, bytes)
        can_view=lambda user, process: can_view_process(user, process),
        label=_("Process sheet (PDF)"),
    )

and its page offers a button that posts to one of its own views, which calls::

    report = reports.request_report(kind="processes.sheet", obj=process, by=request.user)
    return redirect(report)   # the progress page, core:report

``request_report`` writes a ``StoredReport`` (queued) and queues ``qms.core.tasks.build_report_task`` once the
transaction commits; with eager Celery (no broker) the report is built there and then. The progress page
(``core:report``) refreshes itself until the report is ready or has failed, then offers the download
(``core:report-download``) and the earlier versions; a failed one can be asked again (``core:report-retry``).
Every one of these pages checks the kind's ``can_view`` against the report's object.

The builder runs with no request, in the language of the person who asked, and must not depend on who asked:
whoever may see the object may download its reports. A builder that refuses raises a ``DomainError``: the report
fails with that message, shown as it is on the progress page.
"""

from __future__ import annotations

import datetime
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import IntegrityError, models, transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qms.core.choices import REPORT_IN_FLIGHT, ReportState
from qms.core.domain import DomainError
from qms.core.models import StoredReport
from qms.core.pdf import safe_filename

logger = logging.getLogger(__name__)

Builder = Callable[[models.Model], tuple[str, str, bytes]]

# A report still "being built" after this long was lost with its worker: it may be asked again.
STALE_AFTER = datetime.timedelta(minutes=15)
# The error kept on a failed report, at most.
ERROR_LENGTH = 2000


class ReportError(Exception):
    """A report cannot be asked for (unknown kind, no right to see the object)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class ReportKind:
    """A kind of report an app offers: how to build it, who may see it, what to call it."""

    kind: str
    builder: Builder
    can_view: Callable[[Any, models.Model], bool]
    label: str


_REGISTRY: dict[str, ReportKind] = {}


def register(kind: str, *, builder: Builder, can_view: Callable[[Any, models.Model], bool], label: Any) -> ReportKind:
    """Declare a kind of report (registering again replaces the declaration)."""
    report_kind = ReportKind(kind=kind, builder=builder, can_view=can_view, label=label)
    _REGISTRY[kind] = report_kind
    return report_kind


def unregister(kind: str) -> None:
    _REGISTRY.pop(kind, None)


def get(kind: str) -> ReportKind | None:
    return _REGISTRY.get(kind)


def registered() -> list[ReportKind]:
    return list(_REGISTRY.values())


def label_of(kind: str) -> str:
    report_kind = get(kind)
    return str(report_kind.label) if report_kind else kind


# --- Who may see a report -------------------------------------------------------------------------------------


def can_view(user, report: StoredReport) -> bool:
    """``user`` may see ``report`` when its kind is known, its object still exists and they may see the object."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    report_kind = get(report.kind)
    target = report.target
    return bool(report_kind is not None and target is not None and report_kind.can_view(user, target))


def versions_of(report: StoredReport) -> models.QuerySet[StoredReport]:
    """Every version of the report ``report`` is one of (itself included), the newest first."""
    return StoredReport.objects.filter(
        kind=report.kind, content_type_id=report.content_type_id, object_id=report.object_id
    ).order_by("-version")


def latest_ready(kind: str, obj: models.Model) -> StoredReport | None:
    """The newest version of ``kind`` for ``obj`` that can be downloaded, if any."""
    return (
        StoredReport.objects.filter(
            kind=kind,
            content_type=ContentType.objects.get_for_model(obj),
            object_id=obj.pk,
            state=ReportState.READY,
        )
        .order_by("-version")
        .first()
    )


def is_stale(report: StoredReport, now: datetime.datetime | None = None) -> bool:
    """A report on its way for longer than ``STALE_AFTER``: its worker (or its message) was lost."""
    if report.state not in REPORT_IN_FLIGHT:
        return False
    since = report.started_at or report.requested_at
    return (now or timezone.now()) - since > STALE_AFTER


# --- Asking for a report ----------------------------------------------------------------------------------------


def request_report(*, kind: str, obj: models.Model, by) -> StoredReport:
    """Ask for a new version of the report ``kind`` of ``obj`` on behalf of ``by``; it is built after commit.

    A version already on its way is returned instead of queuing another (a double click, two people asking at
    once); one lost on its way (see ``STALE_AFTER``) is marked failed and a new one queued.
    Raises ``ReportError`` for an unknown kind or when ``by`` may not see ``obj``."""
    report_kind = get(kind)
    if report_kind is None:
        raise ReportError(_("This kind of report does not exist."))
    if by is None or not by.is_authenticated or not report_kind.can_view(by, obj):
        raise ReportError(_("You may not see this report."))
    content_type = ContentType.objects.get_for_model(obj)
    same = StoredReport.objects.filter(kind=kind, content_type=content_type, object_id=obj.pk)
    now = timezone.now()
    with transaction.atomic():
        for report in same.filter(state__in=REPORT_IN_FLIGHT):
            if not is_stale(report, now):
                return report
            _fail(report, _("The report was not built in time; it has been asked again."))
        version = (same.aggregate(last=Max("version"))["last"] or 0) + 1
        try:
            with transaction.atomic():
                report = StoredReport.objects.create(
                    kind=kind,
                    content_type=content_type,
                    object_id=obj.pk,
                    version=version,
                    requested_by=by,
                    requested_at=now,
                    language=translation.get_language() or getattr(by, "language", "") or "fr",
                )
        except IntegrityError:
            # Someone else asked at the same moment: theirs is the one on its way.
            existing = same.filter(state__in=REPORT_IN_FLIGHT).first()
            if existing is None:
                raise
            return existing
        transaction.on_commit(partial(enqueue, report.pk))
    logger.info("Report %s (%s of %s #%s) queued.", report.pk, kind, content_type.model, obj.pk)
    return report


def enqueue(pk: int) -> None:
    """Queue the build of one report. When the broker cannot take it, the report is marked failed at once, so that
    the person waiting is told and may ask again, instead of waiting for nothing."""
    from qms.core.tasks import build_report_task

    try:
        build_report_task.apply_async(args=[pk])
    except Exception as exc:  # noqa: BLE001 - the request is committed; tell the person rather than fail the page
        logger.warning("Could not queue report %s (%s).", pk, type(exc).__name__, exc_info=True)
        report = StoredReport.objects.filter(pk=pk, state=ReportState.QUEUED).first()
        if report is not None:
            _fail(report, _("The report could not be queued: the background service is unavailable. Try again later."))


# --- Building it ------------------------------------------------------------------------------------------------


def _claim(pk: int, now: datetime.datetime) -> bool:
    """Take the report for building: a queued one, or one whose earlier build was lost (a redelivered message)."""
    claimable = models.Q(state=ReportState.QUEUED) | models.Q(
        state=ReportState.BUILDING, started_at__lt=now - STALE_AFTER
    )
    return StoredReport.objects.filter(claimable, pk=pk).update(state=ReportState.BUILDING, started_at=now) == 1


def _fail(report: StoredReport, error: str) -> None:
    report.state = ReportState.FAILED
    report.error = error[:ERROR_LENGTH]
    report.save(update_fields=["state", "error"])


def build_report(pk: int) -> StoredReport | None:
    """Build the report ``pk`` and store its file; a failure is recorded on the report with its error.

    Returns the report, or None when there is nothing to do (already built, or being built elsewhere)."""
    started = timezone.now()
    if not _claim(pk, started):
        return None
    report = StoredReport.objects.select_related("content_type").get(pk=pk)
    report_kind = get(report.kind)
    target = report.target
    if report_kind is None:
        _fail(report, _("This kind of report does not exist."))
        return report
    if target is None:
        _fail(report, _("The object of this report no longer exists."))
        return report
    clock = time.monotonic()
    try:
        with translation.override(report.language):
            filename, content_type, content = report_kind.builder(target)
    except DomainError as error:
        # The builder refuses with a translated reason (an archive past its size cap): shown as it is.
        _fail(report, error.message)
        return report
    except Exception as exc:  # noqa: BLE001 - whatever the builder raises, the report records it
        logger.exception("Report %s (%s) could not be built.", report.pk, report.kind)
        _fail(report, f"{type(exc).__name__}: {exc}")
        return report
    filename = safe_filename(filename, default=f"{report.kind.rsplit('.', 1)[-1]}.pdf")
    report.file.save(filename, ContentFile(content), save=False)
    report.filename = filename
    report.mime_type = content_type
    report.size = len(content)
    report.generated_at = timezone.now()
    report.duration = datetime.timedelta(seconds=time.monotonic() - clock)
    report.state = ReportState.READY
    report.error = ""
    report.save()
    logger.info("Report %s (%s) built in %.2f s.", report.pk, report.kind, report.duration.total_seconds())
    return report


STATE_MESSAGES = {
    ReportState.QUEUED: gettext_lazy("The report is waiting to be built."),
    ReportState.BUILDING: gettext_lazy("The report is being built."),
    ReportState.READY: gettext_lazy("The report is ready."),
    ReportState.FAILED: gettext_lazy("The report could not be built."),
}

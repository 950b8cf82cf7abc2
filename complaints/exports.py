"""Exports of the helpdesk: the register of requests (CSV and XLSX, for auditors) and the figures of the
statistics page (CSV).

The register holds one row per request with what an auditor needs to follow its handling, and never the
requester's personal data: no name, no email, no address, no subject, no description, no message. It is written
as it is read, in chunks: the CSV streams, the XLSX is written row by row to a temporary file (openpyxl's
write-only mode), so memory stays bounded whatever the number of rows.

Every text cell that a spreadsheet program could run as a formula (starting with = + - @, a tab or a carriage
return) is written with a leading apostrophe.
"""

from __future__ import annotations

import datetime
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from itertools import islice
from typing import Any, BinaryIO

from django.db import models
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from complaints.models import Complaint
from complaints.statistics import ComplaintStatistics
from qms.core.spreadsheets import guard_formula, iter_csv, write_xlsx_to

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
CHUNK_SIZE = 500

# (header, width in the XLSX) of the register, in order; the sensitive register adds the nature after the kind.
REGISTER_COLUMNS: tuple[tuple[Any, int], ...] = (
    (gettext_lazy("Reference"), 16),
    (gettext_lazy("Received at"), 17),
    (gettext_lazy("Kind"), 16),
    (gettext_lazy("Requester category"), 22),
    (gettext_lazy("Channel"), 14),
    (gettext_lazy("Programme concerned"), 30),
    (gettext_lazy("Unit in charge"), 26),
    (gettext_lazy("Process"), 24),
    (gettext_lazy("Assignee"), 22),
    (gettext_lazy("Status"), 18),
    (gettext_lazy("Take charge by"), 13),
    (gettext_lazy("Answer by"), 13),
    (gettext_lazy("Overdue"), 9),
    (gettext_lazy("Paused working days"), 10),
    (gettext_lazy("Acknowledged at"), 17),
    (gettext_lazy("Taken in charge at"), 17),
    (gettext_lazy("Answered at"), 17),
    (gettext_lazy("Closed at"), 17),
    (gettext_lazy("Redirected to"), 24),
    (gettext_lazy("Duplicate of"), 16),
    (gettext_lazy("Admissible"), 10),
    (gettext_lazy("Founded"), 10),
    (gettext_lazy("Severity"), 12),
    (gettext_lazy("Root-cause category"), 24),
    (gettext_lazy("Rating"), 8),
    (gettext_lazy("Rated at"), 17),
    (gettext_lazy("Linked actions"), 30),
    (gettext_lazy("Personal data purged at"), 17),
)
SENSITIVE_COLUMN = (gettext_lazy("Sensitive nature"), 22)
REGISTER_RELATED = ("programme", "org_unit", "process", "assignee", "redirect_body", "root_cause", "duplicate_of")


# --- Cells ----------------------------------------------------------------------------------------------------
def _local(value: datetime.datetime | None) -> datetime.datetime | None:
    if value is None:
        return None
    value = timezone.localtime(value) if timezone.is_aware(value) else value
    return value.replace(tzinfo=None, second=0, microsecond=0)


def _yes_no(value: bool | None) -> str:
    if value is None:
        return ""
    return _("yes") if value else _("no")


def csv_cell(value: Any) -> str:
    """A value as CSV text: ISO dates (French spreadsheet programs read them as dates), guarded text."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, bool):
        return _yes_no(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal | float):
        return number_format(value)
    return guard_formula(str(value))


# --- The register ---------------------------------------------------------------------------------------------
def register_headers(*, sensitive: bool = False) -> list[str]:
    headers = [str(label) for label, _width in REGISTER_COLUMNS]
    if sensitive:
        headers.insert(3, str(SENSITIVE_COLUMN[0]))
    return headers


def register_widths(*, sensitive: bool = False) -> list[int]:
    widths = [width for _label, width in REGISTER_COLUMNS]
    if sensitive:
        widths.insert(3, SENSITIVE_COLUMN[1])
    return widths


def _linked_actions(ids: Sequence[int]) -> dict[int, list[str]]:
    """The actions that answer each request of ``ids``, as "reference (plan)", in one query."""
    from actionplans.selectors import actions_by_source

    return actions_by_source(Complaint, ids)


def register_row(complaint: Complaint, *, actions: Sequence[str] = (), today: datetime.date, sensitive: bool) -> list:
    """One request as a row of the register (no personal data of the requester)."""
    row: list[Any] = [
        complaint.reference,
        _local(complaint.received_at),
        complaint.get_kind_display(),
        complaint.get_requester_category_display(),
        complaint.get_channel_display(),
        str(complaint.programme) if complaint.programme_id else "",
        str(complaint.org_unit) if complaint.org_unit_id else "",
        str(complaint.process) if complaint.process_id else "",
        str(complaint.assignee) if complaint.assignee_id else "",
        complaint.get_status_display(),
        complaint.take_charge_due,
        complaint.answer_due,
        _yes_no(complaint.is_overdue(today)),
        complaint.paused_days,
        _local(complaint.acknowledged_at),
        _local(complaint.taken_in_charge_at),
        _local(complaint.answered_at),
        _local(complaint.closed_at),
        str(complaint.redirect_body) if complaint.redirect_body_id else "",
        complaint.duplicate_of.reference if complaint.duplicate_of_id else "",
        _yes_no(complaint.is_admissible),
        _yes_no(complaint.is_founded),
        complaint.get_severity_display() if complaint.severity else "",
        str(complaint.root_cause) if complaint.root_cause_id else "",
        complaint.rating,
        _local(complaint.rated_at),
        ", ".join(actions),
        _local(complaint.purged_at),
    ]
    if sensitive:
        row.insert(3, complaint.get_sensitive_nature_display() if complaint.sensitive_nature else "")
    return row


def register_rows(
    queryset: models.QuerySet[Complaint], *, sensitive: bool = False, chunk_size: int = CHUNK_SIZE
) -> Iterator[list]:
    """The rows of the register for ``queryset``, read in chunks: one query for the requests (a server-side
    cursor on PostgreSQL), and one for the linked actions of each chunk."""
    today = timezone.localdate()
    iterator = queryset.select_related(*REGISTER_RELATED).iterator(chunk_size=chunk_size)
    while True:
        chunk = list(islice(iterator, chunk_size))
        if not chunk:
            return
        actions = _linked_actions([complaint.pk for complaint in chunk])
        for complaint in chunk:
            yield register_row(complaint, actions=actions.get(complaint.pk, ()), today=today, sensitive=sensitive)


def stream_csv(headers: Sequence[str], rows: Iterable[Sequence[Any]], *, delimiter: str = ";") -> Iterator[bytes]:
    """The register as CSV, streamed by the shared writer, with this app's rendering of cells."""
    return iter_csv(headers, rows, delimiter=delimiter, cell=csv_cell)


def write_xlsx(
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    sheet_title: str,
    column_widths: Sequence[int] = (),
) -> BinaryIO:
    """The register as XLSX, written row by row by the shared writer to a temporary file, returned open at its
    start; text is guarded against formulas even when copied out of the sheet."""
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - the response closes it once sent
    write_xlsx_to(handle, headers, rows, sheet_title=sheet_title, column_widths=column_widths, cell=_xlsx_value)
    handle.seek(0)
    return handle


def _xlsx_value(value: Any) -> Any:
    if isinstance(value, bool):
        return _yes_no(value)
    if isinstance(value, str):
        return guard_formula(value)
    return value


def export_filename(stem: str, extension: str) -> str:
    return f"{stem}-{timezone.localdate():%Y-%m-%d}.{extension}"


# --- The figures of the statistics page ------------------------------------------------------------------------
def _figure(value: Any) -> Any:
    """A MetricValue (or a plain number) as a cell: the value, or blank when there is no data."""
    if value is None:
        return ""
    return getattr(value, "value", value)


def statistics_rows(stats: ComplaintStatistics) -> tuple[list[str], list[list[Any]]]:
    """The figures of the statistics page as (header, rows): a section, a label, a value and its basis."""
    headers = [_("Section"), _("Figure"), _("Value"), _("Out of")]
    scope = str(stats.unit) if stats.unit else _("Whole institution")
    rows: list[list[Any]] = [
        [_("Scope"), _("Period start"), stats.period.start, ""],
        [_("Scope"), _("Period end"), stats.period.end, ""],
        [_("Scope"), _("Unit"), scope, ""],
        [_("Figures"), _("Requests received"), stats.received, ""],
        [_("Figures"), _("Taken in charge (%)"), _figure(stats.handled_rate), stats.received],
        [_("Figures"), _("Answered on time (%)"), _figure(stats.answered_on_time_rate), stats.answered],
        [
            _("Figures"),
            _("Median time to take charge (working days)"),
            _figure(stats.median_take_charge_days),
            stats.taken_in_charge,
        ],
        [
            _("Figures"),
            _("Median time to answer (working days)"),
            _figure(stats.median_answer_days),
            stats.answers_measured,
        ],
        [
            _("Figures"),
            _("Satisfied with the answer, 4 or 5 out of 5 (%)"),
            _figure(stats.satisfaction_rate),
            stats.satisfaction.rated,
        ],
        [_("Figures"), _("Mean rating (out of 5)"), _figure(stats.satisfaction.mean), stats.satisfaction.rated],
    ]
    if stats.sensitive is not None:
        rows.append([_("Figures"), _("Sensitive reports (institution total only)"), stats.sensitive, ""])
    for kind, label in stats.kinds:
        rows.append([_("Received by kind"), label, stats.kind_totals[kind], ""])
    for month in stats.months:
        for kind, label in stats.kinds:
            rows.append([_("Received by month"), f"{month.month:%Y-%m} — {label}", month.of(kind), ""])
        rows.append([_("Received by month"), f"{month.month:%Y-%m} — {_('Total')}", month.total, ""])
    for unit_row in stats.by_unit:
        rows.append([_("Received by unit"), unit_row.label, unit_row.received, ""])
        rate = _figure(unit_row.handled_rate)
        rows.append([_("Taken in charge by unit (%)"), unit_row.label, rate, unit_row.received])
    return headers, rows


def statistics_csv(stats: ComplaintStatistics) -> bytes:
    headers, rows = statistics_rows(stats)
    return b"".join(stream_csv(headers, rows))

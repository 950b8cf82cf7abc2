"""What the process map writes out: the risk register as XLSX, the process sheet and the map as PDFs."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from typing import Any, BinaryIO

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from processes.models import ProcessMapSettings, Risk
from qms.core import panels
from qms.core.pdf import PdfReport
from qms.core.spreadsheets import guard_formula, write_xlsx_to

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHUNK_SIZE = 500

# (header, width) of the register, in order. The first columns read back through the risk register import.
REGISTER_COLUMNS: tuple[tuple[Any, int], ...] = (
    (gettext_lazy("Process"), 10),
    (gettext_lazy("Reference"), 12),
    (gettext_lazy("Kind"), 13),
    (gettext_lazy("Description"), 45),
    (gettext_lazy("Cause"), 32),
    (gettext_lazy("Consequence"), 32),
    (gettext_lazy("Likelihood"), 11),
    (gettext_lazy("Severity"), 11),
    (gettext_lazy("Gross criticality"), 11),
    (gettext_lazy("Gross band"), 13),
    (gettext_lazy("Treatment"), 12),
    (gettext_lazy("Residual likelihood"), 11),
    (gettext_lazy("Residual severity"), 11),
    (gettext_lazy("Residual criticality"), 11),
    (gettext_lazy("Residual band"), 13),
    (gettext_lazy("Treatment actions"), 50),
    (gettext_lazy("Review date"), 12),
    (gettext_lazy("Archived"), 9),
)


def _band_label(settings: ProcessMapSettings, criticality: int | None) -> str:
    band = settings.band(criticality)
    if band is None:
        return ""
    from processes.choices import CriticalityBand

    return str(CriticalityBand(band).label)


def _actions_text(summaries: list[dict]) -> str:
    """The treatment actions, one a line: "A-0012 Title (In progress, due 2025-06-30)"."""
    lines = []
    for summary in summaries:
        for row in summary["rows"]:
            status = row.get("status_label") or row.get("status") or ""
            due = row.get("due") or ""
            detail = ", ".join(part for part in (status, _("due %(date)s") % {"date": due} if due else "") if part)
            title = " ".join(part for part in (row.get("reference", ""), row.get("title", "")) if part)
            lines.append(f"{title} ({detail})" if detail else title)
    return "\n".join(lines)


def register_rows(risks: QuerySet[Risk]) -> Iterator[list[Any]]:
    """The rows of the register, read in chunks: a fixed number of queries per chunk, whatever its size."""
    settings = ProcessMapSettings.get()
    risks = risks.select_related("process").order_by("process__code", "reference", "pk")
    ordered = list(risks.values_list("pk", flat=True))
    for start in range(0, len(ordered), CHUNK_SIZE):
        chunk = list(risks.filter(pk__in=ordered[start : start + CHUNK_SIZE]))
        summaries = panels.summaries_for(chunk)
        for risk in chunk:
            yield [
                risk.process.code,
                risk.reference,
                risk.get_kind_display(),
                risk.description,
                risk.cause,
                risk.consequence,
                risk.likelihood,
                risk.severity,
                risk.criticality,
                "" if risk.is_opportunity else _band_label(settings, risk.criticality),
                risk.get_treatment_display() if risk.treatment else "",
                risk.residual_likelihood,
                risk.residual_severity,
                risk.residual_criticality,
                "" if risk.is_opportunity else _band_label(settings, risk.residual_criticality),
                _actions_text(summaries.get(risk.pk, [])),
                risk.review_on,
                _("yes") if risk.is_archived else "",
            ]


def _xlsx_value(value: Any) -> Any:
    if isinstance(value, str):
        return guard_formula(value)
    return value


def register_xlsx(risks: QuerySet[Risk]) -> BinaryIO:
    """The risk register (the filters already applied to ``risks``) as an XLSX file, open at its start."""
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - the response closes it once sent
    write_xlsx_to(
        handle,
        [str(header) for header, _width in REGISTER_COLUMNS],
        register_rows(risks),
        sheet_title=_("Risk register"),
        column_widths=[width for _header, width in REGISTER_COLUMNS],
        cell=_xlsx_value,
    )
    handle.seek(0)
    return handle


def register_filename() -> str:
    return f"registre-risques-{timezone.localdate():%Y-%m-%d}.xlsx"


# --- PDFs ---------------------------------------------------------------------------------------------------------


class ProcessSheetPdf(PdfReport):
    """The process sheet (fiche processus) as a PDF: the same sections as the page."""

    template_name = "processes/pdf/process_sheet.html"

    def __init__(self, sheet, **kwargs):
        super().__init__(**kwargs)
        self.sheet = sheet

    def get_filename(self) -> str:
        return f"fiche-processus-{self.sheet.process.code}.pdf"

    def get_context(self) -> dict:
        # The open actions, as the "Actions" panel of action plans summarises them (nothing without that panel).
        return {"sheet": self.sheet, "process": self.sheet.process, "actions": panels.summaries(self.sheet.process)}


class ProcessMapPdf(PdfReport):
    """The process map on one landscape page."""

    template_name = "processes/pdf/process_map.html"

    def __init__(self, process_map, **kwargs):
        super().__init__(**kwargs)
        self.process_map = process_map

    def get_filename(self) -> str:
        return f"cartographie-processus-{timezone.localdate():%Y-%m-%d}.pdf"

    def get_context(self) -> dict:
        return {"process_map": self.process_map}

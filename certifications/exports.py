"""What leaves QMS for a certifier: the matrix as XLSX and PDF, an audit report as PDF, and the evidence archive
(a ZIP with an index of the matrix and, in a folder per criterion, the files the matrix references)."""

from __future__ import annotations

import io
import os
import re
import zipfile
from collections import OrderedDict
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from certifications.choices import EvidenceKind, GradeKind
from certifications.models import Audit, Certification, CertificationSettings
from certifications.selectors import Matrix, compliance_matrix, finding_actions
from certifications.services.base import CertificationError
from qms.core.pdf import PdfReport
from qms.core.spreadsheets import write_xlsx

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ZIP_CONTENT_TYPE = "application/zip"
MATRIX_COLUMN_WIDTHS = (12, 50, 18, 40, 22, 16, 60)


def filename(certification: Certification, extension: str, kind: str = "matrice") -> str:
    stem = slugify(certification.name)[:60] or f"certification-{certification.pk}"
    return f"{kind}-{stem}-{timezone.localdate():%Y-%m-%d}.{extension}"


def evidence_text(row) -> str:
    """A row's evidence in one cell: one line each, with its date; links written out."""
    lines = []
    for evidence in row.evidence:
        if evidence.kind == EvidenceKind.URL:
            where = evidence.url
        elif evidence.kind == EvidenceKind.DOCUMENT:
            version = evidence.document_version
            where = f"{version} — {version.get_status_display()}"
        else:
            where = evidence.filename
        label = str(evidence)
        text = f"{label} ({where})" if where and where != label else label
        lines.append(f"{text} — {evidence.dated:%d/%m/%Y}")
    for figure in row.live:
        if not figure.available:
            continue
        value = figure.count if figure.count is not None else figure.value
        lines.append(
            f"{figure.label} : {value if value is not None else '—'}{' ' + figure.unit if figure.unit else ''}"
        )
    return "\n".join(lines)


def matrix_rows(matrix: Matrix) -> tuple[list[str], list[list[Any]]]:
    headers = [
        _("Reference"),
        _("Requirement"),
        _("Status"),
        _("Comment"),
        _("Owner"),
        _("Last reviewed"),
        _("Evidence"),
    ]
    rows = []
    for row in matrix.rows:
        requirement = row.requirement
        indent = "    " * requirement.depth
        if not row.is_leaf:
            readiness = f"{row.readiness} %" if row.readiness is not None else "—"
            rows.append(
                [requirement.reference, f"{indent}{requirement.label}", readiness, "", "", None, evidence_text(row)]
            )
            continue
        assessment = row.assessment
        comment = ""
        if assessment:
            comment = assessment.comment
            if assessment.justification:
                comment = f"{assessment.justification}\n{comment}".strip()
        rows.append(
            [
                requirement.reference,
                f"{indent}{requirement.label}",
                row.status_label,
                comment,
                str(assessment.owner) if assessment and assessment.owner_id else "",
                timezone.localtime(assessment.reviewed_at) if assessment and assessment.reviewed_at else None,
                evidence_text(row),
            ]
        )
    return headers, rows


def matrix_xlsx(matrix: Matrix) -> bytes:
    """The matrix as one sheet: requirement → status → evidence, headings with their readiness."""
    headers, rows = matrix_rows(matrix)
    return write_xlsx(headers, rows, sheet_title=matrix.certification.name, column_widths=MATRIX_COLUMN_WIDTHS)


class MatrixPdfReport(PdfReport):
    """The compliance matrix with its readiness, for a certifier or a management review."""

    template_name = "certifications/pdf/matrix.html"

    def __init__(self, certification: Certification, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.certification = certification

    def get_filename(self) -> str:
        return filename(self.certification, "pdf")

    def get_context(self) -> dict[str, Any]:
        matrix = compliance_matrix(self.certification)
        return {"certification": self.certification, "matrix": matrix, "today": timezone.localdate()}


GRADE_ORDER = [GradeKind.MAJOR_NC, GradeKind.MINOR_NC, GradeKind.ATTENTION, GradeKind.IMPROVEMENT, GradeKind.STRENGTH]


class AuditReportPdf(PdfReport):
    """An audit's findings by grade, with their actions and dates."""

    template_name = "certifications/pdf/audit_report.html"

    def __init__(self, audit: Audit, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.audit = audit

    def get_filename(self) -> str:
        stem = slugify(self.audit.title)[:60] or f"audit-{self.audit.pk}"
        return f"rapport-{stem}-{timezone.localdate():%Y-%m-%d}.pdf"

    def get_context(self) -> dict[str, Any]:
        findings = list(
            self.audit.findings.select_related("grade", "original_grade", "requirement").order_by("reference", "pk")
        )
        for finding in findings:
            finding.actions = finding_actions(finding) if finding.grade.needs_action else []
        groups = OrderedDict()
        for kind in GRADE_ORDER:
            grades = {}
            for finding in findings:
                if finding.grade.kind == kind:
                    grades.setdefault(finding.grade, []).append(finding)
            for grade, items in sorted(grades.items(), key=lambda item: item[0].position):
                groups[grade] = items
        return {
            "audit": self.audit,
            "groups": groups,
            "findings": findings,
            "team": list(self.audit.team.all()),
            "units": list(self.audit.audited_units.all()),
            "processes": list(self.audit.audited_processes.all()),
        }


# --- The evidence archive -----------------------------------------------------------------------------------------


class EvidenceArchiveTooLarge(CertificationError):
    """The files would pass the size the settings allow. ``str(error)`` is translated and says what to do."""


def _too_large(max_bytes: int) -> EvidenceArchiveTooLarge:
    return EvidenceArchiveTooLarge(
        _(
            "The evidence files pass the archive's limit of %(limit)s MB: raise the limit in the "
            "certifications' settings, or share the largest files by link."
        )
        % {"limit": max_bytes // (1024 * 1024)}
    )


def _folder_name(reference: str, title: str) -> str:
    text = f"{reference} {title}".strip()
    text = re.sub(r"[\\/:*?\"<>|\x00-\x1f]+", "-", text)
    return text[:80].strip(" .") or reference or "requirement"


def _size(stored) -> int | None:
    """The size of a stored file, or None when it is missing from the storage."""
    try:
        return stored.size
    except (FileNotFoundError, OSError):
        return None


def _max_bytes(max_bytes: int | None) -> int:
    return CertificationSettings.get().zip_max_bytes if max_bytes is None else max_bytes


def check_archive_size(certification: Certification, *, max_bytes: int | None = None) -> int:
    """The size of the files the evidence archive of ``certification`` would hold (before compression); raises
    ``EvidenceArchiveTooLarge`` past ``max_bytes`` (the settings' cap by default). Asked before the archive is,
    so that the person is told at once."""
    max_bytes = _max_bytes(max_bytes)
    total = 0
    for row in compliance_matrix(certification, with_live=False).leaf_rows:
        for evidence in row.evidence:
            stored = evidence.stored_file
            total += (_size(stored) or 0) if stored is not None else 0
            if total > max_bytes:
                raise _too_large(max_bytes)
    return total


def evidence_archive(certification: Certification, *, max_bytes: int | None = None) -> bytes:
    """The archive for the certifier: ``index.html`` (the matrix, with its links) and, in a folder per criterion,
    the files the matrix references. Refused past ``max_bytes`` (the settings' cap by default), counted on the
    files before compression, with a message saying what to do."""
    max_bytes = _max_bytes(max_bytes)
    matrix = compliance_matrix(certification)
    criteria = {row.requirement.pk: row for row in matrix.criteria}
    entries: list[tuple[str, Any]] = []
    paths: dict[int, str] = {}
    total = 0
    used: set[str] = set()
    for row in matrix.leaf_rows:
        criterion = criteria.get(row.requirement.criterion_id)
        folder = _folder_name(criterion.requirement.reference, criterion.requirement.label) if criterion else "-"
        for evidence in row.evidence:
            stored = evidence.stored_file
            size = _size(stored) if stored is not None else None
            if size is None:
                continue
            total += size
            if total > max_bytes:
                raise _too_large(max_bytes)
            name = f"{folder}/{row.requirement.reference} - {evidence.filename}"
            name = re.sub(r"[\\:*?\"<>|\x00-\x1f]+", "-", name)
            stem, extension = os.path.splitext(name)
            counter = 2
            while name in used:
                name = f"{stem} ({counter}){extension}"
                counter += 1
            used.add(name)
            paths[evidence.pk] = name
            evidence.archive_path = name
            entries.append((name, stored))
    index = render_to_string(
        "certifications/evidence_index.html",
        {
            "certification": certification,
            "matrix": matrix,
            "paths": paths,
            "generated_at": timezone.localtime(),
        },
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("index.html", index)
        for name, field_file in entries:
            with field_file.open("rb") as handle:
                archive.writestr(name, handle.read())
    return buffer.getvalue()


def build_evidence_archive(certification: Certification) -> tuple[str, str, bytes]:
    """The evidence archive as a stored report builds it (``certifications/reports.py``)."""
    return filename(certification, "zip", kind="preuves"), ZIP_CONTENT_TYPE, evidence_archive(certification)

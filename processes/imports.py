"""Importing what the quality office already keeps: the risk register, the document list (with each document's
current version number and date) and the history of indicator measurements.

As the action plans' import does: ``read_import_file`` reads a CSV or XLSX file (``qms.core.spreadsheets``) into a
JSON-safe payload kept between the preview and the confirmation; ``analyse`` says, row by row, what the import would
create, update or leave alone, with every error and warning on its line, and writes nothing; ``apply`` runs inside
the confirming service's transaction, so that an import is applied whole or not at all. Importing the same file
twice changes nothing the second time.

Every row must concern a process the importer may edit.
"""

from __future__ import annotations

import dataclasses
import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from processes.choices import (
    DocumentOrigin,
    DocumentType,
    ImportKind,
    IndicatorSource,
    MeasurementOrigin,
    RiskKind,
    RiskTreatment,
    VersionStatus,
)
from processes.models import Document, DocumentVersion, Indicator, Measurement, Process, Risk
from processes.periods import period_label, period_of
from processes.permissions import can_edit_document, can_edit_process
from qms.core.metrics import Period
from qms.core.models import User
from qms.core.selectors import users_named
from qms.core.spreadsheets import Column, Row, cell_text, normalise_header, parse_date, read_table

# --- Columns --------------------------------------------------------------------------------------------------------

PROCESS_COLUMN = Column("process", gettext_lazy("Process"), ("processus", "process", "code processus", "process code"))

RISK_COLUMNS = (
    dataclasses.replace(PROCESS_COLUMN, required=True),
    Column("reference", gettext_lazy("Reference"), ("référence", "reference", "réf", "ref", "n°", "code")),
    Column("kind", gettext_lazy("Kind"), ("type", "nature", "kind", "risque ou opportunité", "risk or opportunity")),
    Column(
        "description",
        gettext_lazy("Description"),
        ("description", "risque", "risk", "intitulé", "libellé", "description du risque"),
        required=True,
    ),
    Column("cause", gettext_lazy("Cause"), ("cause", "causes", "origine")),
    Column("consequence", gettext_lazy("Consequence"), ("conséquence", "consequence", "impact", "effet")),
    Column(
        "likelihood",
        gettext_lazy("Likelihood"),
        ("probabilité", "likelihood", "vraisemblance", "fréquence", "p", "probabilité brute"),
        required=True,
    ),
    Column(
        "severity",
        gettext_lazy("Severity"),
        ("gravité", "severity", "g", "impact brut", "gravité brute"),
        required=True,
    ),
    Column("treatment", gettext_lazy("Treatment"), ("traitement", "treatment", "stratégie", "réponse")),
    Column(
        "residual_likelihood",
        gettext_lazy("Residual likelihood"),
        ("probabilité résiduelle", "residual likelihood", "p résiduelle"),
    ),
    Column(
        "residual_severity",
        gettext_lazy("Residual severity"),
        ("gravité résiduelle", "residual severity", "g résiduelle"),
    ),
    Column("review_on", gettext_lazy("Review date"), ("date de revue", "review date", "revue", "prochaine revue")),
)

DOCUMENT_COLUMNS = (
    Column("reference", gettext_lazy("Reference"), ("référence", "reference", "réf", "ref", "code"), required=True),
    Column("title", gettext_lazy("Title"), ("titre", "title", "intitulé", "libellé", "nom du document"), required=True),
    Column("doc_type", gettext_lazy("Type"), ("type", "type de document", "document type", "nature")),
    PROCESS_COLUMN,
    Column("origin", gettext_lazy("Origin"), ("origine", "origin", "interne ou externe", "internal or external")),
    Column("issuer", gettext_lazy("Issuer"), ("émetteur", "issuer", "éditeur", "source")),
    Column("owner", gettext_lazy("Owner"), ("responsable", "owner", "rédacteur", "propriétaire")),
    Column("link", gettext_lazy("Link"), ("lien", "link", "url", "emplacement", "exemplaire de référence")),
    Column(
        "review_period_months",
        gettext_lazy("Review period (months)"),
        ("périodicité de revue", "périodicité", "review period", "review period (months)", "périodicité (mois)"),
    ),
    Column("version", gettext_lazy("Version"), ("version", "version en vigueur", "indice", "édition", "edition")),
    Column(
        "version_date",
        gettext_lazy("Version date"),
        ("date de version", "date de la version", "version date", "date d'approbation", "date d'édition", "date"),
    ),
)

MEASUREMENT_COLUMNS = (
    PROCESS_COLUMN,
    Column("indicator", gettext_lazy("Indicator"), ("indicateur", "indicator", "nom de l'indicateur"), required=True),
    Column(
        "period", gettext_lazy("Period"), ("période", "period", "date", "mois", "année", "month", "year"), required=True
    ),
    Column("value", gettext_lazy("Value"), ("valeur", "value", "résultat", "mesure"), required=True),
    Column("numerator", gettext_lazy("Numerator"), ("numérateur", "numerator")),
    Column("denominator", gettext_lazy("Denominator"), ("dénominateur", "denominator")),
    Column("comment", gettext_lazy("Comment"), ("commentaire", "comment", "remarque", "observations")),
)

COLUMNS: dict[str, tuple[Column, ...]] = {
    ImportKind.RISKS: RISK_COLUMNS,
    ImportKind.DOCUMENTS: DOCUMENT_COLUMNS,
    ImportKind.MEASUREMENTS: MEASUREMENT_COLUMNS,
}


def read_import_file(kind: str, source: Any, *, filename: str = "") -> dict[str, Any]:
    """Read a CSV or XLSX file into a JSON-safe payload. Raises ``SpreadsheetError`` (translated)."""
    table = read_table(source, columns=COLUMNS[kind])
    return {
        "kind": kind,
        "filename": filename,
        "format": table.format,
        "header_line": table.header_line,
        "columns": table.keys,
        "headers": table.headers,
        "ignored_headers": table.ignored_headers,
        "rows": [
            {"line": row.line, "values": {key: cell_text(row.values.get(key)) for key in table.keys}}
            for row in table.rows
        ],
    }


# --- Reading cells --------------------------------------------------------------------------------------------------


def _words(choices, extra: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """Every word read as a choice, normalised: its value, its labels in French and English, and ``extra``."""
    from django.utils import translation

    found: dict[str, str] = {}
    for value, words in extra.items():
        for word in (*words, value):
            found[normalise_header(word)] = value
    for language in ("fr", "en"):
        with translation.override(language):
            for choice in choices:
                found[normalise_header(str(choice.label))] = choice.value
                found[normalise_header(choice.value)] = choice.value
    return found


KIND_WORDS = {RiskKind.RISK: ("risque", "menace", "threat"), RiskKind.OPPORTUNITY: ("opportunité", "opportunity")}
TREATMENT_WORDS = {
    RiskTreatment.ACCEPT: ("accepter", "acceptation", "accepté", "accept"),
    RiskTreatment.REDUCE: ("réduire", "réduction", "atténuer", "atténuation", "maîtriser", "reduce", "mitigate"),
    RiskTreatment.TRANSFER: ("transférer", "transfert", "partager", "transfer", "share"),
    RiskTreatment.AVOID: ("éviter", "évitement", "supprimer", "avoid"),
}
ORIGIN_WORDS = {
    DocumentOrigin.INTERNAL: ("interne", "internal", "int"),
    DocumentOrigin.EXTERNAL: ("externe", "external", "ext", "réglementaire", "loi", "décret"),
}
TYPE_WORDS = {
    DocumentType.POLICY: ("politique", "policy"),
    DocumentType.MANUAL: ("manuel", "manual", "manuel qualité"),
    DocumentType.PROCEDURE: ("procédure", "procedure", "processus"),
    DocumentType.INSTRUCTION: ("instruction", "mode opératoire", "instruction de travail"),
    DocumentType.FORM: ("formulaire", "form", "imprimé"),
    DocumentType.RECORD_TEMPLATE: ("modèle", "modèle d'enregistrement", "enregistrement", "template", "record"),
}

_SPACES = re.compile(r"[\s\u00a0\u202f]+")


def parse_decimal(text: str) -> Decimal | None:
    """A number as typed: "12,5", "85 %", "1 234,5". None when it is not one."""
    cleaned = _SPACES.sub("", text or "").rstrip("%").replace(",", ".")
    if not cleaned:
        return None
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def parse_score(text: str) -> int | None:
    """A score from 1 to 4, as "3" or "3 — Probable"."""
    match = re.match(r"^\s*([1-4])(?:[.,]0+)?(?:\s|$|—|-|\.)", (text or "") + " ")
    return int(match.group(1)) if match else None


_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_QUARTER = re.compile(r"^(?:[TQ]([1-4])\s*[-/ ]?\s*(\d{4})|(\d{4})\s*[-/ ]?\s*[TQ]([1-4]))$", re.IGNORECASE)
_ACADEMIC = re.compile(r"^(\d{4})\s*[-/]\s*(\d{4})$")
_YEAR = re.compile(r"^(\d{4})$")


def parse_period(text: str, frequency: str) -> Period | None:
    """The indicator's period that a cell names: a date in it, "2025-03", "T1 2025", "2024-2025" or "2025"."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        day = parse_date(text)
    except ValueError:
        day = None
    if day is None:
        if match := _MONTH.match(text):
            year, month = int(match.group(1)), int(match.group(2))
            day = datetime.date(year, month, 1) if 1 <= month <= 12 else None
        elif match := _QUARTER.match(text):
            quarter = int(match.group(1) or match.group(4))
            year = int(match.group(2) or match.group(3))
            day = Period.quarter(year, quarter).start
        elif (match := _ACADEMIC.match(text)) and int(match.group(2)) == int(match.group(1)) + 1:
            day = Period.academic_year(int(match.group(1))).start
        elif match := _YEAR.match(text):
            day = datetime.date(int(match.group(1)), 1, 1)
    return period_of(frequency, day) if day else None


# --- The preview ------------------------------------------------------------------------------------------------------


@dataclass
class ImportMessage:
    line: int | None
    message: str


@dataclass
class PlannedRow:
    """What the import does with one row: create, update or leave alone, with the changes it makes."""

    line: int
    op: str
    label: str
    changes: list[str] = field(default_factory=list)
    target: Any = None
    values: dict[str, Any] = field(default_factory=dict)


@dataclass
class ImportPreview:
    kind: str
    columns: list[str]
    rows: list[PlannedRow] = field(default_factory=list)
    errors: list[ImportMessage] = field(default_factory=list)
    warnings: list[ImportMessage] = field(default_factory=list)
    ignored_headers: list[str] = field(default_factory=list)

    @property
    def has_errors(self) -> bool:
        return bool(self.errors)

    def _of(self, op: str) -> list[PlannedRow]:
        return [row for row in self.rows if row.op == op]

    @property
    def creates(self) -> list[PlannedRow]:
        return self._of("create")

    @property
    def updates(self) -> list[PlannedRow]:
        return self._of("update")

    @property
    def unchanged(self) -> list[PlannedRow]:
        return self._of("unchanged")

    @property
    def changes_anything(self) -> bool:
        return bool(self.creates or self.updates)

    @property
    def column_labels(self) -> list[str]:
        labels = {column.key: str(column.label) for column in COLUMNS[self.kind]}
        return [labels[key] for key in self.columns if key in labels]


def _display(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


class _Analyser:
    """One pass over the rows of a payload, against the database as loaded once at the start."""

    kind = ""

    def __init__(self, payload: dict[str, Any], user: User):
        self.user = user
        self.present = set(payload.get("columns", []))
        headers = payload.get("headers", {})
        self.rows = [Row(line=item["line"], values=item["values"], labels=headers) for item in payload.get("rows", [])]
        self.preview = ImportPreview(
            kind=self.kind,
            columns=list(payload.get("columns", [])),
            ignored_headers=list(payload.get("ignored_headers", [])),
        )
        self.today = timezone.localdate()
        codes = {row.text("process").casefold() for row in self.rows if row.text("process")}
        self.processes = {
            p.code.casefold(): p
            for p in Process.objects.annotate(code_l=Lower("code"))
            .filter(code_l__in=codes)
            .select_related("owner", "org_unit")
            .prefetch_related("deputies")
        }
        self.editable: dict[int, bool] = {}

    # Messages
    def _message(self, row: Row, message: str) -> ImportMessage:
        return ImportMessage(row.line, _("Line %(line)s: %(message)s") % {"line": row.line, "message": message})

    def error(self, row: Row, message: str) -> None:
        self.preview.errors.append(self._message(row, message))

    def warn(self, row: Row, message: str) -> None:
        self.preview.warnings.append(self._message(row, message))

    def column(self, row: Row, key: str) -> str:
        for column in COLUMNS[self.kind]:
            if column.key == key:
                return row.labels.get(key) or str(column.label)
        return key

    # Cells
    def date(self, row: Row, key: str) -> datetime.date | None:
        try:
            return parse_date(row.values.get(key))
        except ValueError as exc:
            self.error(row, _("column “%(column)s”: %(error)s") % {"column": self.column(row, key), "error": exc})
            return None

    def choice(self, row: Row, key: str, words: dict[str, str], choices, default: str = "") -> str:
        text = row.text(key)
        if not text:
            return default
        value = words.get(normalise_header(text))
        if value is None:
            self.error(
                row,
                _("column “%(column)s”: “%(value)s” is not one of: %(choices)s.")
                % {
                    "column": self.column(row, key),
                    "value": text,
                    "choices": ", ".join(str(choice.label) for choice in choices),
                },
            )
        return value or default

    def length(self, row: Row, key: str, text: str, model, field_name: str) -> None:
        limit = model._meta.get_field(field_name).max_length
        if limit and len(text) > limit:
            self.error(
                row,
                _("column “%(column)s”: the text is too long (at most %(limit)s characters).")
                % {"column": self.column(row, key), "limit": limit},
            )

    def process(self, row: Row, *, required: bool = True) -> Process | None:
        code = row.text("process")
        if not code:
            if required:
                self.error(row, _("the process is missing."))
            return None
        process = self.processes.get(code.casefold())
        if process is None:
            self.error(row, _("no process has the code “%(code)s”.") % {"code": code})
            return None
        if process.pk not in self.editable:
            self.editable[process.pk] = can_edit_process(self.user, process)
        if not self.editable[process.pk]:
            self.error(row, _("you may not edit process %(code)s.") % {"code": process.code})
            return None
        return process

    def run(self) -> ImportPreview:
        if not self.rows:
            self.preview.errors.append(ImportMessage(None, _("The file has a header row but no data below it.")))
            return self.preview
        for row in self.rows:
            errors_before = len(self.preview.errors)
            planned = self.row(row)
            if planned is not None and len(self.preview.errors) == errors_before:
                self.preview.rows.append(planned)
        return self.preview

    def row(self, row: Row) -> PlannedRow | None:  # pragma: no cover - each analyser defines it
        raise NotImplementedError

    @staticmethod
    def compare(target: Any, values: dict[str, Any], labels: dict[str, str]) -> list[str]:
        changes = []
        for name, value in values.items():
            old = getattr(target, name)
            if old != value:
                changes.append(f"{labels.get(name, name)}: {_display(old)} → {_display(value)}")
        return changes


# --- The risk register ----------------------------------------------------------------------------------------------


class RiskAnalyser(_Analyser):
    kind = ImportKind.RISKS

    def __init__(self, payload: dict[str, Any], user: User):
        super().__init__(payload, user)
        references = {row.text("reference").casefold() for row in self.rows if row.text("reference")}
        process_ids = [p.pk for p in self.processes.values()]
        risks = Risk.objects.annotate(ref_l=Lower("reference")).filter(
            Q(ref_l__in=references) | Q(process__in=process_ids)
        )
        self.by_reference = {risk.reference.casefold(): risk for risk in risks}
        self.by_text = {(risk.process_id, " ".join(risk.description.casefold().split())): risk for risk in risks}
        self.kinds = _words(RiskKind, KIND_WORDS)
        self.treatments = _words(RiskTreatment, TREATMENT_WORDS)
        self.seen: dict[str, int] = {}
        self.labels = {f.name: str(f.verbose_name) for f in Risk._meta.get_fields() if hasattr(f, "verbose_name")}

    def score(self, row: Row, key: str, *, required: bool) -> int | None:
        text = row.text(key)
        if not text:
            if required:
                self.error(row, _("column “%(column)s” is empty.") % {"column": self.column(row, key)})
            return None
        value = parse_score(text)
        if value is None:
            self.error(
                row,
                _("column “%(column)s”: “%(value)s” is not a score from 1 to 4.")
                % {"column": self.column(row, key), "value": text},
            )
        return value

    def row(self, row: Row) -> PlannedRow | None:
        process = self.process(row)
        description = row.text("description")
        if not description:
            self.error(row, _("the description is empty."))
        reference = row.text("reference")
        self.length(row, "reference", reference, Risk, "reference")
        values: dict[str, Any] = {
            "kind": self.choice(row, "kind", self.kinds, RiskKind, RiskKind.RISK),
            "description": description,
            "likelihood": self.score(row, "likelihood", required=True),
            "severity": self.score(row, "severity", required=True),
        }
        for key in ("cause", "consequence"):
            if key in self.present:
                values[key] = row.text(key)
        if "treatment" in self.present:
            values["treatment"] = self.choice(row, "treatment", self.treatments, RiskTreatment)
        for key in ("residual_likelihood", "residual_severity"):
            if key in self.present:
                values[key] = self.score(row, key, required=False)
        if ("residual_likelihood" in values) != ("residual_severity" in values) or (
            values.get("residual_likelihood") is None
        ) != (values.get("residual_severity") is None):
            self.error(row, _("give both residual scores (likelihood and severity), or neither."))
        if "review_on" in self.present:
            values["review_on"] = self.date(row, "review_on")
        if process is None or not description:
            return None
        key = reference.casefold() or f"{process.pk}:{' '.join(description.casefold().split())}"
        if key in self.seen:
            self.error(row, _("the same risk is already on line %(other)s.") % {"other": self.seen[key]})
            return None
        self.seen[key] = row.line
        risk = self.by_reference.get(reference.casefold()) if reference else None
        if risk is None:
            risk = self.by_text.get((process.pk, " ".join(description.casefold().split())))
            if risk is not None and reference and risk.reference.casefold() != reference.casefold():
                risk = None
        if risk is not None and risk.process_id != process.pk:
            self.error(
                row,
                _("risk %(reference)s belongs to process %(code)s, not to this one.")
                % {"reference": risk.reference, "code": risk.process.code},
            )
            return None
        label = f"{process.code} — {description[:80]}"
        if risk is None:
            return PlannedRow(row.line, "create", label, values={**values, "process": process, "reference": reference})
        if risk.is_archived:
            self.warn(row, _("risk %(reference)s is archived: it is left as it is.") % {"reference": risk.reference})
            return PlannedRow(row.line, "unchanged", label, target=risk)
        changes = self.compare(risk, values, self.labels)
        return PlannedRow(row.line, "update" if changes else "unchanged", label, changes, risk, values)


# --- The document list ---------------------------------------------------------------------------------------------


class DocumentAnalyser(_Analyser):
    kind = ImportKind.DOCUMENTS

    def __init__(self, payload: dict[str, Any], user: User):
        super().__init__(payload, user)
        references = {row.text("reference").casefold() for row in self.rows if row.text("reference")}
        documents = (
            Document.objects.annotate(ref_l=Lower("reference"))
            .filter(ref_l__in=references)
            .select_related("process", "owner")
            .prefetch_related("versions")
        )
        self.documents = {document.reference.casefold(): document for document in documents}
        self.types = _words(DocumentType, TYPE_WORDS)
        self.origins = _words(DocumentOrigin, ORIGIN_WORDS)
        self.owners = users_named({row.text("owner") for row in self.rows}) if "owner" in self.present else {}
        self.seen: dict[str, int] = {}
        self.labels = {f.name: str(f.verbose_name) for f in Document._meta.get_fields() if hasattr(f, "verbose_name")}

    def owner(self, row: Row) -> User | None:
        text = row.text("owner")
        if not text:
            return None
        matches = self.owners.get(text.casefold(), [])
        if len(matches) == 1:
            return matches[0]
        message = (
            _("owner “%(owner)s” matches several people: none is set.")
            if matches
            else _("owner “%(owner)s” matches no user: none is set.")
        )
        self.warn(row, message % {"owner": text})
        return None

    def row(self, row: Row) -> PlannedRow | None:
        reference, title = row.text("reference"), row.text("title")
        if not reference:
            self.error(row, _("the reference is empty."))
        if not title:
            self.error(row, _("the title is empty."))
        self.length(row, "reference", reference, Document, "reference")
        self.length(row, "title", title, Document, "title")
        process = self.process(row, required=False) if "process" in self.present else None
        values: dict[str, Any] = {"title": title}
        if "doc_type" in self.present:
            values["doc_type"] = self.choice(row, "doc_type", self.types, DocumentType, DocumentType.PROCEDURE)
        if "origin" in self.present:
            values["origin"] = self.choice(row, "origin", self.origins, DocumentOrigin, DocumentOrigin.INTERNAL)
        if "issuer" in self.present:
            values["issuer"] = row.text("issuer")
            self.length(row, "issuer", values["issuer"], Document, "issuer")
        if values.get("origin") == DocumentOrigin.EXTERNAL and not values.get("issuer"):
            self.error(row, _("an external document needs its issuer."))
        if "process" in self.present and process is not None:
            values["process"] = process
        if "owner" in self.present and row.text("owner"):
            # An owner the file names but nobody matches is left as it is (a warning says so).
            owner = self.owner(row)
            if owner is not None:
                values["owner"] = owner
        if "link" in self.present:
            values["authoritative_url"] = row.text("link")
            if values["authoritative_url"] and not re.match(r"^https?://", values["authoritative_url"]):
                self.error(row, _("the link must start with http:// or https://."))
        if "review_period_months" in self.present and row.text("review_period_months"):
            months = parse_decimal(row.text("review_period_months"))
            if months is None or months != int(months) or not 1 <= months <= 120:
                self.error(row, _("the review period is a number of months from 1 to 120."))
            else:
                values["review_period_months"] = int(months)
        number = row.text("version")
        self.length(row, "version", number, DocumentVersion, "number")
        version_date = self.date(row, "version_date") if "version_date" in self.present else None
        if version_date and version_date > self.today:
            self.error(row, _("the version date is in the future."))
        if not reference or not title:
            return None
        if reference.casefold() in self.seen:
            self.error(
                row,
                _("reference “%(reference)s” is already on line %(other)s.")
                % {"reference": reference, "other": self.seen[reference.casefold()]},
            )
            return None
        self.seen[reference.casefold()] = row.line
        document = self.documents.get(reference.casefold())
        label = f"{reference} — {title[:80]}"
        if document is None:
            if process is None and not (self.user.is_authenticated and self._may_create_without_process()):
                self.error(row, _("give the process of this new document."))
                return None
            values.update(reference=reference, version=number, version_date=version_date)
            return PlannedRow(row.line, "create", label, values=values)
        if not can_edit_document(self.user, document):
            self.error(row, _("you may not edit document %(reference)s.") % {"reference": document.reference})
            return None
        changes = self.compare(document, values, self.labels)
        if number:
            versions = {v.number.casefold(): v for v in document.versions.all()}
            existing = versions.get(number.casefold())
            if existing is None:
                changes.append(_("new approved version %(number)s") % {"number": number})
            elif existing.status != VersionStatus.APPROVED:
                self.warn(
                    row,
                    _("version %(number)s exists and is “%(status)s”: it is left as it is.")
                    % {"number": number, "status": existing.get_status_display()},
                )
        values.update(version=number, version_date=version_date)
        return PlannedRow(row.line, "update" if changes else "unchanged", label, changes, document, values)

    def _may_create_without_process(self) -> bool:
        from qms.core.selectors import is_quality_manager

        return is_quality_manager(self.user)


# --- The history of measurements ------------------------------------------------------------------------------------


class MeasurementAnalyser(_Analyser):
    kind = ImportKind.MEASUREMENTS

    def __init__(self, payload: dict[str, Any], user: User):
        super().__init__(payload, user)
        names = {row.text("indicator").casefold() for row in self.rows if row.text("indicator")}
        indicators = (
            Indicator.objects.annotate(name_l=Lower("name"))
            .filter(name_l__in=names)
            .select_related("process", "owner")
            .prefetch_related("process__deputies")
        )
        self.indicators: dict[str, list[Indicator]] = {}
        for indicator in indicators:
            self.indicators.setdefault(indicator.name.casefold(), []).append(indicator)
        self.measurements = {
            (m.indicator_id, m.period_start): m for m in Measurement.objects.filter(indicator__in=list(indicators))
        }
        self.seen: dict[tuple[int, datetime.date], int] = {}
        self.can_edit: dict[int, bool] = {}

    def indicator(self, row: Row) -> Indicator | None:
        name, code = row.text("indicator"), row.text("process")
        candidates = self.indicators.get(name.casefold(), [])
        if code:
            candidates = [i for i in candidates if i.process.code.casefold() == code.casefold()]
        if not candidates:
            self.error(row, _("no indicator is called “%(name)s”.") % {"name": name})
            return None
        if len(candidates) > 1:
            self.error(
                row, _("several processes have an indicator called “%(name)s”: give the process.") % {"name": name}
            )
            return None
        indicator = candidates[0]
        if indicator.pk not in self.can_edit:
            from processes.permissions import can_edit_indicator

            self.can_edit[indicator.pk] = can_edit_indicator(self.user, indicator)
        if not self.can_edit[indicator.pk]:
            self.error(row, _("you may not enter the measurements of “%(name)s”.") % {"name": indicator.name})
            return None
        if indicator.source == IndicatorSource.METRIC:
            self.error(row, _("“%(name)s” is computed: its values are not imported.") % {"name": indicator.name})
            return None
        return indicator

    def number(self, row: Row, key: str, *, required: bool = False) -> Decimal | None:
        text = row.text(key)
        if not text:
            if required:
                self.error(row, _("column “%(column)s” is empty.") % {"column": self.column(row, key)})
            return None
        value = parse_decimal(text)
        if value is None or abs(value) >= Decimal("1e10"):
            self.error(
                row,
                _("column “%(column)s”: “%(value)s” is not a number.")
                % {"column": self.column(row, key), "value": text},
            )
        return value

    def row(self, row: Row) -> PlannedRow | None:
        if not row.text("indicator"):
            self.error(row, _("the indicator is empty."))
            return None
        indicator = self.indicator(row)
        value = self.number(row, "value", required=True)
        numerator = self.number(row, "numerator") if "numerator" in self.present else None
        denominator = self.number(row, "denominator") if "denominator" in self.present else None
        if denominator == 0:
            self.error(row, _("the denominator cannot be zero."))
        if indicator is None:
            return None
        period = parse_period(row.text("period"), indicator.frequency)
        if period is None:
            self.error(
                row,
                _("“%(value)s” is not a period: write a date, 2025-03, T1 2025, 2024-2025 or 2025.")
                % {"value": row.text("period")},
            )
            return None
        if period.start > self.today:
            self.error(row, _("this period has not started yet."))
        key = (indicator.pk, period.start)
        if key in self.seen:
            self.error(
                row, _("this period of this indicator is already on line %(other)s.") % {"other": self.seen[key]}
            )
            return None
        self.seen[key] = row.line
        label = f"{indicator.process.code} — {indicator.name} — {period_label(indicator.frequency, period)}"
        values = {
            "value": value,
            "numerator": numerator,
            "denominator": denominator,
            "comment": row.text("comment") if "comment" in self.present else "",
        }
        measurement = self.measurements.get(key)
        values_out = {**values, "indicator": indicator, "period": period}
        if measurement is None:
            return PlannedRow(row.line, "create", label, values=values_out)
        if measurement.origin == MeasurementOrigin.COMPUTED:
            self.error(row, _("this period holds a computed snapshot."))
            return None
        changes = [
            f"{name}: {_display(getattr(measurement, name))} → {_display(new)}"
            for name, new in values.items()
            if (name != "comment" or "comment" in self.present) and getattr(measurement, name) != new
        ]
        return PlannedRow(row.line, "update" if changes else "unchanged", label, changes, measurement, values_out)


ANALYSERS: dict[str, Callable[[dict[str, Any], User], _Analyser]] = {
    ImportKind.RISKS: RiskAnalyser,
    ImportKind.DOCUMENTS: DocumentAnalyser,
    ImportKind.MEASUREMENTS: MeasurementAnalyser,
}


def analyse(kind: str, payload: dict[str, Any], user: User) -> ImportPreview:
    """What importing ``payload`` would do, read in a fixed number of queries. Writes nothing."""
    return ANALYSERS[kind](payload, user).run()


# --- Applying ---------------------------------------------------------------------------------------------------------


def apply(preview: ImportPreview, by: User) -> dict[str, int]:
    """Apply an analysed preview without errors. Called inside ``services.import_confirm``'s transaction."""
    from processes import services

    if preview.has_errors:
        raise services.ProcessMapError(_("The file has errors: correct them and send it again."))
    for planned in preview.rows:
        if planned.op == "unchanged":
            continue
        if preview.kind == ImportKind.RISKS:
            _apply_risk(planned, by)
        elif preview.kind == ImportKind.DOCUMENTS:
            _apply_document(planned, by)
        else:
            _apply_measurement(planned, by)
    return {
        "created": len(preview.creates),
        "updated": len(preview.updates),
        "unchanged": len(preview.unchanged),
    }


def _apply_risk(planned: PlannedRow, by: User) -> None:
    from processes import services

    values = dict(planned.values)
    if planned.op == "create":
        process, reference = values.pop("process"), values.pop("reference")
        services.risk_create(process=process, by=by, reference=reference, **values)
    else:
        services.risk_update(risk=planned.target, by=by, **values)


def _apply_document(planned: PlannedRow, by: User) -> None:
    from processes import services

    values = dict(planned.values)
    number, version_date = values.pop("version", ""), values.pop("version_date", None)
    if planned.op == "create":
        document = services.document_create(by=by, **values)
    else:
        document = planned.target
        services.document_update(document=document, by=by, **values)
    if number and not document.versions.filter(number__iexact=number).exists():
        _record_current_version(document, number, version_date, by)


def _record_current_version(document: Document, number: str, day: datetime.date | None, by: User) -> None:
    """The version in force, as the office's list records it: approved on its date, the previous one obsolete."""
    from processes import services
    from qms.core.services import log_activity
    from qms.core.workflow import record_status

    approved_at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12, 0))) if day else timezone.now()
    previous = document.versions.filter(status=VersionStatus.APPROVED).first()
    if previous is not None:
        services.version_withdraw(
            version=previous, by=by, note=_("Superseded by version %(number)s (import).") % {"number": number}
        )
    version = DocumentVersion.objects.create(
        document=document,
        number=number,
        link=document.authoritative_url,
        issued_on=day,
        status=VersionStatus.APPROVED,
        approved_at=approved_at,
        change_summary=_("Recorded by the import of the document list."),
    )
    record_status(version, "", VersionStatus.APPROVED, by=by, note=_("Imported as the version in force."))
    reviewed = timezone.localdate(approved_at)
    document.last_reviewed_on = reviewed
    document.next_review_on = services._next_review(document, reviewed)
    document.save(update_fields=["last_reviewed_on", "next_review_on", "updated_at"])
    log_activity(obj=document, verb="version imported", by=by, details={"version": number})


def _apply_measurement(planned: PlannedRow, by: User) -> None:
    from processes import services

    values = dict(planned.values)
    indicator, period = values.pop("indicator"), values.pop("period")
    services.measurement_record(
        indicator=indicator,
        by=by,
        period_start=period.start,
        origin=MeasurementOrigin.IMPORTED,
        **values,
    )

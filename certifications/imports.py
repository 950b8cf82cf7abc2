"""Importing what a quality office already keeps in spreadsheets: a framework (reference, parent, title), the
register of certifications and certificates, and a self-assessment made against a framework.

Each kind goes upload → preview → confirm, as the action plans' import does: ``read_import_file`` reads a CSV or
XLSX file (through ``qms.core.spreadsheets``) into a JSON-safe payload kept in a ``CertificationImport`` row;
``analyse`` says, row by row with its line number, what would be created, updated or left as it is, and every
error; the services apply the payload again analysed inside one transaction, all or nothing. Importing the same
file again changes nothing.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from dateutil.relativedelta import relativedelta
from django.db.models import Q
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from certifications.choices import ComplianceStatus, ImportKind
from certifications.models import Certificate, Certification, CertificationImport, Framework
from qms.core.models import OrgUnit, User
from qms.core.selectors import users_named
from qms.core.spreadsheets import Column, Row, cell_text, normalise_header, parse_date, read_table

FRAMEWORK_COLUMNS = (
    Column(
        "reference",
        gettext_lazy("Reference"),
        ("référence", "reference", "réf", "ref", "code", "numéro", "number", "n°", "indicateur", "critère"),
        required=True,
    ),
    Column("parent", gettext_lazy("Parent"), ("parent", "référence parente", "parent reference", "sous", "under")),
    Column("title", gettext_lazy("Title"), ("titre", "title", "intitulé", "libellé", "label"), required=True),
    Column("statement", gettext_lazy("Statement"), ("énoncé", "statement", "description", "texte", "text")),
    Column("guidance", gettext_lazy("Guidance"), ("guide", "guidance", "notes", "note", "commentaire")),
)

REGISTER_COLUMNS = (
    Column(
        "name",
        gettext_lazy("Certification"),
        ("certification", "label", "nom", "name", "intitulé", "certification ou label"),
        required=True,
    ),
    Column("framework", gettext_lazy("Framework"), ("référentiel", "framework", "code du référentiel"), required=True),
    Column("version", gettext_lazy("Version"), ("version", "version du référentiel")),
    Column(
        "holder",
        gettext_lazy("Holder unit"),
        ("unité", "holder", "composante", "service", "titulaire", "unit", "périmètre organisationnel"),
        required=True,
    ),
    Column("owner", gettext_lazy("Owner"), ("responsable", "owner", "pilote", "référent")),
    Column("scope", gettext_lazy("Scope"), ("périmètre", "scope", "champ")),
    Column(
        "body", gettext_lazy("Certifying body"), ("organisme", "organisme certificateur", "certifying body", "body")
    ),
    Column("level", gettext_lazy("Level"), ("niveau", "level", "étoiles")),
    Column(
        "number", gettext_lazy("Certificate number"), ("numéro", "n° de certificat", "certificate number", "number")
    ),
    Column(
        "issued_on",
        gettext_lazy("Date of issue"),
        ("date de délivrance", "délivré le", "date of issue", "issued on", "date d'obtention"),
        required=True,
    ),
    Column("valid_from", gettext_lazy("Valid from"), ("valable du", "valid from", "début de validité", "du")),
    Column(
        "valid_until",
        gettext_lazy("Valid until"),
        ("valable jusqu'au", "valid until", "fin de validité", "échéance", "expiration", "au"),
    ),
)

SELF_ASSESSMENT_COLUMNS = (
    Column(
        "reference",
        gettext_lazy("Reference"),
        ("référence", "reference", "réf", "ref", "indicateur", "critère", "exigence", "requirement"),
        required=True,
    ),
    Column("status", gettext_lazy("Status"), ("statut", "status", "conformité", "évaluation", "état"), required=True),
    Column("comment", gettext_lazy("Comment"), ("commentaire", "comment", "observations", "remarques")),
    Column("owner", gettext_lazy("Owner"), ("responsable", "owner", "pilote", "porteur")),
    Column("justification", gettext_lazy("Justification"), ("justification", "motif", "raison", "reason")),
)

COLUMNS = {
    ImportKind.FRAMEWORK: FRAMEWORK_COLUMNS,
    ImportKind.REGISTER: REGISTER_COLUMNS,
    ImportKind.SELF_ASSESSMENT: SELF_ASSESSMENT_COLUMNS,
}

_STATUS_WORDS = {
    ComplianceStatus.NOT_ASSESSED: ("non évalué", "à évaluer", "non renseigné", "not assessed", "todo", "?"),
    ComplianceStatus.COMPLIANT: ("conforme", "oui", "ok", "c", "compliant", "yes", "atteint", "satisfait"),
    ComplianceStatus.PARTIAL: (
        "partiel",
        "partiellement",
        "partiellement conforme",
        "en partie",
        "pc",
        "partial",
        "partially",
        "partiellement atteint",
    ),
    ComplianceStatus.NON_COMPLIANT: ("non conforme", "non", "nc", "non-compliant", "no", "non atteint"),
    ComplianceStatus.NOT_APPLICABLE: ("non applicable", "na", "n/a", "sans objet", "not applicable", "so"),
}


def status_aliases() -> dict[str, str]:
    """Every word read as a compliance status (normalised), in French and English, to its value."""
    aliases: dict[str, str] = {}
    for status, words in _STATUS_WORDS.items():
        for word in (*words, status.value, status.value.replace("_", " ")):
            aliases[normalise_header(word)] = status.value
    for language in ("fr", "en"):
        with translation.override(language):
            for status in ComplianceStatus:
                aliases[normalise_header(str(status.label))] = status.value
    return aliases


# --- Reading ------------------------------------------------------------------------------------------------------


def read_import_file(kind: str, source: Any, *, filename: str = "") -> dict[str, Any]:
    """Read a CSV or XLSX file of ``kind`` into a JSON-safe payload. Raises ``SpreadsheetError`` (translated)."""
    table = read_table(source, columns=COLUMNS[kind])
    return {
        "filename": filename,
        "format": table.format,
        "columns": table.keys,
        "headers": table.headers,
        "ignored_headers": table.ignored_headers,
        "rows": [
            {"line": row.line, "values": {key: cell_text(row.values.get(key)) for key in table.keys}}
            for row in table.rows
        ],
    }


# --- Analysing ----------------------------------------------------------------------------------------------------


@dataclass
class ImportMessage:
    line: int | None
    message: str


@dataclass
class RowPlan:
    """What the import does with one row: create, update or leave unchanged, with what it would write."""

    line: int
    op: str  # "create", "update" or "unchanged"
    label: str
    changes: list[str] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)
    target: Any = None


@dataclass
class ImportPreview:
    kind: str
    columns: list[str]
    rows: list[RowPlan] = field(default_factory=list)
    errors: list[ImportMessage] = field(default_factory=list)
    warnings: list[ImportMessage] = field(default_factory=list)
    ignored_headers: list[str] = field(default_factory=list)

    @property
    def creates(self) -> list[RowPlan]:
        return [row for row in self.rows if row.op == "create"]

    @property
    def updates(self) -> list[RowPlan]:
        return [row for row in self.rows if row.op == "update"]

    @property
    def unchanged(self) -> list[RowPlan]:
        return [row for row in self.rows if row.op == "unchanged"]

    @property
    def has_errors(self) -> bool:
        return bool(self.errors)

    @property
    def changes_anything(self) -> bool:
        return bool(self.creates or self.updates)

    @property
    def column_labels(self) -> list[str]:
        labels = {column.key: str(column.label) for column in COLUMNS[self.kind]}
        return [labels[key] for key in self.columns if key in labels]

    def error(self, line: int | None, message: str) -> None:
        self.errors.append(ImportMessage(line, message))

    def warn(self, line: int | None, message: str) -> None:
        self.warnings.append(ImportMessage(line, message))


def _rows(payload: dict[str, Any]) -> list[Row]:
    headers = payload.get("headers", {})
    return [Row(line=item["line"], values=item["values"], labels=headers) for item in payload.get("rows", [])]


def _line_message(row: Row, message: str) -> str:
    return _("Line %(line)s: %(message)s") % {"line": row.line, "message": message}


def _date(row: Row, key: str, preview: ImportPreview) -> datetime.date | None:
    try:
        return parse_date(row.values.get(key) or None)
    except ValueError as error:
        column = row.labels.get(key, key)
        preview.error(
            row.line,
            _("Line %(line)s, column “%(column)s”: %(message)s")
            % {"line": row.line, "column": column, "message": error},
        )
        return None


def _person(text: str, people: dict[str, list[User]], row: Row, preview: ImportPreview) -> User | None:
    if not text:
        return None
    matches = people.get(text.casefold(), [])
    if len(matches) == 1:
        return matches[0]
    if matches:
        preview.error(row.line, _line_message(row, _("“%(name)s” matches several people.") % {"name": text}))
    else:
        preview.error(row.line, _line_message(row, _("“%(name)s” matches no user.") % {"name": text}))
    return None


def _display(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, datetime.date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    return str(value)


def _change(label: Any, old: Any, new: Any) -> str:
    return f"{label} : {_display(old)} → {_display(new)}"


# A framework ------------------------------------------------------------------------------------------------------


def analyse_framework(payload: dict[str, Any], framework: Framework | None) -> ImportPreview:
    """Rows of a framework file against ``framework`` (None: a new framework). Parents are named by reference,
    in the file or already in the framework; a cycle or an unknown parent is an error."""
    preview = ImportPreview(
        ImportKind.FRAMEWORK, list(payload.get("columns", [])), ignored_headers=list(payload.get("ignored_headers", []))
    )
    if framework is not None and framework.is_reference:
        preview.error(None, _("This framework is reference data: it changes with its data file, not by import."))
        return preview
    existing = {r.reference: r for r in framework.requirements.select_related("parent")} if framework else {}
    rows = _rows(payload)
    seen: dict[str, int] = {}
    parents: dict[str, str] = {}
    for row in rows:
        reference = row.text("reference").strip()
        title = row.text("title").strip()
        if not reference:
            preview.error(row.line, _line_message(row, _("the reference is empty.")))
            continue
        if reference in seen:
            preview.error(
                row.line,
                _line_message(
                    row,
                    _("reference “%(reference)s” already appears on line %(other)s.")
                    % {"reference": reference, "other": seen[reference]},
                ),
            )
            continue
        seen[reference] = row.line
        if not title:
            preview.error(row.line, _line_message(row, _("the title is empty.")))
        if len(reference) > 50 or len(title) > 500:
            preview.error(row.line, _line_message(row, _("the reference or the title is too long.")))
        parent = row.text("parent").strip()
        if parent:
            parents[reference] = parent
        values = {
            "reference": reference,
            "title": title,
            "parent": parent,
            "statement": row.text("statement").strip(),
            "guidance": row.text("guidance").strip(),
        }
        current = existing.get(reference)
        if current is None:
            preview.rows.append(RowPlan(row.line, "create", f"{reference} {title}", values=values))
            continue
        changes = []
        current_parent = current.parent.reference if current.parent_id else ""
        if "parent" in preview.columns and parent != current_parent:
            changes.append(_change(_("Parent"), current_parent, parent))
        for key, label in (("title", _("Title")), ("statement", _("Statement")), ("guidance", _("Guidance"))):
            if key in preview.columns and values[key] != getattr(current, key):
                changes.append(_change(label, getattr(current, key), values[key]))
        op = "update" if changes else "unchanged"
        preview.rows.append(
            RowPlan(row.line, op, f"{reference} {title}", changes=changes, values=values, target=current)
        )
    # Parents must exist, and the tree must have no cycle.
    known = set(seen) | set(existing)
    for reference, parent in parents.items():
        if parent not in known:
            preview.error(
                seen[reference],
                _("Line %(line)s: the parent “%(parent)s” is neither in the file nor in the framework.")
                % {"line": seen[reference], "parent": parent},
            )
        elif parent == reference:
            preview.error(
                seen[reference], _("Line %(line)s: a requirement cannot be its own parent.") % {"line": seen[reference]}
            )
    for reference in parents:
        chain, current = set(), reference
        while current in parents and current not in chain:
            chain.add(current)
            current = parents[current]
        if current in chain and current == reference:
            preview.error(
                seen[reference],
                _("Line %(line)s: “%(reference)s” would sit under itself.")
                % {"line": seen[reference], "reference": reference},
            )
    if not rows:
        preview.error(None, _("The file has no row."))
    return preview


# The register -----------------------------------------------------------------------------------------------------


def _find_unit(text: str) -> OrgUnit | None:
    units = list(OrgUnit.objects.filter(Q(code__iexact=text) | Q(name__iexact=text))[:2])
    return units[0] if len(units) == 1 else None


def _find_framework(code: str, version: str) -> Framework | None:
    frameworks = Framework.objects.filter(Q(code__iexact=code) | Q(name__iexact=code))
    if version:
        return frameworks.filter(version__iexact=version).first()
    return frameworks.order_by("-effective_from", "-pk").first()


def analyse_register(payload: dict[str, Any]) -> ImportPreview:
    """Rows of the register: one certificate per row, its certification matched on framework and name (made
    when new), its certificate on its number (or its date of issue when it has none)."""
    preview = ImportPreview(
        ImportKind.REGISTER, list(payload.get("columns", [])), ignored_headers=list(payload.get("ignored_headers", []))
    )
    rows = _rows(payload)
    people = users_named({row.text("owner").strip() for row in rows})
    seen: dict[tuple, int] = {}
    planned: dict[tuple, list] = {}
    for row in rows:
        name = row.text("name").strip()
        code = row.text("framework").strip()
        holder_text = row.text("holder").strip()
        if not name or not code or not holder_text:
            preview.error(
                row.line, _line_message(row, _("the certification, the framework and the unit are required."))
            )
            continue
        framework = _find_framework(code, row.text("version").strip())
        if framework is None:
            preview.error(row.line, _line_message(row, _("no framework “%(code)s” is known.") % {"code": code}))
            continue
        holder = _find_unit(holder_text)
        if holder is None:
            preview.error(
                row.line, _line_message(row, _("no single unit is named “%(unit)s”.") % {"unit": holder_text})
            )
            continue
        owner = _person(row.text("owner").strip(), people, row, preview)
        issued_on = _date(row, "issued_on", preview)
        valid_from = _date(row, "valid_from", preview)
        valid_until = _date(row, "valid_until", preview)
        if issued_on is None:
            if not any(e.line == row.line for e in preview.errors):
                preview.error(row.line, _line_message(row, _("the date of issue is required.")))
            continue
        if issued_on > timezone.localdate():
            preview.error(row.line, _line_message(row, _("the date of issue cannot be in the future.")))
            continue
        certification = Certification.objects.filter(framework__code=framework.code, name__iexact=name).first()
        number = row.text("number").strip()
        key = (framework.code, name.casefold(), number or issued_on.isoformat())
        if key in seen:
            preview.error(
                row.line, _line_message(row, _("the same certificate is on line %(other)s.") % {"other": seen[key]})
            )
            continue
        seen[key] = row.line
        # The certificates issued before this one, recorded or earlier in the file: a renewal follows the last.
        earlier = [
            (c.issued_on, c.valid_until)
            for c in (certification.certificates.all() if certification is not None else [])
            if c.issued_on < issued_on and (not number or c.number != number)
        ]
        earlier += [dates for other, dates in planned.get(key[:2], []) if dates[0] < issued_on]
        if valid_from is None:
            valid_from = issued_on
            latest_until = max((until for _issued, until in earlier), default=None)
            if framework.renewal_takes_effect_after_expiry and latest_until and latest_until >= issued_on:
                valid_from = latest_until + datetime.timedelta(days=1)
        if valid_until is None and framework.certificate_validity_months:
            valid_until = (
                valid_from + relativedelta(months=framework.certificate_validity_months) - datetime.timedelta(days=1)
            )
        if valid_until is None:
            preview.error(
                row.line,
                _line_message(row, _("give the end of validity: this framework does not say how long it lasts.")),
            )
            continue
        if valid_until < valid_from:
            preview.error(row.line, _line_message(row, _("the certificate ends before it starts.")))
            continue
        values = {
            "name": name,
            "framework": framework.pk,
            "holder": holder.pk,
            "owner": owner.pk if owner else None,
            "scope": row.text("scope").strip(),
            "certifying_body": row.text("body").strip(),
            "level": row.text("level").strip(),
            "number": number,
            "issued_on": issued_on.isoformat(),
            "valid_from": valid_from.isoformat(),
            "valid_until": valid_until.isoformat(),
        }
        planned.setdefault(key[:2], []).append((key, (issued_on, valid_until)))
        label = f"{name} — {number or _display(issued_on)}"
        if certification is None:
            preview.rows.append(RowPlan(row.line, "create", label, values=values))
            continue
        certificates = Certificate.objects.filter(certification=certification)
        certificate = (
            certificates.filter(number=number).first() if number else certificates.filter(issued_on=issued_on).first()
        )
        changes = []
        for key_name, column, label_text, current in (
            ("scope", "scope", _("Scope"), certification.scope),
            ("certifying_body", "body", _("Certifying body"), certification.certifying_body),
            ("level", "level", _("Level"), certification.level),
        ):
            # An empty cell leaves what the register holds.
            if column in preview.columns and values[key_name] and values[key_name] != current:
                changes.append(_change(label_text, current, values[key_name]))
        if certificate is None:
            changes.append(_("New certificate %(number)s") % {"number": number or _display(issued_on)})
        else:
            for key_name, label_text in (
                ("issued_on", _("Date of issue")),
                ("valid_from", _("Valid from")),
                ("valid_until", _("Valid until")),
            ):
                new = datetime.date.fromisoformat(values[key_name])
                if getattr(certificate, key_name) != new:
                    changes.append(_change(label_text, getattr(certificate, key_name), new))
        preview.rows.append(
            RowPlan(
                row.line,
                "update" if changes else "unchanged",
                label,
                changes=changes,
                values=values,
                target=certification,
            )
        )
    if not rows:
        preview.error(None, _("The file has no row."))
    return preview


# A self-assessment ------------------------------------------------------------------------------------------------


def analyse_self_assessment(payload: dict[str, Any], certification: Certification) -> ImportPreview:
    """Rows of a self-assessment against ``certification``'s version: each names a leaf requirement by its
    reference, with a status in French or English, and optionally a comment, an owner and a justification."""
    preview = ImportPreview(
        ImportKind.SELF_ASSESSMENT,
        list(payload.get("columns", [])),
        ignored_headers=list(payload.get("ignored_headers", [])),
    )
    requirements = {r.reference.casefold(): r for r in certification.framework.requirements.all()}
    assessments = {a.requirement_id: a for a in certification.assessments.select_related("owner")}
    aliases = status_aliases()
    rows = _rows(payload)
    people = users_named({row.text("owner").strip() for row in rows})
    seen: dict[int, int] = {}
    for row in rows:
        reference = row.text("reference").strip()
        requirement = requirements.get(reference.casefold())
        if requirement is None:
            preview.error(
                row.line,
                _line_message(row, _("no requirement “%(reference)s” in this framework.") % {"reference": reference}),
            )
            continue
        if not requirement.is_leaf:
            preview.error(
                row.line,
                _line_message(
                    row,
                    _("“%(reference)s” is not assessed itself: assess its sub-requirements.")
                    % {"reference": reference},
                ),
            )
            continue
        if requirement.pk in seen:
            preview.error(
                row.line,
                _line_message(
                    row,
                    _("“%(reference)s” is already on line %(other)s.")
                    % {"reference": reference, "other": seen[requirement.pk]},
                ),
            )
            continue
        seen[requirement.pk] = row.line
        status_text = row.text("status").strip()
        status = aliases.get(normalise_header(status_text))
        if status is None:
            preview.error(row.line, _line_message(row, _("“%(status)s” is not a status.") % {"status": status_text}))
            continue
        justification = row.text("justification").strip()
        current = assessments.get(requirement.pk)
        if status == ComplianceStatus.NOT_APPLICABLE and not justification and not (current and current.justification):
            preview.error(row.line, _line_message(row, _("say why this requirement does not apply.")))
            continue
        owner = _person(row.text("owner").strip(), people, row, preview) if "owner" in preview.columns else None
        values = {
            "requirement": requirement.pk,
            "status": status,
            "comment": row.text("comment").strip()
            if "comment" in preview.columns
            else (current.comment if current else ""),
            "justification": justification or (current.justification if current else ""),
            "owner": owner.pk if owner else (current.owner_id if current and "owner" not in preview.columns else None),
        }
        label = f"{requirement.reference} {requirement.label}"
        if current is None:
            preview.rows.append(RowPlan(row.line, "create", label, values=values, target=requirement))
            continue
        changes = []
        if current.status != status:
            changes.append(_change(_("Status"), current.get_status_display(), ComplianceStatus(status).label))
        if current.comment != values["comment"]:
            changes.append(_change(_("Comment"), current.comment, values["comment"]))
        if current.justification != values["justification"]:
            changes.append(_change(_("Justification"), current.justification, values["justification"]))
        if current.owner_id != values["owner"]:
            changes.append(_change(_("Owner"), current.owner, owner))
        preview.rows.append(
            RowPlan(
                row.line,
                "update" if changes else "unchanged",
                label,
                changes=changes,
                values=values,
                target=requirement,
            )
        )
    if not rows:
        preview.error(None, _("The file has no row."))
    return preview


def analyse(batch: CertificationImport) -> ImportPreview:
    """What confirming ``batch`` would do now."""
    if batch.kind == ImportKind.FRAMEWORK:
        options = batch.options or {}
        framework = Framework.objects.filter(code=options.get("code", ""), version=options.get("version", "")).first()
        return analyse_framework(batch.payload, framework)
    if batch.kind == ImportKind.REGISTER:
        return analyse_register(batch.payload)
    return analyse_self_assessment(batch.payload, batch.certification)


def purge_expired_imports() -> int:
    """Drop the uploads whose preview expired or was applied."""
    deleted, _details = CertificationImport.objects.filter(
        Q(expires_at__lte=timezone.now()) | Q(applied_at__isnull=False)
    ).delete()
    return deleted

"""Importing a plan from a spreadsheet, and the columns its export writes.

The reading itself (encodings, delimiters, header row, merged cells, dates) is ``qms.core.spreadsheets``. Here:

- ``read_import_file`` reads a file into a *payload*: the rows as text, with their line numbers, JSON-safe so
  that it can wait in a ``PlanImport`` row between the preview and the confirmation;
- ``analyse`` compares a payload with the plan as it is now and says, row by row, what the import would
  create, update or leave as it is, which actions of the plan the file does not mention, and every error and
  warning with its line. It writes nothing; ``services.plan_import_apply`` runs it again inside its
  transaction and applies it.

Matching: a row is matched on its reference when it has one, else on axis + objective + title. Only the
columns present in the file are updated. Empty axis or objective cells inherit the value of the row above,
as merged cells do (the objective only while the axis stays the same).
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass, field
from typing import Any

from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from actionplans.choices import ActionStatus
from actionplans.models import Action, ActionPlan, Axis, Objective
from actionplans.workflows import ACTION_WORKFLOW
from qms.core.models import User
from qms.core.selectors import users_named
from qms.core.spreadsheets import (
    Column,
    Row,
    SpreadsheetError,
    cell_text,
    normalise_header,
    parse_date,
    read_table,
)

# The columns, in the order the export writes them. The first four must be in the file.
COLUMNS = (
    Column(
        "reference",
        gettext_lazy("Reference"),
        ("référence", "reference", "réf", "ref", "n°", "numéro", "number", "code", "id"),
    ),
    Column("axis", gettext_lazy("Axis"), ("axe", "axis", "axes", "axe stratégique", "strategic axis"), required=True),
    Column(
        "objective",
        gettext_lazy("Strategic objective"),
        ("objectif stratégique", "strategic objective", "objectif général", "general objective"),
        required=True,
    ),
    Column(
        "title",
        gettext_lazy("Specific objective"),
        ("objectif spécifique", "specific objective", "action", "objectif opérationnel", "operational objective"),
        required=True,
    ),
    Column("description", gettext_lazy("Description"), ("description", "détail", "details")),
    Column("owner", gettext_lazy("Owner"), ("responsable", "owner", "pilote", "porteur", "responsible")),
    Column(
        "deadline",
        gettext_lazy("Deadline"),
        ("échéance", "deadline", "due date", "date d'échéance", "date limite", "échéancier", "due"),
        required=True,
    ),
    Column("status", gettext_lazy("Status"), ("statut", "status", "statuses", "état", "state")),
    Column("progress", gettext_lazy("Progress (%)"), ("avancement", "progress", "avancement %", "progress %")),
    Column(
        "completed_on",
        gettext_lazy("Completed on"),
        ("date de réalisation", "réalisé le", "date d'achèvement", "completed on", "completion date", "done on"),
    ),
    Column("expected_result", gettext_lazy("Expected result"), ("résultat attendu", "expected result")),
    Column(
        "indicator",
        gettext_lazy("Indicator"),
        ("indicateur", "indicator", "indicateur de suivi", "follow-up indicator", "indicateur de résultat"),
    ),
)
COLUMN_KEYS = tuple(column.key for column in COLUMNS)
# The columns whose value is a field of the action, with the field's name.
TEXT_FIELDS = ("description", "expected_result", "indicator")

_STATUS_WORDS = {
    ActionStatus.PLANNED: (
        "à faire",
        "a venir",
        "prévue",
        "prévu",
        "non commencée",
        "non démarrée",
        "todo",
        "to do",
        "not started",
        "planifiée",
        "planifié",
    ),
    ActionStatus.IN_PROGRESS: ("en cours", "en cours de réalisation", "commencée", "démarrée", "started", "ongoing"),
    ActionStatus.DONE: (
        "terminée",
        "terminé",
        "réalisée",
        "réalisé",
        "fait",
        "faite",
        "achevée",
        "achevé",
        "completed",
        "complete",
        "finished",
        "closed",
        "clôturée",
    ),
    ActionStatus.CANCELLED: ("annulée", "annulé", "abandonnée", "abandonné", "canceled", "cancelled"),
}


def status_aliases() -> dict[str, str]:
    """Every word read as a status (normalised), in French and English, to its value."""
    aliases: dict[str, str] = {}
    for status, words in _STATUS_WORDS.items():
        for word in (*words, status.value, status.value.replace("_", " ")):
            aliases[normalise_header(word)] = status.value
    for language in ("fr", "en"):
        with translation.override(language):
            for status in ActionStatus:
                aliases[normalise_header(str(status.label))] = status.value
    return aliases


def normalise_key(text: str) -> str:
    """How titles are compared: case and runs of spaces do not count."""
    return " ".join((text or "").casefold().split())


# --- Reading ------------------------------------------------------------------------------------------------


def read_import_file(source: Any, *, filename: str = "") -> dict[str, Any]:
    """Read a CSV or XLSX file into a JSON-safe payload. Raises ``SpreadsheetError`` (translated)."""
    table = read_table(source, columns=COLUMNS)
    return {
        "filename": filename,
        "format": table.format,
        "encoding": table.encoding,
        "delimiter": table.delimiter,
        "sheet": table.sheet,
        "header_line": table.header_line,
        "columns": table.keys,
        "headers": table.headers,
        "ignored_headers": table.ignored_headers,
        "rows": [
            {"line": row.line, "values": {key: cell_text(row.values.get(key)) for key in table.keys}}
            for row in table.rows
        ],
    }


# --- Analysing ----------------------------------------------------------------------------------------------


@dataclass
class ImportMessage:
    line: int | None
    message: str


@dataclass
class Change:
    field: str
    label: str
    old: str
    new: str


@dataclass
class RowPlan:
    """What the import does with one row of the file."""

    line: int
    op: str  # "create", "update" or "unchanged"
    axis: str
    objective: str
    title: str
    reference: str = ""
    action: Action | None = None
    changes: list[Change] = field(default_factory=list)
    # Resolved values to write: field name -> value (only for the columns present in the file)
    values: dict[str, Any] = field(default_factory=dict)
    status: str | None = None
    completed_on: datetime.date | None = None

    @property
    def deadline(self) -> datetime.date | None:
        """The deadline the action will have: the file's when it has the column, else the action's own."""
        if "deadline" in self.values:
            return self.values["deadline"]
        return self.action.deadline if self.action is not None else None

    @property
    def owner_text(self) -> str:
        """Who will answer for the action, as the plan page will show it: the person found, else the label as
        written in the file (or the action's own owner when the file has no owner column)."""
        if "owner" in self.values:
            user = self.values["owner"]
            return str(user) if user is not None else self.values.get("owner_label", "")
        return self.action.owner_display if self.action is not None else ""

    @property
    def owner_is_person(self) -> bool:
        """Whether the owner is a person with an account (who will be told), rather than a label."""
        if "owner" in self.values:
            return self.values["owner"] is not None
        return bool(self.action is not None and self.action.owner_id)


@dataclass
class ImportPreview:
    """What importing a payload into a plan would do, and why it cannot when there are errors."""

    plan: ActionPlan
    columns: list[str]
    rows: list[RowPlan] = field(default_factory=list)
    errors: list[ImportMessage] = field(default_factory=list)
    warnings: list[ImportMessage] = field(default_factory=list)
    missing: list[Action] = field(default_factory=list)
    new_axes: list[str] = field(default_factory=list)
    new_objectives: list[tuple[str, str]] = field(default_factory=list)
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
        return bool(self.creates or self.updates or self.new_axes or self.new_objectives)

    @property
    def column_labels(self) -> list[str]:
        labels = {column.key: str(column.label) for column in COLUMNS}
        return [labels[key] for key in self.columns if key in labels]


def _owner_for(text: str, owners: dict[str, list[User]]) -> tuple[User | None, str | None]:
    """(user, warning): the user behind ``text``, or None and why when there is no single one."""
    if not text:
        return None, None
    matches = owners.get(text.casefold(), [])
    # An address or a username names one person; prefer it to a homonym's full name.
    exact = [u for u in matches if text.casefold() in (u.email.casefold(), u.username.casefold())]
    if len(exact) == 1:
        return exact[0], None
    if len(matches) == 1:
        return matches[0], None
    if matches:
        return None, _("Owner “%(owner)s” matches several people: it is kept as written.") % {"owner": text}
    return None, _("Owner “%(owner)s” matches no user: it is kept as written.") % {"owner": text}


def _display(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, datetime.date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    return str(value)


def _label(key: str) -> str:
    for column in COLUMNS:
        if column.key == key:
            return str(column.label)
    return key


def _parse_progress(text: str) -> int | None:
    """A percentage as typed: "40", "40 %", "40,5"; a fraction ("0.4") from a percent-formatted cell."""
    text = text.rstrip("%").strip().replace(",", ".")
    try:
        number = float(text)
    except ValueError:
        return None
    if not math.isfinite(number):  # "nan", "inf": float() reads them, round() would raise
        return None
    if "." in text and 0 < number < 1:
        number *= 100
    number = round(number)
    return number if 0 <= number <= 100 else None


class _Analyser:
    """One pass over the rows of a payload, against the plan as loaded once at the start."""

    def __init__(self, plan: ActionPlan, payload: dict[str, Any]):
        self.plan = plan
        self.present = set(payload.get("columns", []))
        self.preview = ImportPreview(
            plan=plan,
            columns=list(payload.get("columns", [])),
            ignored_headers=list(payload.get("ignored_headers", [])),
        )
        headers = payload.get("headers", {})
        self.rows = [Row(line=item["line"], values=item["values"], labels=headers) for item in payload.get("rows", [])]
        self.axes = {normalise_key(axis.title) for axis in plan.axes.all()}
        self.objectives = {
            (normalise_key(o.axis.title) if o.axis_id else "", normalise_key(o.title))
            for o in plan.objectives.select_related("axis")
        }
        self.actions = list(plan.actions.select_related("objective__axis", "owner").order_by("position", "pk"))
        self.by_reference = {action.reference.casefold(): action for action in self.actions}
        self.by_key: dict[tuple[str, str, str], Action] = {}
        for action in self.actions:
            self.by_key.setdefault(self._action_key(action), action)
        self.statuses = status_aliases()
        self.owners = users_named({row.text("owner") for row in self.rows}) if "owner" in self.present else {}
        self.checked = set(
            plan.actions.filter(effectiveness_checks__isnull=False).values_list("pk", flat=True).distinct()
        )
        self.today = timezone.localdate()
        self.matched: set[int] = set()
        self.seen_references: dict[str, int] = {}
        self.seen_keys: dict[tuple[str, str, str], int] = {}
        self.new_axes: dict[str, str] = {}
        self.new_objectives: dict[tuple[str, str], tuple[str, str]] = {}

    @staticmethod
    def _placement(action: Action) -> tuple[str, str]:
        objective = action.objective
        axis = objective.axis.title if objective and objective.axis_id else ""
        return axis, objective.title if objective else ""

    def _action_key(self, action: Action) -> tuple[str, str, str]:
        axis, objective = self._placement(action)
        return normalise_key(axis), normalise_key(objective), normalise_key(action.title)

    def _message(self, row: Row, message: str) -> ImportMessage:
        return ImportMessage(row.line, _("Line %(line)s: %(message)s") % {"line": row.line, "message": message})

    def error(self, row: Row, message: str) -> None:
        self.preview.errors.append(self._message(row, message))

    def warn(self, row: Row, message: str) -> None:
        self.preview.warnings.append(self._message(row, message))

    def date(self, row: Row, key: str) -> datetime.date | None:
        try:
            return parse_date(row.values.get(key))
        except ValueError as exc:
            column = row.labels.get(key, _label(key))
            self.error(row, _("column “%(column)s”: %(error)s") % {"column": column, "error": exc})
            return None

    def check_length(self, row: Row, key: str, text: str, limit: int) -> None:
        """A cell longer than its field: an error on its line here, rather than a database error on confirming."""
        if len(text) > limit:
            column = row.labels.get(key, _label(key))
            self.error(
                row,
                _("column “%(column)s”: the text is too long (at most %(limit)s characters).")
                % {"column": column, "limit": limit},
            )

    def run(self) -> ImportPreview:
        if not self.rows:
            self.preview.errors.append(ImportMessage(None, _("The file has a header row but no action below it.")))
            return self.preview
        previous_axis = previous_objective = ""
        for row in self.rows:
            # Empty axis and objective cells inherit from the row above, as merged cells do; the objective only
            # while the axis stays the same.
            axis = row.text("axis") or previous_axis
            objective = row.text("objective")
            if not objective and normalise_key(axis) == normalise_key(previous_axis):
                objective = previous_objective
            previous_axis, previous_objective = axis, objective
            errors_before = len(self.preview.errors)
            plan_row = self.row(row, axis, objective)
            if plan_row is not None and len(self.preview.errors) == errors_before:
                self.preview.rows.append(plan_row)
        self.preview.missing = [action for action in self.actions if action.pk not in self.matched]
        self.preview.new_axes = list(self.new_axes.values())
        self.preview.new_objectives = list(self.new_objectives.values())
        return self.preview

    def match(self, row: Row, reference: str, key: tuple[str, str, str]) -> Action | None:
        action = self.by_reference.get(reference.casefold()) if reference else None
        if action is None:
            # A reference the plan does not know yet may be a new one given to a known action.
            action = self.by_key.get(key)
            if action is not None and action.pk in self.matched and reference:
                action = None
        if action is not None and action.pk in self.matched:
            self.error(
                row,
                _("this row matches the same action as an earlier row (%(reference)s).")
                % {"reference": action.reference},
            )
            return None
        return action

    def row(self, row: Row, axis: str, objective: str) -> RowPlan | None:
        title = row.text("title")
        reference = row.text("reference") if "reference" in self.present else ""
        if not title:
            self.error(row, _("the specific objective (the action's title) is empty."))
            return None
        if len(title) > Action._meta.get_field("title").max_length:
            self.error(row, _("the title is too long."))
        if len(reference) > Action._meta.get_field("reference").max_length:
            self.error(row, _("the reference is too long."))
        # The cells as written on this line: an inherited value was checked on its own line.
        self.check_length(row, "axis", row.text("axis"), Axis._meta.get_field("title").max_length)
        self.check_length(row, "objective", row.text("objective"), Objective._meta.get_field("title").max_length)
        key = (normalise_key(axis), normalise_key(objective), normalise_key(title))
        if reference:
            other = self.seen_references.setdefault(reference.casefold(), row.line)
            if other != row.line:
                self.error(
                    row,
                    _("reference “%(reference)s” is already on line %(other)s.")
                    % {"reference": reference, "other": other},
                )
        elif key in self.seen_keys:
            self.error(
                row,
                _("the same axis, objective and title are already on line %(other)s.") % {"other": self.seen_keys[key]},
            )
        self.seen_keys.setdefault(key, row.line)
        action = self.match(row, reference, key)
        if action is None and len(self.preview.errors) and self.preview.errors[-1].line == row.line:
            return None

        if axis and not objective:
            self.warn(row, _("no strategic objective is given: the action will sit outside the plan's tree."))
        if axis and key[0] not in self.axes:
            self.new_axes.setdefault(key[0], axis)
        objective_key = (key[0] if axis else "", key[1])
        if objective and objective_key not in self.objectives:
            self.new_objectives.setdefault(objective_key, (axis, objective))

        values = self.values(row, action, title, reference)
        status = None
        if "status" in self.present and row.text("status"):
            status = self.statuses.get(normalise_header(row.text("status")))
            if status is None:
                choices = ", ".join(str(choice.label) for choice in ActionStatus)
                self.error(
                    row,
                    _("“%(status)s” is not a status; write one of: %(choices)s.")
                    % {"status": row.text("status"), "choices": choices},
                )
        final_status = status or (action.status if action else ActionStatus.PLANNED)
        completed_on = self.date(row, "completed_on") if "completed_on" in self.present else None
        if completed_on and completed_on > self.today:
            self.error(row, _("the completion date is in the future."))
        if completed_on and final_status != ActionStatus.DONE:
            self.warn(row, _("a completion date is given for an action that is not done: it is ignored."))
            completed_on = None
        if "progress" in self.present and row.text("progress"):
            progress = _parse_progress(row.text("progress"))
            if progress is None:
                self.error(
                    row, _("progress “%(value)s” is not a percentage from 0 to 100.") % {"value": row.text("progress")}
                )
            elif final_status == ActionStatus.DONE and progress != 100:
                self.warn(row, _("a done action is complete: the progress given is ignored."))
            elif final_status != ActionStatus.DONE:
                values["progress"] = progress

        plan_row = RowPlan(
            line=row.line,
            op="create",
            axis=axis,
            objective=objective,
            title=title,
            reference=reference,
            action=action,
            values=values,
            status=status or ActionStatus.PLANNED,
            completed_on=completed_on,
        )
        if action is not None:
            self.matched.add(action.pk)
            self.compare(row, plan_row, action, status)
        return plan_row

    def values(self, row: Row, action: Action | None, title: str, reference: str) -> dict[str, Any]:
        """The fields the file sets, for the columns it has."""
        values: dict[str, Any] = {"title": title}
        if reference:
            values["reference"] = reference
        for name in TEXT_FIELDS:
            if name in self.present:
                values[name] = row.text(name)
                limit = Action._meta.get_field(name).max_length
                if limit:
                    self.check_length(row, name, values[name], limit)
        if "deadline" in self.present:
            values["deadline"] = self.date(row, "deadline")
        if "owner" in self.present:
            text = row.text("owner")
            user, warning = _owner_for(text, self.owners)
            current = action.owner if action is not None and action.owner_id else None
            if (
                user is None
                and current
                and text
                and text.casefold() in (current.email.casefold(), current.username.casefold())
            ):
                # The export writes the owner's address: an owner who has left since stays the action's owner.
                user, warning = current, None
            already_a_label = action is not None and action.owner_id is None and action.owner_label == text
            if warning and not already_a_label:
                self.warn(row, warning)
            if user is None:
                self.check_length(row, "owner", text, Action._meta.get_field("owner_label").max_length)
            values["owner"] = user
            # A known person keeps the label that an action may carry beside them; an unknown one becomes it.
            values["owner_label"] = text if user is None else (action.owner_label if action else "")
        return values

    def compare(self, row: Row, plan_row: RowPlan, action: Action, status: str | None) -> None:
        changes = plan_row.changes
        current = self._placement(action)
        if (normalise_key(current[0]), normalise_key(current[1])) != (
            normalise_key(plan_row.axis),
            normalise_key(plan_row.objective),
        ):
            old = " / ".join(filter(None, current)) or "—"
            new = " / ".join(filter(None, [plan_row.axis, plan_row.objective])) or "—"
            changes.append(Change("objective", _("Strategic objective"), old, new))
        values = plan_row.values
        for name, value in values.items():
            if name in ("owner", "owner_label"):
                continue
            old = getattr(action, name)
            if old != value:
                changes.append(Change(name, _label(name), _display(old), _display(value)))
        if "owner" in values and (action.owner_id, action.owner_label) != (
            getattr(values["owner"], "pk", None),
            values["owner_label"],
        ):
            new = str(values["owner"]) if values["owner"] else values["owner_label"]
            changes.append(Change("owner", _label("owner"), _display(action.owner_display), _display(new)))
        plan_row.status = None
        if status and status != action.status:
            if action.pk in self.checked:
                self.error(
                    row,
                    _("action %(reference)s has had its effectiveness checked: its status stays “%(status)s”.")
                    % {"reference": action.reference, "status": action.get_status_display()},
                )
            elif not ACTION_WORKFLOW.can(action, status, note="import"):
                self.error(
                    row,
                    _("action %(reference)s cannot move from “%(from)s” to “%(to)s”.")
                    % {
                        "reference": action.reference,
                        "from": action.get_status_display(),
                        "to": ActionStatus(status).label,
                    },
                )
            else:
                plan_row.status = status
                changes.append(
                    Change("status", _label("status"), action.get_status_display(), str(ActionStatus(status).label))
                )
        done_after = (plan_row.status or action.status) == ActionStatus.DONE
        if plan_row.completed_on and done_after and plan_row.completed_on != action.completed_on:
            changes.append(
                Change(
                    "completed_on",
                    _label("completed_on"),
                    _display(action.completed_on),
                    _display(plan_row.completed_on),
                )
            )
        plan_row.op = "update" if changes else "unchanged"


def analyse(plan: ActionPlan, payload: dict[str, Any]) -> ImportPreview:
    """What importing ``payload`` into ``plan`` would do, read in a fixed number of queries. Writes nothing."""
    return _Analyser(plan, payload).run()


def read_and_analyse(plan: ActionPlan, source: Any, *, filename: str = "") -> tuple[dict[str, Any], ImportPreview]:
    """Read ``source`` and analyse it against ``plan``. Raises ``SpreadsheetError``."""
    payload = read_import_file(source, filename=filename)
    return payload, analyse(plan, payload)


__all__ = [
    "COLUMNS",
    "ImportPreview",
    "SpreadsheetError",
    "analyse",
    "read_and_analyse",
    "read_import_file",
    "status_aliases",
]

"""Exporting a plan: XLSX and CSV in the import's own format (so that export → import changes nothing), and the
AEQES-style synthetic table as a PDF."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.text import slugify

from actionplans.imports import COLUMNS
from actionplans.models import Action, ActionPlan
from actionplans.selectors import PlanTree, plan_tree
from qms.core.pdf import PdfReport
from qms.core.spreadsheets import write_csv, write_xlsx

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
COLUMN_WIDTHS = (10, 28, 40, 50, 40, 26, 12, 14, 10, 12, 36, 30)


def ordered_actions(tree: PlanTree) -> list[Action]:
    """The plan's actions in the order an export writes them. Actions outside any objective come first, then
    objectives outside any axis, then the axes: an importer's "empty cell = the value above" rule then puts
    every action back where it was."""
    loose = [axis for axis in tree.axes if axis.axis is None]
    placed = [axis for axis in tree.axes if axis.axis is not None]
    actions = list(tree.unfiled.actions)
    for axis in loose + placed:
        for node in axis.objectives:
            actions.extend(node.actions)
    return actions


def owner_cell(action: Action) -> str:
    """The owner as the import reads it back: their address (else username), or the label as written."""
    if action.owner_id:
        return action.owner.email or action.owner.username
    return action.owner_label


def action_row(action: Action) -> list[Any]:
    objective = action.objective
    return [
        action.reference,
        objective.axis.title if objective and objective.axis_id else "",
        objective.title if objective else "",
        action.title,
        action.description,
        owner_cell(action),
        action.deadline,
        action.get_status_display(),
        action.progress,
        action.completed_on,
        action.expected_result,
        action.indicator,
    ]


def plan_rows(plan: ActionPlan) -> tuple[list[str], list[list[Any]]]:
    """The header (in the active language) and the rows of ``plan``, in a fixed number of queries."""
    tree = plan_tree(plan)
    axes = {node.axis.pk: node.axis for node in tree.axes if node.axis is not None}
    for node in tree.axes:
        for objective_node in node.objectives:
            objective = objective_node.objective
            objective.axis = axes.get(objective.axis_id)
            for action in objective_node.actions:
                action.objective = objective
    headers = [str(column.label) for column in COLUMNS]
    return headers, [action_row(action) for action in ordered_actions(tree)]


def export_filename(plan: ActionPlan, extension: str) -> str:
    stem = slugify(plan.title)[:60] or f"plan-{plan.pk}"
    return f"{stem}-{timezone.localdate():%Y-%m-%d}.{extension}"


def export_xlsx(plan: ActionPlan) -> bytes:
    headers, rows = plan_rows(plan)
    return write_xlsx(headers, rows, sheet_title=plan.title, column_widths=COLUMN_WIDTHS)


def export_csv(plan: ActionPlan) -> bytes:
    headers, rows = plan_rows(plan)
    return write_csv(headers, rows)


class PlanPdfReport(PdfReport):
    """The plan as the synthetic table of an AEQES follow-up: axis, strategic objective, specific objective,
    deadline, owner and status, with the progress rolled up per axis."""

    template_name = "actionplans/pdf/plan.html"

    def __init__(self, plan: ActionPlan, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.plan = plan

    def get_filename(self) -> str:
        return export_filename(self.plan, "pdf")

    def get_context(self) -> dict[str, Any]:
        tree = plan_tree(self.plan)
        return {"plan": self.plan, "tree": tree, "today": timezone.localdate()}

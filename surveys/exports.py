"""Exports of a published campaign: the aggregates (CSV and XLSX), the anonymous raw responses (CSV, quality
officers only) and each target's PDF results sheet (WeasyPrint, SVG charts).

Targets and questions below k, and cells suppressed to protect them, are left out of every export, the raw one
included; so are the targets whose results the viewer may not see (the per-teacher visibility setting).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.utils.text import slugify
from django.utils.translation import gettext as _

from qms.core.pdf import PdfReport
from surveys.choices import QuestionKind
from surveys.models import Answer, CampaignTarget
from surveys.reports import CampaignReport
from surveys.results import INSTITUTION, PROGRAMME, TARGET, Figures

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"


def export_filename(report: CampaignReport, suffix: str, extension: str) -> str:
    return f"{slugify(report.campaign.title) or 'campagne'}-{suffix}.{extension}"


def aggregate_headers() -> list[str]:
    return [
        _("Level"),
        _("Code"),
        _("Label"),
        _("Question code"),
        _("Question"),
        _("Valid answers (n)"),
        _("Not applicable"),
        _("Mean"),
        _("Median"),
        _("Satisfied (top two, %)"),
        _("Value"),
        _("Answer"),
        _("Count"),
        _("Share (%)"),
    ]


def _figure_rows(level: str, code: str, label: str, figures: Figures) -> Iterator[list[Any]]:
    question = figures.question
    head = [level, code, label, question.code, question.text, figures.n, figures.not_applicable]
    stats = [figures.mean, figures.median, figures.top2]
    if not figures.bars:
        yield [*head, *stats, None, None, None, None]
        return
    for bar in figures.bars:
        yield [*head, *stats, bar.value, bar.label, bar.count, bar.percent]


def aggregate_rows(report: CampaignReport) -> Iterator[list[Any]]:
    """The figures the viewer may see, one row per value: the institution, then the programmes, then the targets.
    Questions whose figures are suppressed are left out; free text is not aggregated."""
    results = report.results
    levels = [(_("Institution"), INSTITUTION, None, "", report.campaign.org_unit.name)]
    levels += [(_("Programme"), PROGRAMME, p.pk, p.code, p.name) for p in report.visible_programmes()]
    levels += [(_("Target"), TARGET, t.pk, t.code, t.label) for t in report.visible_targets()]
    for level_label, level, ident, code, label in levels:
        for question in results.questions:
            if question.kind == QuestionKind.TEXT:
                continue
            figures = results.figures(level, ident, question)
            if figures.shown:
                yield from _figure_rows(str(level_label), code, label, figures)


def raw_headers(report: CampaignReport) -> list[str]:
    return [_("Response"), _("Target code"), *(question.code for question in report.results.questions)]


def _raw_cell(question, value, not_applicable, text) -> Any:
    if not_applicable:
        return "NA"
    if question.kind == QuestionKind.TEXT:
        return text
    if question.kind == QuestionKind.MULTIPLE_CHOICE and value is not None:
        return "+".join(str(bit + 1) for bit in range(value.bit_length()) if value >> bit & 1)
    return value


def raw_rows(report: CampaignReport) -> Iterator[list[Any]]:
    """One row per anonymous response of the targets the viewer may see, in the order of their random keys (not
    the order of answering). Answers to a question suppressed for that target are blank; hidden comments too;
    targets whose every question is suppressed are left out."""
    results = report.results
    questions = results.questions
    by_id = {question.pk: question for question in questions}
    targets: dict[int, CampaignTarget] = {}
    for target in report.visible_targets():
        if any(not results.is_suppressed(target.pk, question.pk) for question in questions):
            targets[target.pk] = target
    if not targets:
        return
    answers = (
        Answer.objects.filter(response__target__in=list(targets))
        .order_by("response_id", "question_id")
        .values_list("response_id", "response__target_id", "question_id", "value", "not_applicable", "text", "hidden")
    )
    current, row, target_id = None, {}, None

    def line() -> list[Any]:
        return [str(current), targets[target_id].code, *(row.get(question.pk, "") for question in questions)]

    for response_id, answer_target, question_id, value, not_applicable, text, hidden in answers.iterator(2000):
        if response_id != current:
            if current is not None:
                yield line()
            current, row, target_id = response_id, {}, answer_target
        if results.is_suppressed(answer_target, question_id) or hidden:
            continue
        row[question_id] = _raw_cell(by_id[question_id], value, not_applicable, text)
    if current is not None:
        yield line()


class TargetResultsPdf(PdfReport):
    """One target's results sheet: participation, each question's figures beside the programme's and the
    institution's, with their charts, the comments and the teachers' replies."""

    template_name = "surveys/pdf/target_results.html"

    def __init__(self, report: CampaignReport, target: CampaignTarget, **kwargs) -> None:
        super().__init__(**kwargs)
        self.report = report
        self.target = target

    def get_filename(self) -> str:
        return (
            f"resultats-{slugify(self.target.code) or 'cible'}-{slugify(self.report.campaign.academic_year.name)}.pdf"
        )

    def get_context(self) -> dict[str, Any]:
        return {
            "campaign": self.report.campaign,
            "target_report": self.report.target_report(self.target),
            "threshold": self.report.results.threshold,
        }

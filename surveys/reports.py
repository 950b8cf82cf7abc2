"""What the result pages, PDFs and exports show, for one viewer: ``CampaignResults`` narrowed by ``ResultsAccess``.

Every page, PDF and export goes through here, so that the threshold, complementary suppression and the
per-teacher visibility setting hold everywhere alike.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from qms.core.charts import bar_chart, line_chart
from qms.core.models import Course, Programme
from surveys.choices import CampaignStatus, QuestionKind, TargetKind
from surveys.models import Answer, Campaign, CampaignTarget, SurveySettings, TeacherReply
from surveys.results import INSTITUTION, PROGRAMME, TARGET, CampaignResults, Figures, Participation
from surveys.selectors import ResultsAccess


@dataclass
class Comment:
    id: str
    text: str
    hidden: bool


@dataclass
class QuestionRow:
    """One question on a result page: the target's figures beside its programmes' and the institution's."""

    figures: Figures
    programmes: list[tuple[Programme, Figures]] = field(default_factory=list)
    institution: Figures | None = None
    comments: list[Comment] = field(default_factory=list)
    chart: str = ""


@dataclass
class TargetReport:
    target: CampaignTarget
    participation: Participation
    rows: list[QuestionRow]
    light: str
    replies: list[TeacherReply]
    programmes: list[Programme]


@dataclass
class TargetLine:
    """One target in a campaign's list: its participation, its light, and whether the viewer may open it."""

    target: CampaignTarget
    participation: Participation
    light: str | None
    visible: bool


class CampaignReport:
    """A published campaign's results for one viewer."""

    def __init__(self, campaign: Campaign, user, *, results: CampaignResults | None = None) -> None:
        self.campaign = campaign
        self.results = results or CampaignResults(campaign)
        self.access = ResultsAccess(user, campaign)
        settings = SurveySettings.get()
        self.green, self.amber = settings.green_threshold, settings.amber_threshold

    def programme_ids(self, target: CampaignTarget) -> list[int]:
        return self.results.target_programmes.get(target.pk, [])

    def sees_target(self, target: CampaignTarget) -> bool:
        return self.access.sees_target(target, self.programme_ids(target))

    @property
    def sees_anything(self) -> bool:
        return self.access.sees_anything(self.results.targets, self.results.target_programmes)

    def target_lines(self, targets: list[CampaignTarget] | None = None) -> list[TargetLine]:
        lines = []
        for target in self.results.targets if targets is None else targets:
            visible = self.sees_target(target)
            lines.append(
                TargetLine(
                    target=target,
                    participation=self.results.participation[target.pk],
                    light=self.results.light(target, green=self.green, amber=self.amber) if visible else None,
                    visible=visible,
                )
            )
        return lines

    def visible_targets(self) -> list[CampaignTarget]:
        return [target for target in self.results.targets if self.sees_target(target)]

    def visible_programmes(self) -> list[Programme]:
        return [programme for programme in self.results.programmes_sorted() if self.access.sees_programme(programme)]

    def institution_figures(self) -> list[Figures]:
        return self.results.institution_figures()

    def _comments(self, target: CampaignTarget, questions: list, *, with_hidden: bool) -> dict[int, list[Comment]]:
        if not questions:
            return {}
        answers = Answer.objects.filter(response__target=target, question__in=questions).exclude(text="")
        if not with_hidden:
            answers = answers.filter(hidden=False)
        found: dict[int, list[Comment]] = {}
        # Ordered by their random key: the order of answering is not shown.
        for pk, question_id, text, hidden in answers.order_by("pk").values_list("pk", "question_id", "text", "hidden"):
            found.setdefault(question_id, []).append(Comment(str(pk), text, hidden))
        return found

    def target_report(self, target: CampaignTarget, *, with_hidden_comments: bool = False) -> TargetReport:
        """One target's page (the caller has checked ``sees_target``)."""
        results = self.results
        programmes = results.programmes_of(target)
        target_figures = results.target_figures(target)
        shown_text = [f.question for f in target_figures if f.question.kind == QuestionKind.TEXT and f.shown]
        comments = self._comments(target, shown_text, with_hidden=with_hidden_comments)
        rows = []
        for figures in target_figures:
            question = figures.question
            row = QuestionRow(
                figures=figures,
                programmes=[(p, results.figures(PROGRAMME, p.pk, question)) for p in programmes],
                institution=results.figures(INSTITUTION, None, question),
                comments=comments.get(question.pk, []),
            )
            row.chart = comparison_chart(target.label, row)
            rows.append(row)
        return TargetReport(
            target=target,
            participation=results.participation[target.pk],
            rows=rows,
            light=results.light(target, green=self.green, amber=self.amber),
            replies=list(TeacherReply.objects.filter(target=target).select_related("author").order_by("created_at")),
            programmes=programmes,
        )

    def programme_report(self, programme: Programme) -> dict:
        """A programme's page: its pooled figures beside those of its courses the viewer may see."""
        results = self.results
        target_ids = results.programme_targets.get(programme.pk, [])
        targets = [results.targets_by_id[pk] for pk in target_ids]
        visible = [target for target in targets if self.sees_target(target)]
        rows = []
        for question in results.questions:
            rows.append(
                {
                    "figures": results.figures(PROGRAMME, programme.pk, question),
                    "parts": [(target, results.figures(TARGET, target.pk, question)) for target in visible],
                    "institution": results.figures(INSTITUTION, None, question),
                }
            )
        return {
            "programme": programme,
            "participation": results.programme_participation(programme.pk),
            "rows": rows,
            "lines": self.target_lines(targets),
            "hidden_courses": len(targets) - len(visible),
        }


def comparison_chart(label: str, row: QuestionRow) -> str:
    """Bars of the distribution (in %) of the target beside its programmes and the institution; only the figures
    that may be shown are drawn."""
    figures = row.figures
    if not figures.shown or not figures.bars:
        return ""
    labels = [bar.label for bar in figures.bars]
    series = [(label, [bar.percent for bar in figures.bars])]
    for programme, pooled in row.programmes:
        if pooled.shown and pooled.bars:
            series.append((programme.code, [bar.percent for bar in pooled.bars]))
    if row.institution is not None and row.institution.shown and row.institution.bars:
        series.append((_("Institution"), [bar.percent for bar in row.institution.bars]))
    return bar_chart(labels, series, title=figures.question.text, unit="%", height=260)


# --- Trends ----------------------------------------------------------------------------------------------------


@dataclass
class TrendLine:
    code: str
    text: str
    points: list[tuple[str, Figures | None]]
    chart: str = ""


def _trend_lines(reports: list[tuple[Campaign, CampaignReport, str, int | None]]) -> list[TrendLine]:
    """Per question code, one figure per campaign (year), in the order of ``reports``."""
    lines: dict[str, TrendLine] = {}
    for _campaign, report, _level, _ident in reports:
        for question in report.results.questions:
            if question.kind != QuestionKind.TEXT:
                lines.setdefault(question.code, TrendLine(question.code, question.text, []))
    years = [campaign.academic_year.name for campaign, _report, _level, _ident in reports]
    for line in lines.values():
        for campaign, report, level, ident in reports:
            question = next((q for q in report.results.questions if q.code == line.code), None)
            line.points.append(
                (campaign.academic_year.name, report.results.figures(level, ident, question) if question else None)
            )
        agreement = any(f is not None and f.top2 is not None for _year, f in line.points)
        values = [
            ((f.top2 if agreement else f.mean) if f is not None and f.shown else None) for _year, f in line.points
        ]
        line.chart = line_chart(
            years,
            [(_("Satisfied (%)") if agreement else _("Mean"), [None if v is None else Decimal(v) for v in values])],
            title=line.text,
            unit="%" if agreement else "",
            height=220,
        )
    return list(lines.values())


def _published_with(query) -> QuerySet[Campaign]:
    return (
        Campaign.objects.filter(status=CampaignStatus.PUBLISHED)
        .filter(query)
        .select_related("academic_year", "template")
        .distinct()
        .order_by("academic_year__start_date", "pk")
    )


def course_trends(course: Course, user) -> list[TrendLine] | None:
    """The course's figures year after year, by question code; None when the viewer may see none of them."""
    from django.db.models import Q

    reports = []
    for campaign in _published_with(Q(targets__course=course)):
        report = CampaignReport(campaign, user)
        target = next(
            (t for t in report.results.targets if t.kind == TargetKind.COURSE and t.course_id == course.pk), None
        )
        if target is not None and report.sees_target(target):
            reports.append((campaign, report, TARGET, target.pk))
    return _trend_lines(reports) if reports else None


def programme_trends(programme: Programme, user) -> list[TrendLine] | None:
    """The programme's pooled figures year after year, by question code."""
    from django.db.models import Q

    reports = []
    for campaign in _published_with(Q(targets__course__programmes=programme)):
        report = CampaignReport(campaign, user)
        if programme.pk in report.results.programme_targets and report.access.sees_programme(programme):
            reports.append((campaign, report, PROGRAMME, programme.pk))
    return _trend_lines(reports) if reports else None

"""The result figures of a campaign, all derived from one histogram.

The histogram is one GROUP BY (target, question, value) query over the answers (or, once the campaign is closed,
over the counters frozen from it). Counts, percentages, mean, median and top-two share come from it, never from a
loop over answers:

- the *valid n* of a question is its answers other than blank or "not applicable";
- the median is the histogram's ``percentile_disc(0.5)``: the smallest value whose cumulative count reaches half
  of n (SQLite has no ``percentile_disc``, and the histogram gives the same figure);
- the top-two share (the satisfaction rate) is only given on agreement scales;
- a multiple-choice answer is one bit mask, so each option's count sums the histogram's bars that hold its bit.

Programme and institution figures are pooled: they sum histograms and never average averages, and only answers
to the same question code on the same scale are pooled (``pool_key``).

Anonymity (``Suppression``): below the threshold k on a question's valid n, only n is shown. Wherever a total is
shown beside its parts (a programme beside its courses, the institution beside its programmes), the suppressed
answers among the parts must add up to zero or to at least k; otherwise the next smallest part is suppressed too.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property

from django.db.models import Count, Sum

from qms.core.models import Course, Programme
from surveys.choices import OVERALL_SATISFACTION_TAG, QuestionKind, TargetKind, TrafficLight
from surveys.models import Answer, Campaign, CampaignTarget, Question, Response, ResultCounter, SurveyToken

PERCENT = Decimal("0.1")
MEAN = Decimal("0.01")

# Suppression reasons
BELOW_THRESHOLD = "below_threshold"
COMPLEMENTARY = "complementary"


# --- The histogram -----------------------------------------------------------------------------------------------


@dataclass
class Cell:
    """The histogram of one question for one target (or a pool of them): value → count, and the "not applicable"
    answers apart. Free text counts under the value None."""

    counts: Counter = field(default_factory=Counter)
    not_applicable: int = 0

    @property
    def n(self) -> int:
        """The valid n: answers other than blank or "not applicable"."""
        return sum(self.counts.values())

    def add(self, other: Cell) -> None:
        self.counts.update(other.counts)
        self.not_applicable += other.not_applicable


Histogram = dict[tuple[int, int], Cell]


def _histogram_from_rows(rows: Iterable[tuple[int, int, int | None, bool, int]]) -> Histogram:
    histogram: Histogram = {}
    for target_id, question_id, value, not_applicable, count in rows:
        cell = histogram.setdefault((target_id, question_id), Cell())
        if not_applicable:
            cell.not_applicable += count
        else:
            cell.counts[value] += count
    return histogram


def histogram_rows(campaign: Campaign):
    """The one GROUP BY (target, question, value) over the answers of ``campaign``."""
    return (
        Answer.objects.filter(response__target__campaign=campaign)
        .values_list("response__target_id", "question_id", "value", "not_applicable")
        .annotate(n=Count("id"))
        .order_by()
    )


def live_histogram(campaign: Campaign) -> Histogram:
    return _histogram_from_rows(histogram_rows(campaign))


def frozen_histogram(campaign: Campaign) -> Histogram:
    rows = ResultCounter.objects.filter(campaign=campaign).values_list(
        "target_id", "question_id", "value", "not_applicable", "count"
    )
    return _histogram_from_rows(rows)


def campaign_histogram(campaign: Campaign) -> Histogram:
    """The counters frozen at close once the campaign is closed, the answers before."""
    return frozen_histogram(campaign) if campaign.results_frozen else live_histogram(campaign)


# --- Figures of one cell -----------------------------------------------------------------------------------------


def pool_key(question: Question) -> tuple:
    """What must match for answers to be pooled: the question's code and its scale (its options, for choices)."""
    if question.kind == QuestionKind.LIKERT:
        return (question.code, "likert", question.scale.code if question.scale else "")
    if question.kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE):
        options = tuple(
            (option.value, " ".join(option.label_fr.casefold().split())) for option in question.options.all()
        )
        return (question.code, question.kind, options)
    return (question.code, question.kind)


def _percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(PERCENT, rounding=ROUND_HALF_UP)


def median_from_counts(counts: dict[int, int]) -> int | None:
    """``percentile_disc(0.5)`` of the histogram: the smallest value whose cumulative count reaches half of n."""
    n = sum(counts.values())
    if not n:
        return None
    running = 0
    for value in sorted(counts):
        running += counts[value]
        if running * 2 >= n:
            return value
    return None  # pragma: no cover - the loop always returns when n > 0


@dataclass
class Bar:
    """One bar of a distribution: a point of the scale or an option, its count and its share of the valid n."""

    value: int
    label: str
    count: int
    percent: Decimal | None


@dataclass
class Figures:
    """What a page, a PDF or an export may say about one question for one target or pool."""

    question: Question
    n: int
    not_applicable: int
    threshold: int
    suppressed: str = ""  # "" (shown), BELOW_THRESHOLD or COMPLEMENTARY
    bars: list[Bar] = field(default_factory=list)
    mean: Decimal | None = None
    median: int | None = None
    top2: Decimal | None = None

    @property
    def shown(self) -> bool:
        return not self.suppressed

    @property
    def median_label(self) -> str:
        for bar in self.bars:
            if bar.value == self.median:
                return bar.label
        return "" if self.median is None else str(self.median)


def scale_values(question: Question) -> list[tuple[int, str]]:
    """The values a question's answers take, with their labels, in order."""
    if question.kind == QuestionKind.LIKERT:
        return [(point.value, point.label) for point in question.scale.points.all()]
    if question.kind == QuestionKind.RATING:
        return [(value, str(value)) for value in range(0, 11)]
    if question.kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE):
        return [(option.value, option.label) for option in question.options.all()]
    return []


def figures_for(question: Question, cell: Cell | None, *, threshold: int, suppressed: str = "") -> Figures:
    """The figures of ``cell``; below ``threshold`` (or when ``suppressed``) only n is given."""
    cell = cell or Cell()
    n = cell.n
    if not suppressed and n < threshold:
        suppressed = BELOW_THRESHOLD
    figures = Figures(question=question, n=n, not_applicable=cell.not_applicable, threshold=threshold)
    if suppressed:
        figures.suppressed = suppressed
        return figures
    values = scale_values(question)
    if question.kind == QuestionKind.MULTIPLE_CHOICE:
        option_counts = {
            value: sum(count for mask, count in cell.counts.items() if mask is not None and mask >> (value - 1) & 1)
            for value, _label in values
        }
        figures.bars = [Bar(v, label, option_counts[v], _percent(option_counts[v], n)) for v, label in values]
        return figures
    figures.bars = [Bar(v, label, cell.counts.get(v, 0), _percent(cell.counts.get(v, 0), n)) for v, label in values]
    if question.is_scaled:
        numeric = {value: count for value, count in cell.counts.items() if value is not None}
        total = sum(value * count for value, count in numeric.items())
        figures.mean = (Decimal(total) / Decimal(n)).quantize(MEAN, rounding=ROUND_HALF_UP)
        figures.median = median_from_counts(numeric)
    if question.is_agreement and values:
        top_two = [value for value, _label in values][-2:]
        figures.top2 = _percent(sum(cell.counts.get(value, 0) for value in top_two), n)
    return figures


def traffic_light(figures: Figures | None, *, green: int, amber: int) -> str:
    """The quality index of an overall-satisfaction item: green, amber or red by its top-two share; grey when it
    cannot be shown."""
    if figures is None or not figures.shown or figures.top2 is None:
        return TrafficLight.GREY
    if figures.top2 >= green:
        return TrafficLight.GREEN
    if figures.top2 >= amber:
        return TrafficLight.AMBER
    return TrafficLight.RED


# --- Suppression -------------------------------------------------------------------------------------------------


def complementary_suppression(parts: dict, suppressed: set, threshold: int) -> set:
    """The parts to suppress besides ``suppressed`` so that the suppressed answers among ``parts`` (key → n) add up
    to zero or to at least ``threshold``: each round suppresses the smallest part still shown."""
    added: set = set()
    while True:
        hidden = sum(n for key, n in parts.items() if key in suppressed or key in added)
        if hidden == 0 or hidden >= threshold:
            return added
        candidates = sorted(
            ((n, str(key), key) for key, n in parts.items() if key not in suppressed and key not in added and n > 0),
        )
        if not candidates:
            return added
        added.add(candidates[0][2])


# --- A campaign's results ----------------------------------------------------------------------------------------

TARGET, PROGRAMME, INSTITUTION = "target", "programme", "institution"


@dataclass
class Participation:
    """How many were invited and how many answered."""

    invited: int = 0
    answered: int = 0

    @property
    def rate(self) -> Decimal | None:
        return _percent(self.answered, self.invited)

    def add(self, other: Participation) -> None:
        self.invited += other.invited
        self.answered += other.answered


def participation_by_target(campaign: Campaign, targets: list[CampaignTarget]) -> dict[int, Participation]:
    """Invited and answered per target: from the tokens and responses, or the counts kept once the roster is
    purged. Two queries."""
    result = {target.pk: Participation() for target in targets}
    if campaign.roster_purged_at is None:
        rows = SurveyToken.objects.filter(campaign=campaign).values_list("target_id").annotate(n=Count("id")).order_by()
        for target_id, count in rows:
            if target_id in result:
                result[target_id].invited = count
    else:
        for target in targets:
            result[target.pk].invited = target.invited_count or 0
    answered = (
        Response.objects.filter(target__campaign=campaign).values_list("target_id").annotate(n=Count("id")).order_by()
    )
    for target_id, count in answered:
        if target_id in result:
            result[target_id].answered = count
    return result


class CampaignResults:
    """Every figure of a campaign, pooled and suppressed, from a bounded number of queries (whatever the number of
    responses): the questions, the targets, the programmes of the courses, the histogram and the participation."""

    def __init__(self, campaign: Campaign, *, histogram: Histogram | None = None) -> None:
        self.campaign = campaign
        self.threshold = campaign.threshold
        self.questions: list[Question] = list(
            Question.objects.filter(template_id=campaign.template_id)
            .select_related("scale", "section")
            .prefetch_related("scale__points", "options", "tags")
            .order_by("section__order", "section_id", "order", "pk")
        )
        self.targets: list[CampaignTarget] = list(
            campaign.targets.select_related("course", "programme", "unit", "scope_unit").order_by(
                "kind", "course__code", "programme__code", "unit__code"
            )
        )
        self.targets_by_id = {target.pk: target for target in self.targets}
        course_ids = [target.course_id for target in self.targets if target.kind == TargetKind.COURSE]
        links = list(
            Course.programmes.through.objects.filter(course_id__in=course_ids).values_list("course_id", "programme_id")
        )
        self.programmes: dict[int, Programme] = {
            programme.pk: programme
            for programme in Programme.objects.filter(pk__in={pid for _cid, pid in links}).select_related("org_unit")
        }
        target_of_course = {target.course_id: target.pk for target in self.targets if target.kind == TargetKind.COURSE}
        # programme id → its course targets in this campaign; target id → its programmes
        self.programme_targets: dict[int, list[int]] = defaultdict(list)
        self.target_programmes: dict[int, list[int]] = defaultdict(list)
        for course_id, programme_id in sorted(links):
            target_id = target_of_course[course_id]
            self.programme_targets[programme_id].append(target_id)
            self.target_programmes[target_id].append(programme_id)
        self.histogram = histogram if histogram is not None else campaign_histogram(campaign)
        self.participation = participation_by_target(campaign, self.targets)
        self._pool()
        self.suppressed = self._suppress()

    # --- Pools ---------------------------------------------------------------------------------------------------
    def _pool(self) -> None:
        self.cells: dict[tuple, Cell] = {}
        for question in self.questions:
            institution = Cell()
            for target in self.targets:
                cell = self.histogram.get((target.pk, question.pk))
                if cell is None:
                    continue
                self.cells[(TARGET, target.pk, question.pk)] = cell
                institution.add(cell)
            self.cells[(INSTITUTION, None, question.pk)] = institution
            for programme_id, target_ids in self.programme_targets.items():
                pooled = Cell()
                for target_id in target_ids:
                    cell = self.histogram.get((target_id, question.pk))
                    if cell is not None:
                        pooled.add(cell)
                self.cells[(PROGRAMME, programme_id, question.pk)] = pooled

    def n(self, key: tuple) -> int:
        cell = self.cells.get(key)
        return cell.n if cell else 0

    def _institution_parts(self, question_id: int) -> dict[tuple, int]:
        """The parts shown beside the institution's figure: its programmes, and the targets in none of them."""
        parts = {(PROGRAMME, pid, question_id): self.n((PROGRAMME, pid, question_id)) for pid in self.programme_targets}
        for target in self.targets:
            if not self.target_programmes.get(target.pk):
                parts[(TARGET, target.pk, question_id)] = self.n((TARGET, target.pk, question_id))
        return parts

    def _suppress(self) -> dict[tuple, str]:
        k = self.threshold
        suppressed: dict[tuple, str] = {}
        for question in self.questions:
            q = question.pk
            keys = [(TARGET, target.pk, q) for target in self.targets]
            keys += [(PROGRAMME, pid, q) for pid in self.programme_targets]
            keys.append((INSTITUTION, None, q))
            for key in keys:
                if self.n(key) < k:
                    suppressed[key] = BELOW_THRESHOLD
            # Each table of a total beside its parts, until no table needs more.
            changed = True
            while changed:
                changed = False
                tables = [
                    ((PROGRAMME, pid, q), {(TARGET, tid, q): self.n((TARGET, tid, q)) for tid in target_ids})
                    for pid, target_ids in self.programme_targets.items()
                ]
                tables.append(((INSTITUTION, None, q), self._institution_parts(q)))
                for total, parts in tables:
                    if total in suppressed:
                        continue
                    for key in complementary_suppression(parts, set(suppressed), k):
                        suppressed[key] = COMPLEMENTARY
                        changed = True
        return suppressed

    # --- Reading -------------------------------------------------------------------------------------------------
    def figures(self, level: str, ident: int | None, question: Question) -> Figures:
        key = (level, ident, question.pk)
        return figures_for(
            question, self.cells.get(key), threshold=self.threshold, suppressed=self.suppressed.get(key, "")
        )

    def target_figures(self, target: CampaignTarget) -> list[Figures]:
        return [self.figures(TARGET, target.pk, question) for question in self.questions]

    def programme_figures(self, programme_id: int) -> list[Figures]:
        return [self.figures(PROGRAMME, programme_id, question) for question in self.questions]

    def institution_figures(self) -> list[Figures]:
        return [self.figures(INSTITUTION, None, question) for question in self.questions]

    def is_suppressed(self, target_id: int, question_id: int) -> bool:
        """Whether the answers of a target to a question may not be shown (nor exported, raw or not)."""
        key = (TARGET, target_id, question_id)
        return key in self.suppressed or key not in self.cells

    @cached_property
    def overall_question(self) -> Question | None:
        """The first agreement item tagged "overall satisfaction": the quality index reads it."""
        for question in self.questions:
            if question.is_agreement and any(tag.code == OVERALL_SATISFACTION_TAG for tag in question.tags.all()):
                return question
        return None

    def light(self, target: CampaignTarget, *, green: int, amber: int) -> str:
        question = self.overall_question
        if question is None:
            return TrafficLight.GREY
        return traffic_light(self.figures(TARGET, target.pk, question), green=green, amber=amber)

    def programme_participation(self, programme_id: int) -> Participation:
        total = Participation()
        for target_id in self.programme_targets.get(programme_id, []):
            total.add(self.participation[target_id])
        return total

    def institution_participation(self) -> Participation:
        total = Participation()
        for value in self.participation.values():
            total.add(value)
        return total

    def programmes_of(self, target: CampaignTarget) -> list[Programme]:
        return [self.programmes[pid] for pid in self.target_programmes.get(target.pk, [])]

    def programmes_sorted(self) -> list[Programme]:
        return sorted((self.programmes[pid] for pid in self.programme_targets), key=lambda p: p.code)


# --- Freezing and pooled counts across campaigns --------------------------------------------------------------


def freeze_histogram(campaign: Campaign) -> int:
    """Write the histogram of ``campaign`` into counter rows (once, at close). Returns the number of rows."""
    ResultCounter.objects.filter(campaign=campaign).delete()
    counters = [
        ResultCounter(
            campaign=campaign,
            target_id=target_id,
            question_id=question_id,
            value=value,
            not_applicable=not_applicable,
            count=count,
        )
        for target_id, question_id, value, not_applicable, count in histogram_rows(campaign)
    ]
    ResultCounter.objects.bulk_create(counters, batch_size=2000)
    return len(counters)


def pooled_counts(counters, *, by: Iterable[str] = ()) -> dict:
    """Sum frozen counters by ``by`` fields, value and "not applicable": one GROUP BY."""
    fields = [*by, "question__code", "question__kind", "question__scale__code", "value", "not_applicable"]
    return {
        tuple(row[name] for name in fields): row["n"]
        for row in counters.values(*fields).annotate(n=Sum("count")).order_by()
    }

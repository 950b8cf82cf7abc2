"""Result figures against values computed by hand on a small fixture: counts, %, mean, median (from the
histogram), top-two share on agreement scales only, the threshold on each question's valid n, pooling (sums of
histograms, never averages of averages) and complementary suppression; frozen counters at close; a bounded number
of queries whatever the number of responses."""

from __future__ import annotations

from decimal import Decimal

import pytest

from qms.core.factories import AcademicYearFactory, CourseFactory, OrgUnitFactory, ProgrammeFactory
from surveys.choices import QuestionKind
from surveys.models import Answer, ResultCounter
from surveys.results import (
    BELOW_THRESHOLD,
    COMPLEMENTARY,
    INSTITUTION,
    PROGRAMME,
    TARGET,
    CampaignResults,
    Cell,
    complementary_suppression,
    figures_for,
    freeze_histogram,
    median_from_counts,
    pool_key,
)
from surveys.tests.factories import (
    CampaignFactory,
    QuestionFactory,
    ScaleFactory,
    SectionFactory,
    TemplateFactory,
    add_options,
    bulk_campaign,
    course_target,
    give_answers,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def fixture():
    """Programme P with courses A, B, C, and course D in no programme; k = 3."""
    unit = OrgUnitFactory(code="ufr")
    template = TemplateFactory()
    section = SectionFactory(template=template)
    agree = ScaleFactory(code="agree-4", points=4, is_agreement=True)
    q1 = QuestionFactory(section=section, code="OVERALL", scale=agree)
    q2 = QuestionFactory(section=section, code="RECOMMEND", kind=QuestionKind.RATING, scale=None)
    q3 = QuestionFactory(section=section, code="FORMATS", kind=QuestionKind.MULTIPLE_CHOICE, scale=None)
    add_options(q3, ["Cours", "TD", "TP"])
    q4 = QuestionFactory(section=section, code="COMMENTS", kind=QuestionKind.TEXT, scale=None)
    q5 = QuestionFactory(section=section, code="MATERIALS", scale=agree, allows_not_applicable=True)
    campaign = CampaignFactory(template=template, academic_year=AcademicYearFactory(), org_unit=unit, threshold=3)
    programme = ProgrammeFactory(code="P", org_unit=unit)
    courses = {code: CourseFactory(code=code, org_unit=unit) for code in "ABCD"}
    programme.courses.add(courses["A"], courses["B"], courses["C"])
    targets = {code: course_target(campaign, course) for code, course in courses.items()}
    give_answers(
        targets["A"],
        [
            {q1: 4, q2: 10, q3: {1, 2}, q4: "Très clair.", q5: 4},
            {q1: 4, q2: 8, q3: {2}, q5: "na"},
            {q1: 3, q2: 8, q3: {2, 3}, q5: "na"},
            {q1: 2, q2: 0, q3: "na", q4: "Trop rapide.", q5: 3},
            {q1: 1, q2: 5, q3: {1}, q5: 4},
        ],
    )
    give_answers(targets["B"], [{q1: 4, q5: "na"}, {q1: 4, q5: "na"}, {q1: 4, q5: "na"}, {q1: 3, q5: 4}])
    give_answers(targets["C"], [{q1: 1}, {q1: 2}])
    give_answers(targets["D"], [{q1: 2}, {q1: 2}, {q1: 2}, {q1: 3}, {q1: 4}, {q1: 4}])
    return {"campaign": campaign, "programme": programme, "targets": targets, "q": (q1, q2, q3, q4, q5)}


def test_figures_of_one_course_by_hand(fixture):
    q1, q2, q3, q4, q5 = fixture["q"]
    results = CampaignResults(fixture["campaign"])
    a = fixture["targets"]["A"].pk
    f1 = results.figures(TARGET, a, q1)
    assert (f1.n, f1.shown) == (5, True)
    assert [(bar.value, bar.count, bar.percent) for bar in f1.bars] == [
        (1, 1, Decimal("20.0")),
        (2, 1, Decimal("20.0")),
        (3, 1, Decimal("20.0")),
        (4, 2, Decimal("40.0")),
    ]
    assert f1.mean == Decimal("2.80")  # (1 + 2 + 3 + 4 + 4) / 5
    assert f1.median == 3  # sorted 1 2 3 4 4
    assert f1.top2 == Decimal("60.0")  # 3 and 4: three of five
    f2 = results.figures(TARGET, a, q2)
    assert (f2.mean, f2.median, f2.top2) == (Decimal("6.20"), 8, None)  # 31 / 5; sorted 0 5 8 8 10; not agreement
    f3 = results.figures(TARGET, a, q3)
    assert (f3.n, f3.not_applicable) == (4, 1)
    assert [(bar.label, bar.count, bar.percent) for bar in f3.bars] == [
        ("Cours", 2, Decimal("50.0")),
        ("TD", 3, Decimal("75.0")),
        ("TP", 1, Decimal("25.0")),
    ]
    assert f3.mean is None and f3.top2 is None
    f4 = results.figures(TARGET, a, q4)
    assert (f4.n, f4.shown, f4.bars) == (2, False, [])  # two comments: below k
    f5 = results.figures(TARGET, a, q5)
    # Three valid answers (k = 3), but beside the programme's total they would give away B's single one.
    assert (f5.n, f5.not_applicable, f5.suppressed) == (3, 2, COMPLEMENTARY)
    alone = figures_for(q5, results.cells[(TARGET, a, q5.pk)], threshold=3)
    assert (alone.shown, alone.top2) == (True, Decimal("100.0"))


def test_the_threshold_applies_to_each_questions_valid_n(fixture):
    q1, _q2, _q3, _q4, q5 = fixture["q"]
    results = CampaignResults(fixture["campaign"])
    c, d = fixture["targets"]["C"].pk, fixture["targets"]["D"].pk
    # Course B: four responses, but one valid answer to MATERIALS (three said "not applicable").
    b = fixture["targets"]["B"].pk
    materials = results.figures(TARGET, b, q5)
    assert (materials.n, materials.not_applicable, materials.suppressed) == (1, 3, BELOW_THRESHOLD)
    assert materials.bars == [] and materials.mean is None and materials.top2 is None
    below = results.figures(TARGET, c, q1)
    assert (below.n, below.suppressed, below.mean) == (2, BELOW_THRESHOLD, None)
    assert results.figures(TARGET, d, q1).shown


def test_pooled_figures_sum_histograms_and_never_average_averages(fixture):
    q1 = fixture["q"][0]
    results = CampaignResults(fixture["campaign"])
    programme = results.figures(PROGRAMME, fixture["programme"].pk, q1)
    # A {1,2,3,4,4} + B {3,4,4,4} + C {1,2}: eleven answers summing to 32.
    assert programme.n == 11
    assert [bar.count for bar in programme.bars] == [2, 2, 2, 5]
    assert programme.mean == Decimal("2.91")  # 32 / 11; the mean of the means would be 2.68
    assert programme.median == 3  # cumulative 2, 4, 6 ≥ 5.5
    assert programme.top2 == Decimal("63.6")  # 7 / 11
    institution = results.figures(INSTITUTION, None, q1)
    assert (institution.n, institution.mean) == (17, Decimal("2.88"))  # + D {2,2,2,3,4,4}: 49 / 17
    assert institution.median == 3  # cumulative 2, 7, 9 ≥ 8.5


def test_complementary_suppression_hides_the_next_smallest_part(fixture):
    q1 = fixture["q"][0]
    results = CampaignResults(fixture["campaign"])
    targets = fixture["targets"]
    # C (2 answers) is below k; beside the programme's total, B (4) would give it away: B goes too, A stays.
    assert results.figures(TARGET, targets["C"].pk, q1).suppressed == BELOW_THRESHOLD
    assert results.figures(TARGET, targets["B"].pk, q1).suppressed == COMPLEMENTARY
    assert results.figures(TARGET, targets["A"].pk, q1).shown
    assert results.figures(TARGET, targets["B"].pk, q1).n == 4  # n is still given
    assert results.figures(PROGRAMME, fixture["programme"].pk, q1).shown


def test_the_rule_of_complementary_suppression():
    assert complementary_suppression({"a": 10, "b": 4, "c": 2}, {"c"}, 5) == {"b"}
    assert complementary_suppression({"a": 10, "b": 4, "c": 2, "d": 1}, {"c", "d"}, 5) == {"b"}
    assert complementary_suppression({"a": 10, "b": 6}, set(), 5) == set()
    assert complementary_suppression({"a": 10, "c": 0}, {"c"}, 5) == set()  # nothing hidden: nothing to protect
    assert complementary_suppression({"a": 10, "b": 3, "c": 1}, {"b", "c"}, 3) == set()  # 4 hidden ≥ k


def test_medians_from_the_histogram():
    assert median_from_counts({1: 1, 2: 1, 3: 1, 4: 2}) == 3
    assert median_from_counts({1: 2, 4: 2}) == 1  # percentile_disc: the lower middle
    assert median_from_counts({5: 1}) == 5
    assert median_from_counts({}) is None


def test_only_the_same_code_on_the_same_scale_is_pooled(fixture):
    q1 = fixture["q"][0]
    other_scale = ScaleFactory(code="agree-5", points=5)
    same_code_other_scale = QuestionFactory(code="OVERALL", scale=other_scale)
    same_code_same_scale = QuestionFactory(code="OVERALL", scale=q1.scale)
    assert pool_key(q1) == pool_key(same_code_same_scale)
    assert pool_key(q1) != pool_key(same_code_other_scale)


def test_a_cell_below_k_says_only_n():
    question = QuestionFactory()
    figures = figures_for(question, Cell(counts={4: 2}), threshold=3)
    assert (figures.n, figures.shown, figures.bars, figures.mean) == (2, False, [], None)


def test_results_read_the_counters_frozen_at_close(fixture):
    campaign = fixture["campaign"]
    q1 = fixture["q"][0]
    live = CampaignResults(campaign)
    assert freeze_histogram(campaign) == ResultCounter.objects.filter(campaign=campaign).count() > 0
    campaign.results_frozen = True
    campaign.save()
    Answer.objects.filter(question=q1).delete()  # whatever happens to the answers now, results are frozen
    frozen = CampaignResults(campaign)
    a = fixture["targets"]["A"].pk
    assert frozen.figures(TARGET, a, q1) == live.figures(TARGET, a, q1)
    assert frozen.figures(PROGRAMME, fixture["programme"].pk, q1).mean == Decimal("2.91")


def test_ten_thousand_responses_to_twenty_questions_from_a_bounded_number_of_queries(django_assert_max_num_queries):
    campaign = bulk_campaign(responses=10_000, questions=20, targets=50)
    assert Answer.objects.count() == 10_000 * 20
    with django_assert_max_num_queries(12):
        results = CampaignResults(campaign)
        institution = results.institution_figures()
        per_target = [results.target_figures(target) for target in results.targets]
    assert institution[0].n == 10_000 and len(per_target) == 50
    freeze_histogram(campaign)
    campaign.results_frozen = True
    with django_assert_max_num_queries(12):
        frozen = CampaignResults(campaign)
        assert frozen.institution_figures()[0].n == 10_000

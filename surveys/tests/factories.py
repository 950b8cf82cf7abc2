"""factory_boy factories of the surveys, and helpers that build a campaign with its answers in bulk."""

from __future__ import annotations

import datetime
import random
import uuid
from collections.abc import Iterable

import factory
from django.db import connection
from factory.django import DjangoModelFactory

from qms.core.factories import AcademicYearFactory, OrgUnitFactory
from surveys import reference_data
from surveys.choices import QuestionKind
from surveys.models import (
    Answer,
    Campaign,
    CampaignTarget,
    Question,
    QuestionnaireTemplate,
    QuestionOption,
    Response,
    Scale,
    ScalePoint,
    Section,
    SurveyToken,
)


class ScaleFactory(DjangoModelFactory):
    class Meta:
        model = Scale
        django_get_or_create = ("code",)
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"scale-{n}")
    name_fr = factory.Sequence(lambda n: f"Échelle {n}")
    is_agreement = True

    @factory.post_generation
    def points(self, create, extracted, **kwargs):
        """``ScaleFactory(points=4)`` gives it points 1 … 4."""
        if create and extracted:
            for value in range(1, extracted + 1):
                ScalePoint.objects.get_or_create(scale=self, value=value, defaults={"label_fr": f"Point {value}"})


class TemplateFactory(DjangoModelFactory):
    class Meta:
        model = QuestionnaireTemplate

    code = factory.Sequence(lambda n: f"questionnaire-{n}")
    title_fr = factory.Sequence(lambda n: f"Questionnaire {n}")
    title_en = factory.Sequence(lambda n: f"Questionnaire {n}")


class SectionFactory(DjangoModelFactory):
    class Meta:
        model = Section

    template = factory.SubFactory(TemplateFactory)
    title_fr = factory.Sequence(lambda n: f"Partie {n}")
    order = factory.Sequence(lambda n: n)


class QuestionFactory(DjangoModelFactory):
    class Meta:
        model = Question

    section = factory.SubFactory(SectionFactory)
    template = factory.SelfAttribute("section.template")
    code = factory.Sequence(lambda n: f"Q_{n}")
    kind = QuestionKind.LIKERT
    text_fr = factory.Sequence(lambda n: f"Question {n} ?")
    scale = factory.SubFactory(ScaleFactory, points=4)
    order = factory.Sequence(lambda n: n)


def add_options(question: Question, labels: Iterable[str]) -> None:
    for value, label in enumerate(labels, start=1):
        QuestionOption.objects.create(question=question, value=value, label_fr=label, label_en=label)


class CampaignFactory(DjangoModelFactory):
    class Meta:
        model = Campaign

    title = factory.Sequence(lambda n: f"Campagne {n}")
    template = factory.SubFactory(TemplateFactory)
    academic_year = factory.SubFactory(AcademicYearFactory)
    org_unit = factory.SubFactory(OrgUnitFactory)
    opens_on = datetime.date(2026, 1, 5)
    closes_on = datetime.date(2026, 1, 31)
    threshold = 5


def standard_template() -> QuestionnaireTemplate:
    """The shipped course-evaluation questionnaire (loaded on demand)."""
    reference_data.load()
    return QuestionnaireTemplate.objects.get(code=reference_data.STANDARD_TEMPLATE_CODE, version=1)


def course_target(campaign: Campaign, course) -> CampaignTarget:
    return CampaignTarget.objects.create(campaign=campaign, kind="course", course=course)


def roster(campaign: Campaign, target: CampaignTarget, count: int, *, prefix: str = "etu") -> list[SurveyToken]:
    return SurveyToken.objects.bulk_create(
        [
            SurveyToken(campaign=campaign, target=target, email=f"{prefix}{n}.{target.pk}@etu.example.edu")
            for n in range(count)
        ]
    )


def _insert(model, columns: list[str], rows: list[tuple]) -> None:
    """Rows straight into ``model``'s table with one prepared statement: hundreds of thousands of answers in
    seconds, as a benchmark needs (``bulk_create`` builds a model instance for each)."""
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(model._meta.get_field(column).column) for column in columns)
    marks = ", ".join(["%s"] * len(columns))
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 20_000):
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows[start : start + 20_000])


def give_answers(target: CampaignTarget, answers: list[dict[Question, object]]) -> list[uuid.UUID]:
    """One response per dict: question → value (an int, "na", a str for free text, or a set for a multiple
    choice). Written in bulk, as a benchmark would. Returns the responses' keys."""
    # What UUIDField.get_db_prep_value gives, without its per-value overhead: native on PostgreSQL, hex elsewhere.
    native = connection.features.has_native_uuid_field

    def prep(value: uuid.UUID):
        return value if native else value.hex

    response_ids = [uuid.uuid4() for _row in answers]
    _insert(Response, ["id", "target"], [(prep(pk), target.pk) for pk in response_ids])
    rows = []
    for response_id, given in zip(response_ids, answers, strict=True):
        for question, value in given.items():
            not_applicable, text, number = False, "", None
            if value == "na":
                not_applicable = True
            elif isinstance(value, str):
                text = value
            elif isinstance(value, set):
                number = sum(1 << (option - 1) for option in value)
            else:
                number = value
            rows.append((prep(uuid.uuid4()), prep(response_id), question.pk, number, not_applicable, text, False))
    _insert(Answer, ["id", "response", "question", "value", "not_applicable", "text", "hidden"], rows)
    return response_ids


def random_answers(questions: list[Question], count: int, *, seed: int = 1) -> list[dict[Question, object]]:
    rng = random.Random(seed)
    rows = []
    for _n in range(count):
        row = {}
        for question in questions:
            if question.kind == QuestionKind.LIKERT:
                row[question] = rng.choice([1, 2, 3, 3, 4, 4, 4])
            elif question.kind == QuestionKind.RATING:
                row[question] = rng.randint(0, 10)
        rows.append(row)
    return rows


def bulk_campaign(*, responses: int = 10_000, questions: int = 20, targets: int = 50, code: str = "bulk"):
    """A closed campaign of ``targets`` courses in one programme, with ``responses`` responses to ``questions``
    agreement items, written in bulk (for the query budget test and the benchmark). Returns the campaign."""
    from qms.core.factories import CourseFactory, ProgrammeFactory

    unit = OrgUnitFactory(code=f"ufr-{code}")
    template = TemplateFactory()
    section = SectionFactory(template=template)
    scale = ScaleFactory(code=f"agree-{code}", points=4)
    items = [QuestionFactory(section=section, code=f"Q{n:02d}", scale=scale) for n in range(questions)]
    campaign = CampaignFactory(template=template, academic_year=AcademicYearFactory(), org_unit=unit, threshold=5)
    programme = ProgrammeFactory(code=f"P-{code}", org_unit=unit)
    per_target = responses // targets
    for index in range(targets):
        course = CourseFactory(code=f"{code}-{index:03d}", org_unit=unit)
        programme.courses.add(course)
        target = course_target(campaign, course)
        give_answers(target, [{q: 1 + (index + r + i) % 4 for i, q in enumerate(items)} for r in range(per_target)])
    return campaign

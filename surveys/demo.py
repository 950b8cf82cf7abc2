"""The demo course evaluations: last year's campaign, closed and published, with about 2,500 realistic responses
across the demo university's courses (some courses below the threshold, a few teachers' replies, a hidden
comment); this year's first-semester campaign, published too, so that trends have two years; and this year's
second-semester campaign, open, with its roster and its first responses.

Idempotent: a campaign that exists (by title) is left as it is. No outbox row is written (nobody is mailed): the
campaigns are built through the models and the shared status history, not through the services that mail.
A personal link of the open campaign is printed, so the answer page can be tried.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import random
import unicodedata
from typing import TextIO

from django.db import transaction
from django.utils import timezone

from qms.core.choices import Actor
from qms.core.models import AcademicYear, Course, OrgUnit, Teaching
from qms.core.tokens import hash_token
from qms.core.workflow import record_status
from surveys import councils_demo, reference_data
from surveys.choices import CampaignStatus, QuestionKind, TargetKind
from surveys.models import (
    Answer,
    Campaign,
    CampaignTarget,
    Question,
    QuestionnaireTemplate,
    Response,
    SurveyToken,
    TeacherReply,
    TokenSecret,
)
from surveys.results import freeze_histogram

INSTITUTION_CODE = "udemo"
THRESHOLD = 5
LAST_YEAR_TITLE = "Évaluation des enseignements 2024-2025"
FIRST_SEMESTER_TITLE = "Évaluation des enseignements — premier semestre 2025-2026"
OPEN_TITLE = "Évaluation des enseignements — second semestre 2025-2026"
# Programmes evaluated this year (the first semester's campaign, then the second's, which is open).
THIS_YEAR_PROGRAMMES = ("L-INFO", "M-INFO", "L-MATH", "ING-INFO", "BUT-INFO")
OPEN_PROGRAMMES = ("L-INFO", "L-LM", "M-PSY")
# Courses whose roster is too small to ever show results (k = 5).
SMALL_COURSES = 6

STRENGTHS = [
    "Des exemples concrets et bien choisis.",
    "Enseignant·e disponible et à l'écoute.",
    "Les TD aident vraiment à comprendre le cours.",
    "Supports clairs, bien structurés sur la plateforme.",
    "Très bonne articulation entre cours et pratique.",
    "Le rythme est bon et les attentes sont claires.",
    "Les projets en groupe sont motivants.",
    "Beaucoup d'exercices corrigés, c'est rassurant avant l'examen.",
]
IMPROVEMENTS = [
    "Mettre les supports en ligne avant les séances.",
    "Le rythme est trop rapide en fin de semestre.",
    "Plus d'exercices d'entraînement avant l'examen.",
    "La salle est trop petite pour le nombre d'étudiants.",
    "Les consignes de l'évaluation finale arrivent trop tard.",
    "Trop de contenu pour le volume horaire.",
    "Harmoniser les TD entre les groupes.",
    "Des corrections plus détaillées des devoirs.",
]
ABUSIVE = "Prof nul, cours inutile, on perd notre temps."
REPLIES = [
    "Merci pour vos retours. L'an prochain, les supports seront déposés une semaine avant chaque séance et une "
    "séance de révision sera ajoutée avant l'examen.",
    "Vous êtes nombreux à trouver la fin du semestre trop dense\u00a0: deux chapitres passent en autonomie guidée, "
    "avec des exercices corrigés en ligne.",
    "Les consignes de l'évaluation finale seront publiées dès la rentrée, avec un exemple de sujet corrigé.",
    "Nous harmonisons les TD\u00a0: un même corrigé et une réunion d'équipe mi-semestre.",
    "Merci\u00a0! Nous gardons le projet en groupe et ajoutons une soutenance intermédiaire pour mieux vous "
    "accompagner.",
]
FIRST_NAMES = [
    "Léa", "Hugo", "Chloé", "Lucas", "Manon", "Nathan", "Inès", "Louis", "Camille", "Yanis", "Sarah", "Enzo", "Jade",
    "Adam", "Zoé", "Théo", "Lina", "Mathis", "Emma", "Rayan", "Anaïs", "Noah", "Clara", "Maël", "Lou", "Sacha",
]  # fmt: skip
LAST_NAMES = [
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau", "Simon",
    "Laurent", "Lefebvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier", "Morel", "Girard",
]  # fmt: skip


def _plain(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).lower()


def _student(rng: random.Random, index: int) -> str:
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    return f"{_plain(first)}.{_plain(last)}{index}@etu.udemo.fr"


class _Respondent:
    """Draws one student's answers to the standard questionnaire for a course of a given quality (0 to 1)."""

    def __init__(self, rng: random.Random, quality: float) -> None:
        self.rng = rng
        # Each student's own leaning around the course's quality: answers hang together.
        self.mood = max(0.0, min(1.0, rng.gauss(quality, 0.18)))

    def agreement(self, spread: float = 0.22) -> int:
        score = max(0.0, min(0.999, self.rng.gauss(self.mood, spread)))
        return 1 + int(score * 4)

    def answers(self, questions: dict[str, Question]) -> dict[Question, object]:
        rng = self.rng
        row: dict[Question, object] = {}
        for code, question in questions.items():
            if question.kind == QuestionKind.LIKERT:
                if question.allows_not_applicable and rng.random() < 0.08:
                    row[question] = "na"
                elif question.required or rng.random() < 0.93:
                    row[question] = self.agreement()
            elif question.kind == QuestionKind.RATING and rng.random() < 0.9:
                row[question] = max(0, min(10, round(rng.gauss(self.mood * 10, 1.8))))
            elif question.kind == QuestionKind.SINGLE_CHOICE and rng.random() < 0.85:
                row[question] = rng.choices([1, 2, 3, 4], weights=[2, 4, 3, 1])[0]
            elif question.kind == QuestionKind.MULTIPLE_CHOICE and rng.random() < 0.8:
                row[question] = {1, 2} if rng.random() < 0.6 else rng.choice([{1}, {1, 2, 3}, {2, 3}, {1, 4}])
            elif question.kind == QuestionKind.TEXT:
                if code == "STRENGTHS" and rng.random() < 0.22 and self.mood > 0.4:
                    row[question] = rng.choice(STRENGTHS)
                elif code == "IMPROVEMENTS" and rng.random() < 0.2:
                    row[question] = rng.choice(IMPROVEMENTS)
        return row


def _write_responses(target: CampaignTarget, rows: list[dict[Question, object]]) -> list[Answer]:
    responses = [Response(target=target) for _row in rows]
    Response.objects.bulk_create(responses)
    answers = []
    for response, row in zip(responses, rows, strict=True):
        for question, value in row.items():
            if value == "na":
                answers.append(Answer(response=response, question=question, not_applicable=True))
            elif isinstance(value, str):
                answers.append(Answer(response=response, question=question, text=value))
            elif isinstance(value, set):
                mask = sum(1 << (option - 1) for option in value)
                answers.append(Answer(response=response, question=question, value=mask))
            else:
                answers.append(Answer(response=response, question=question, value=value))
    return Answer.objects.bulk_create(answers, batch_size=5000)


def _history(campaign: Campaign, moves: list[tuple[str, str, datetime.datetime]]) -> None:
    for from_status, to_status, at in moves:
        record_status(campaign, from_status, to_status, actor=Actor.SYSTEM, at=at)


def _at(day: datetime.date, hour: int = 8) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _questions(template: QuestionnaireTemplate) -> dict[str, Question]:
    return {question.code: question for question in template.questions.prefetch_related("options")}


def _published_campaign(
    *,
    title: str,
    template: QuestionnaireTemplate,
    year: AcademicYear,
    unit: OrgUnit,
    courses: list[Course],
    opens_on: datetime.date,
    rng: random.Random,
    roster_sizes: tuple[int, int],
    small: int,
) -> Campaign:
    closes_on = opens_on + datetime.timedelta(days=27)
    publication = closes_on + datetime.timedelta(days=30)
    campaign = Campaign.objects.create(
        title=title,
        template=template,
        academic_year=year,
        org_unit=unit,
        opens_on=opens_on,
        closes_on=closes_on,
        publication_date=publication,
        threshold=THRESHOLD,
        status=CampaignStatus.PUBLISHED,
        mailings=2,
        reminders=1,
        opened_at=_at(opens_on),
        closed_at=_at(closes_on + datetime.timedelta(days=1)),
        published_at=_at(publication),
        results_frozen=True,
        roster_purged_at=_at(publication, 9),
    )
    _history(
        campaign,
        [
            ("", CampaignStatus.DRAFT, _at(opens_on - datetime.timedelta(days=20))),
            (CampaignStatus.DRAFT, CampaignStatus.OPEN, campaign.opened_at),
            (CampaignStatus.OPEN, CampaignStatus.CLOSED, campaign.closed_at),
            (CampaignStatus.CLOSED, CampaignStatus.PUBLISHED, campaign.published_at),
        ],
    )
    questions = _questions(template)
    small_courses = set(rng.sample([course.pk for course in courses], small)) if small else set()
    for course in courses:
        target = CampaignTarget.objects.create(campaign=campaign, kind=TargetKind.COURSE, course=course)
        if course.pk in small_courses:
            invited = rng.randint(3, 6)
            answered = rng.randint(1, min(3, invited))
        else:
            invited = rng.randint(*roster_sizes)
            answered = round(invited * rng.uniform(0.32, 0.72))
        quality = rng.uniform(0.42, 0.9)
        rows = [_Respondent(rng, quality).answers(questions) for _n in range(answered)]
        _write_responses(target, rows)
        # The roster is purged at publication: only the counts stay.
        CampaignTarget.objects.filter(pk=target.pk).update(invited_count=invited, answered_count=answered)
    freeze_histogram(campaign)
    return campaign


def _replies(campaign: Campaign, rng: random.Random) -> int:
    """A few teachers reply to their students, on courses with enough answers."""
    targets = list(
        campaign.targets.filter(kind=TargetKind.COURSE, answered_count__gte=15).select_related("course").order_by("pk")
    )
    written = 0
    for target, text in zip(rng.sample(targets, min(len(REPLIES), len(targets))), REPLIES, strict=False):
        teaching = (
            Teaching.objects.filter(course=target.course, academic_year=campaign.academic_year)
            .select_related("teacher")
            .first()
        )
        if teaching is None:
            continue
        TeacherReply.objects.update_or_create(target=target, author=teaching.teacher, defaults={"text": text})
        written += 1
    return written


def _abusive_comment(campaign: Campaign) -> None:
    """One abusive comment, hidden by moderation (the hiding is in the campaign's activity log)."""
    from qms.core.services import log_activity

    target = campaign.targets.filter(answered_count__gte=15).order_by("pk").first()
    response = Response.objects.filter(target=target).order_by("pk").first()
    question = campaign.template.questions.get(code="IMPROVEMENTS")
    answer, _created = Answer.objects.update_or_create(
        response=response, question=question, defaults={"text": ABUSIVE, "hidden": True}
    )
    freeze_histogram(campaign)
    log_activity(
        obj=campaign,
        verb="survey.comment_hidden",
        actor=Actor.SYSTEM,
        details={"answer": str(answer.pk), "target": target.code, "question": "IMPROVEMENTS", "reason": "injurieux"},
    )


def demo_secret() -> str:
    """The secret of the demo's personal link: the same on every run (so the demo stays idempotent), and shaped
    like a real one (43 URL-safe characters)."""
    return base64.urlsafe_b64encode(hashlib.sha256(b"qms-demo-survey-link").digest()).decode().rstrip("=")


def _open_campaign(*, template, year, unit, courses, rng: random.Random) -> Campaign:
    today = timezone.localdate()
    campaign = Campaign.objects.create(
        title=OPEN_TITLE,
        template=template,
        academic_year=year,
        org_unit=unit,
        opens_on=today - datetime.timedelta(days=6),
        closes_on=today + datetime.timedelta(days=15),
        publication_date=today + datetime.timedelta(days=45),
        threshold=THRESHOLD,
        status=CampaignStatus.OPEN,
        mailings=1,
        opened_at=_at(today - datetime.timedelta(days=6)),
    )
    _history(
        campaign,
        [
            ("", CampaignStatus.DRAFT, _at(today - datetime.timedelta(days=20))),
            (CampaignStatus.DRAFT, CampaignStatus.OPEN, campaign.opened_at),
        ],
    )
    questions = _questions(template)
    students = [_student(rng, n) for n in range(160)]
    first_token = None
    for course in courses:
        target = CampaignTarget.objects.create(campaign=campaign, kind=TargetKind.COURSE, course=course)
        enrolled = rng.sample(students, rng.randint(18, 45))
        tokens = SurveyToken.objects.bulk_create(
            [
                SurveyToken(campaign=campaign, target=target, email=email, language=rng.choice(["fr", "fr", "en", ""]))
                for email in enrolled
            ]
        )
        answered = [token for token in tokens[1:] if rng.random() < 0.35]
        SurveyToken.objects.filter(pk__in=[token.pk for token in answered]).update(used=True)
        quality = rng.uniform(0.45, 0.85)
        _write_responses(target, [_Respondent(rng, quality).answers(questions) for _token in answered])
        first_token = first_token or tokens[0]
    TokenSecret.objects.update_or_create(hash=hash_token(demo_secret()), defaults={"token": first_token})
    return campaign


def _courses_of(codes: tuple[str, ...]) -> list[Course]:
    return list(Course.objects.filter(programmes__code__in=codes, is_active=True).distinct().order_by("code"))


@transaction.atomic
def seed(stdout: TextIO) -> None:
    """Build (or leave as they are) the demo's three campaigns."""
    reference_data.load()
    template = QuestionnaireTemplate.objects.get(code=reference_data.STANDARD_TEMPLATE_CODE, version=1)
    unit = OrgUnit.objects.filter(code=INSTITUTION_CODE).first()
    years = {year.start_date.year: year for year in AcademicYear.objects.all()}
    last_year, this_year = years.get(2024), years.get(2025)
    if unit is None or last_year is None or this_year is None:
        stdout.write("Demo data: surveys skipped (the demo university is not there).\n")
        return
    if template.frozen_at is None:
        QuestionnaireTemplate.objects.filter(pk=template.pk).update(frozen_at=_at(datetime.date(2025, 1, 6)))
    rng = random.Random("qms-demo-surveys")
    if not Campaign.objects.filter(title=LAST_YEAR_TITLE).exists():
        courses = list(Course.objects.filter(is_active=True).order_by("code"))
        campaign = _published_campaign(
            title=LAST_YEAR_TITLE,
            template=template,
            year=last_year,
            unit=unit,
            courses=courses,
            opens_on=datetime.date(2025, 5, 12),
            rng=rng,
            roster_sizes=(18, 72),
            small=SMALL_COURSES,
        )
        _replies(campaign, rng)
        _abusive_comment(campaign)
    if not Campaign.objects.filter(title=FIRST_SEMESTER_TITLE).exists():
        campaign = _published_campaign(
            title=FIRST_SEMESTER_TITLE,
            template=template,
            year=this_year,
            unit=unit,
            courses=_courses_of(THIS_YEAR_PROGRAMMES),
            opens_on=datetime.date(2026, 1, 5),
            rng=rng,
            roster_sizes=(20, 60),
            small=2,
        )
        _replies(campaign, rng)
    if not Campaign.objects.filter(title=OPEN_TITLE).exists():
        _open_campaign(template=template, year=this_year, unit=unit, courses=_courses_of(OPEN_PROGRAMMES), rng=rng)
    councils_demo.seed(stdout)
    published = Response.objects.filter(target__campaign__status=CampaignStatus.PUBLISHED).count()
    stdout.write(
        f"Surveys: {Campaign.objects.count()} campaigns, {published} responses in published ones, "
        f"{TeacherReply.objects.count()} teachers' replies.\n"
        f"Try the answer page of the open campaign: /enquetes/r/{demo_secret()}/\n"
    )

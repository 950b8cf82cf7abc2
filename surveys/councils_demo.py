"""The demo improvement councils, called by ``surveys.demo.seed``: for last year and this year, councils in every
status (planned, held, minutes published), one covering two programmes, each with members (the programme's
director and one of its teachers linked to their accounts, the others by name) and decisions, most of which became
actions in their programme's plan: the held council of this year shows its own, and what became of last year's.

Idempotent: a council is found by its year and its first programme and left as it is; a decision that already has
an action gets no other. The councils are built through the models and the shared status history, their members
through the councils' services; the actions through the action plans' services (the programme's plan made when
first needed, as a decision's "Actions" panel does), without telling anyone: no outbox row is written. Whether the
action plans' own demo ran before or not changes nothing.
"""

from __future__ import annotations

import datetime
from typing import TextIO

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from actionplans import services as plans
from actionplans.choices import ActionKind, ActionStatus
from actionplans.selectors import actions_for_source
from qms.core.models import AcademicYear, Programme, User
from qms.core.workflow import record_status
from surveys.councils_choices import CouncilMemberRole as R
from surveys.councils_choices import CouncilStatus as S
from surveys.models import Council, CouncilDecision, CouncilInput
from surveys.services import councils as council_services

MINUTES_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
# Sitting with the programme's director and one of its teachers (linked to their accounts), by name:
MEMBERS = [
    ("Délégué·e des étudiant·es", R.STUDENT, True),
    ("Représentant·e d'une entreprise partenaire", R.PROFESSIONAL, True),
    ("Diplômé·e de la promotion précédente", R.ALUMNUS, False),
]
# The demo's teacher persona sits on their programme's councils when they teach in it.
TEACHER_USERNAME = "enseignant"
# What became of the decisions (by their text): the action's title, its status, its progress note, and whether it
# is late (due 200 days after the council) rather than due in three months.
DECISION_ACTIONS = {
    "Créer un tutorat par les pairs en L1.": (
        "Mettre en place un tutorat par les pairs en L1",
        ActionStatus.DONE,
        "Douze tuteurs de L3 recrutés et formés\u00a0; premières séances à la rentrée.",
        False,
    ),
    "Rééquilibrer la charge de projets du semestre 4.": (
        "Ramener de trois à deux les projets du semestre 4",
        ActionStatus.IN_PROGRESS,
        "Maquette du S4 révisée avec l'équipe pédagogique\u00a0; vote au conseil de composante à venir.",
        False,
    ),
    "Ajouter un module de sécurité logicielle.": (
        "Ouvrir un module de sécurité logicielle en M1",
        ActionStatus.IN_PROGRESS,
        "Contenu du module rédigé\u00a0; intervenant·e extérieur·e en cours de recrutement.",
        True,
    ),
    "Avancer le stage de 4e année.": (
        "Avancer le stage de 4e année au second semestre",
        ActionStatus.PLANNED,
        "",
        False,
    ),
    "Étendre le tutorat aux étudiant·es de L2.": (
        "Étendre le tutorat par les pairs à la L2",
        ActionStatus.PLANNED,
        "",
        False,
    ),
}
# (year start, programme codes, status, planned date, held date, decisions by programme code)
COUNCILS = [
    (
        2024,
        ("L-INFO",),
        S.MINUTES_PUBLISHED,
        datetime.date(2025, 3, 11),
        datetime.date(2025, 3, 11),
        {"L-INFO": ["Créer un tutorat par les pairs en L1.", "Rééquilibrer la charge de projets du semestre 4."]},
    ),
    (
        2024,
        ("M-INFO", "ING-INFO"),
        S.HELD,
        datetime.date(2025, 4, 3),
        datetime.date(2025, 4, 3),
        {"M-INFO": ["Ajouter un module de sécurité logicielle."], "ING-INFO": ["Avancer le stage de 4e année."]},
    ),
    (2024, ("L-MATH",), S.PLANNED, datetime.date(2025, 5, 20), None, {}),
    (
        2025,
        ("L-INFO",),
        S.HELD,
        datetime.date(2026, 2, 10),
        datetime.date(2026, 2, 10),
        {"L-INFO": ["Étendre le tutorat aux étudiant·es de L2."]},
    ),
    (2025, ("M-INFO", "ING-INFO"), S.PLANNED, datetime.date(2026, 4, 7), None, {}),
    (
        2025,
        ("L-MATH",),
        S.MINUTES_PUBLISHED,
        datetime.date(2026, 1, 20),
        datetime.date(2026, 1, 22),
        {"L-MATH": ["Proposer une remise à niveau en analyse à la rentrée."]},
    ),
    (2025, ("BUT-INFO",), S.PLANNED, None, None, {}),
]


@transaction.atomic
def _council(year, programmes, status, planned, held, decisions) -> Council:
    council = Council.objects.create(
        academic_year=year,
        planned_date=planned,
        held_date=held,
        agenda="1. Résultats des évaluations des enseignements\n2. Suites du conseil précédent\n3. Décisions",
    )
    council.programmes.set(programmes)
    record_status(council, "", S.PLANNED)
    if status == S.PLANNED:
        return council
    _seat_members(council, programmes[0])
    for programme in programmes:
        CouncilInput.objects.create(
            council=council,
            title=f"Résultats des évaluations — {programme.code}",
            url=f"/enquetes/evolutions/formations/{programme.pk}/",
        )
    by_code = {p.code: p for p in programmes}
    for code, texts in decisions.items():
        for number, text in enumerate(texts, start=1):
            CouncilDecision.objects.create(council=council, programme=by_code[code], number=number, text=text)
    Council.objects.filter(pk=council.pk).update(status=S.HELD)
    record_status(council, S.PLANNED, S.HELD)
    if status == S.MINUTES_PUBLISHED:
        council.minutes.save("compte-rendu.pdf", ContentFile(MINUTES_PDF), save=False)
        Council.objects.filter(pk=council.pk).update(
            minutes=council.minutes.name,
            minutes_name="compte-rendu.pdf",
            minutes_content_type="application/pdf",
            status=S.MINUTES_PUBLISHED,
        )
        record_status(council, S.HELD, S.MINUTES_PUBLISHED)
    return council


def _seat_members(council: Council, programme: Programme) -> None:
    """The programme's director and one of its teachers, by their accounts; the others by name."""
    teachers = User.objects.filter(teachings__course__programmes=programme, is_active=True).exclude(
        pk=programme.director_id
    )
    teacher = teachers.filter(username=TEACHER_USERNAME).first() or teachers.order_by("username").first()
    seats = [(programme.director, "", R.TEACHER, True), (teacher, "", R.TEACHER, True)]
    seats += [(None, name, role, attended) for name, role, attended in MEMBERS]
    for user, name, role, attended in seats:
        if user is None and not name:
            continue
        council_services.member_save(
            council=council, by=None, data={"user": user, "name": name, "role": role, "attended": attended}
        )


def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    """``day`` at ``hour``, never later than now (a history is recorded, not foretold)."""
    return min(timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour))), timezone.now())


def _seed_actions(by: User | None) -> int:
    """Actions for the demo decisions, in their programme's plan (made when first needed)."""
    today = timezone.localdate()
    made = 0
    decisions = CouncilDecision.objects.filter(text__in=DECISION_ACTIONS, archived=False).select_related(
        "programme__org_unit", "programme__director", "council__academic_year"
    )
    for decision in decisions.order_by("council__academic_year__start_date", "pk"):
        if actions_for_source(decision).exists():
            continue
        title, status, note, late = DECISION_ACTIONS[decision.text]
        programme, council = decision.programme, decision.council
        held = min(council.held_date or council.planned_date or today, today)
        owner = programme.director
        plan = plans.programme_plan_for(programme=programme, by=by)
        deadline = held + datetime.timedelta(days=200) if late else today + datetime.timedelta(days=90)
        action = plans.action_import_create(
            plan=plan,
            title=title,
            kind=ActionKind.IMPROVEMENT,
            owner=owner,
            org_unit=programme.org_unit,
            deadline=held + datetime.timedelta(days=180) if status == ActionStatus.DONE else deadline,
            description=f"Décision {decision.reference} du conseil de perfectionnement.",
            sources=[decision],
            by=by,
            notify_owner=False,
            at=_at(held + datetime.timedelta(days=7)),
        )
        made += 1
        if status == ActionStatus.PLANNED:
            continue
        begun = min(held + datetime.timedelta(days=45), today)
        plans.action_add_update(action=action, by=owner or by, comment=note, progress=50, at=_at(begun, 14))
        if status == ActionStatus.DONE:
            done = min(held + datetime.timedelta(days=150), today)
            plans.action_transition(
                action=action, to=ActionStatus.DONE, by=owner or by, completed_on=done, at=_at(done, 16)
            )
    return made


def seed(stdout: TextIO) -> None:
    years = {year.start_date.year: year for year in AcademicYear.objects.all()}
    programmes = {p.code: p for p in Programme.objects.filter(code__in={c for row in COUNCILS for c in row[1]})}
    made = 0
    for start, codes, status, planned, held, decisions in COUNCILS:
        year = years.get(start)
        if year is None or any(code not in programmes for code in codes):
            continue
        if Council.objects.filter(academic_year=year, programmes=programmes[codes[0]]).exists():
            continue
        _council(year, [programmes[code] for code in codes], status, planned, held, decisions)
        made += 1
    actions = _seed_actions(User.objects.filter(username="qualite").first())
    stdout.write(f"Improvement councils: {Council.objects.count()} ({made} new), {actions} actions from decisions.\n")

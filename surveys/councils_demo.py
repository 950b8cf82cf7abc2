"""The demo improvement councils, called by ``surveys.demo.seed``: for last year and this year, councils in every
status (planned, held, minutes published), one covering two programmes, each with members and decisions.

Idempotent: a council is found by its year and its first programme and left as it is. Built through the models
and the shared status history (no service that could mail). The actions that answer decisions are not seeded
here (the surveys may not import the action plans): create them from a decision's "Actions" panel.
"""

from __future__ import annotations

import datetime
from typing import TextIO

from django.core.files.base import ContentFile
from django.db import transaction

from qms.core.models import AcademicYear, Programme
from qms.core.workflow import record_status
from surveys.councils_choices import CouncilMemberRole as R
from surveys.councils_choices import CouncilStatus as S
from surveys.models import Council, CouncilDecision, CouncilInput, CouncilMember

MINUTES_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
MEMBERS = [
    ("Responsable de la formation", R.TEACHER, True),
    ("Enseignant·e de la formation", R.TEACHER, True),
    ("Délégué·e des étudiant·es", R.STUDENT, True),
    ("Représentant·e d'une entreprise partenaire", R.PROFESSIONAL, True),
    ("Diplômé·e de la promotion précédente", R.ALUMNUS, False),
]
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
    for name, role, attended in MEMBERS:
        CouncilMember.objects.create(council=council, name=name, role=role, attended=attended)
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
    stdout.write(f"Improvement councils: {Council.objects.count()} ({made} new).\n")

"""The councils' held rate against a count by hand (and its scope), and the demo councils."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest

from qms.core import demo as core_demo
from qms.core import metrics
from qms.core.factories import AcademicYearFactory, ProgrammeFactory
from qms.core.metrics import Period
from qms.notifications.models import OutboxEmail
from surveys import councils_demo
from surveys.councils_choices import CouncilMemberRole, CouncilStatus
from surveys.models import Council, CouncilDecision
from surveys.services import councils as services

pytestmark = pytest.mark.django_db

YEAR = Period(datetime.date(2025, 9, 1), datetime.date(2026, 8, 31))


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private")


def _held(year, programme, day):
    council = services.council_save(
        by=None, data={"academic_year": year, "planned_date": day, "held_date": day}, programmes=[programme]
    )
    for role in (CouncilMemberRole.TEACHER, CouncilMemberRole.STUDENT):
        services.member_save(council=council, by=None, data={"name": role, "role": role, "attended": True})
    services.council_transition(council=council, to=CouncilStatus.HELD, by=None)
    return council


def test_the_held_rate_against_a_count_by_hand(org):
    year = AcademicYearFactory(start_date=datetime.date(2025, 9, 1), end_date=datetime.date(2026, 8, 31))
    sciences = [ProgrammeFactory(code=f"S{i}", org_unit=org.sciences) for i in range(4)]
    physics = ProgrammeFactory(code="PHY", org_unit=org.physics)
    letters = [ProgrammeFactory(code=f"L{i}", org_unit=org.letters) for i in range(3)]
    ProgrammeFactory(code="OLD", org_unit=org.sciences, is_active=False)  # not in the denominator
    _held(year, sciences[0], datetime.date(2026, 3, 1))
    _held(year, physics, datetime.date(2026, 2, 1))
    _held(year, letters[0], datetime.date(2026, 1, 15))
    _held(year, letters[1], datetime.date(2025, 6, 1))  # held before the period
    services.council_save(  # planned only: not held
        by=None, data={"academic_year": year, "planned_date": datetime.date(2026, 5, 1)}, programmes=[sciences[1]]
    )
    # Two councils of one programme in the period count it once.
    _held(year, sciences[0], datetime.date(2026, 4, 1))

    # By hand: everywhere, held in the period S0, PHY, L0 = 3 of 8 active programmes.
    value = metrics.compute("surveys.councils_held_rate", YEAR)
    assert (value.numerator, value.denominator) == (Decimal(3), Decimal(8))
    assert value.value == Decimal("37.5")
    # UFR Sciences (with its physics department): S0 and PHY of S0..S3 + PHY = 2 of 5.
    value = metrics.compute("surveys.councils_held_rate", YEAR, [org.sciences])
    assert (value.numerator, value.denominator) == (Decimal(2), Decimal(5))
    # Lettres: L0 of 3.
    value = metrics.compute("surveys.councils_held_rate", YEAR, [org.letters])
    assert (value.numerator, value.denominator) == (Decimal(1), Decimal(3))
    # The quality service has no programme: no figure.
    assert metrics.compute("surveys.councils_held_rate", YEAR, [org.quality_service]) is None


def _counts():
    from actionplans.models import Action, ActionPlan

    return (
        Council.objects.count(),
        CouncilDecision.objects.count(),
        Action.objects.count(),
        ActionPlan.objects.count(),
    )


def test_the_demo_councils(client):
    from actionplans.choices import ActionStatus, PlanKind
    from actionplans.selectors import actions_for_source
    from qms.core.models import User

    core_demo.seed(io.StringIO())
    councils_demo.seed(io.StringIO())
    counts = _counts()
    councils_demo.seed(io.StringIO())
    assert _counts() == counts
    assert not OutboxEmail.objects.exists()
    for start in (2024, 2025):
        statuses = set(Council.objects.filter(academic_year__start_date__year=start).values_list("status", flat=True))
        assert statuses == set(CouncilStatus.values)
    shared = [c for c in Council.objects.prefetch_related("programmes") if len(c.programmes.all()) == 2]
    assert shared
    published = Council.objects.filter(status=CouncilStatus.MINUTES_PUBLISHED)
    assert all(c.minutes and c.minutes.read().startswith(b"%PDF") for c in published)
    assert CouncilDecision.objects.count() >= 5

    # Some decisions became actions, each in the plan of the programme it names (the shared council's too).
    answered = [d for d in CouncilDecision.objects.select_related("programme") if actions_for_source(d).exists()]
    assert 0 < len(answered) < CouncilDecision.objects.count()
    assert {d.programme.code for d in answered} >= {"L-INFO", "M-INFO", "ING-INFO"}
    for decision in answered:
        for action in actions_for_source(decision).select_related("plan"):
            assert (action.plan.kind, action.plan.programme_id) == (PlanKind.PROGRAMME, decision.programme_id)
            assert action.origin == decision

    # This year's held council of L-INFO: its own decision's action, and what became of last year's decisions.
    held = Council.objects.get(academic_year__start_date__year=2025, status=CouncilStatus.HELD)
    previous = CouncilDecision.objects.filter(council__academic_year__start_date__year=2024, programme__code="L-INFO")
    statuses = {actions_for_source(d).get().status for d in previous}
    assert statuses == {ActionStatus.DONE, ActionStatus.IN_PROGRESS}
    client.force_login(User.objects.get(username="qualite"))
    html = client.get(held.get_absolute_url()).content.decode()
    assert "Étendre le tutorat par les pairs à la L2" in html
    assert "Mettre en place un tutorat par les pairs en L1" in html and "data-previous-decision" in html

    # Members: the programme's director and the demo teacher by their accounts, who find the council.
    teacher = User.objects.get(username="enseignant")
    assert set(held.members.exclude(user=None).values_list("user__username", flat=True)) == {
        held.programmes.get().director.username,
        "enseignant",
    }
    client.force_login(teacher)
    assert client.get(held.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("action_plans_first", [True, False])
def test_the_councils_demo_and_the_action_plans_demo_run_in_either_order(action_plans_first):
    from actionplans import demo as actionplans_demo
    from actionplans.choices import PlanKind
    from actionplans.models import ActionPlan

    core_demo.seed(io.StringIO())
    order = [actionplans_demo.seed, councils_demo.seed]
    for seed in order if action_plans_first else order[::-1]:
        seed(io.StringIO())
    counts = _counts()
    for seed in order:
        seed(io.StringIO())
    assert _counts() == counts
    assert ActionPlan.objects.filter(kind=PlanKind.PROGRAMME).count() == 3
    assert ActionPlan.objects.filter(title=actionplans_demo.AEQES_TITLE).exists()

"""Improvement councils: moves and refusals, decisions as action sources, permissions, minutes, year page."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from qms.core import sources
from qms.core.factories import (
    AcademicYearFactory,
    CourseFactory,
    ProgrammeFactory,
    TeachingFactory,
    UserFactory,
)
from qms.core.models import StatusChange
from qms.core.navigation import nav_items
from surveys.councils_choices import CouncilMemberRole, CouncilStatus
from surveys.councils_selectors import can_edit_council, can_read_minutes, councils_visible_to
from surveys.models import Council, CouncilDecision
from surveys.services import SurveyError
from surveys.services import councils as services

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private")


@pytest.fixture
def year(db):
    return AcademicYearFactory(
        name="2025-2026", start_date=datetime.date(2025, 9, 1), end_date=datetime.date(2026, 8, 31), is_current=True
    )


@pytest.fixture
def prog_director(db):
    return UserFactory(username="resp-phy", first_name="Paul", last_name="Durand")


@pytest.fixture
def physics(org, prog_director):
    return ProgrammeFactory(code="L-PHY", name="Licence Physique", org_unit=org.sciences, director=prog_director)


@pytest.fixture
def chemistry(org):
    return ProgrammeFactory(code="L-CHI", name="Licence Chimie", org_unit=org.sciences)


@pytest.fixture
def history(org):
    return ProgrammeFactory(code="L-HIS", name="Licence Histoire", org_unit=org.letters)


def make_council(year, *programmes, by=None, **data):
    data.setdefault("planned_date", datetime.date(2026, 3, 10))
    return services.council_save(by=by, data={"academic_year": year, **data}, programmes=programmes)


def add_member(council, role, attended=True, name=None):
    return services.member_save(
        council=council,
        by=None,
        data={"name": name or f"{role} {council.members.count()}", "role": role, "attended": attended},
    )


def minutes_file(name="cr.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


# Moves and their refusals ---------------------------------------------------------------------------------------


def test_held_needs_a_held_date(year, physics):
    council = make_council(year, physics)
    add_member(council, CouncilMemberRole.TEACHER)
    add_member(council, CouncilMemberRole.STUDENT)
    with pytest.raises(SurveyError, match="date"):
        services.council_transition(council=council, to=CouncilStatus.HELD, by=None)
    council.refresh_from_db()
    assert council.status == CouncilStatus.PLANNED


def test_held_needs_a_present_teacher_and_student_or_a_reason(year, physics):
    council = make_council(year, physics, held_date=datetime.date(2026, 3, 12))
    add_member(council, CouncilMemberRole.TEACHER)
    add_member(council, CouncilMemberRole.STUDENT, attended=False)
    add_member(council, CouncilMemberRole.PROFESSIONAL)
    with pytest.raises(SurveyError, match="student"):
        services.council_transition(council=council, to=CouncilStatus.HELD, by=None)
    council.composition_reason = "Les délégués étaient en stage."
    council.save()
    services.council_transition(council=council, to=CouncilStatus.HELD, by=None)
    council.refresh_from_db()
    assert council.status == CouncilStatus.HELD


def test_full_path_and_minutes_needed_to_publish(year, physics, quality_manager):
    council = make_council(year, physics, held_date=datetime.date(2026, 3, 12), by=quality_manager)
    add_member(council, CouncilMemberRole.TEACHER)
    add_member(council, CouncilMemberRole.STUDENT)
    with pytest.raises(SurveyError):
        services.council_transition(council=council, to=CouncilStatus.MINUTES_PUBLISHED, by=quality_manager)
    services.council_transition(council=council, to=CouncilStatus.HELD, by=quality_manager)
    with pytest.raises(SurveyError, match="minutes"):
        services.council_transition(council=council, to=CouncilStatus.MINUTES_PUBLISHED, by=quality_manager)
    services.council_save(council=council, by=quality_manager, data={}, programmes=[physics], minutes=minutes_file())
    services.council_transition(council=council, to=CouncilStatus.MINUTES_PUBLISHED, by=quality_manager)
    council.refresh_from_db()
    assert council.status == CouncilStatus.MINUTES_PUBLISHED
    assert list(StatusChange.objects.filter(object_id=council.pk).values_list("to_status", flat=True)) == [
        "planned",
        "held",
        "minutes_published",
    ]
    with pytest.raises(SurveyError):
        services.council_transition(council=council, to=CouncilStatus.PLANNED, by=quality_manager)


def test_minutes_refused_when_not_a_document(year, physics):
    council = make_council(year, physics)
    with pytest.raises(SurveyError):
        services.council_save(
            council=council, by=None, data={}, programmes=[physics], minutes=minutes_file("cr.pdf", b"MZ\x90\x00" * 50)
        )
    council.refresh_from_db()
    assert not council.minutes


def test_decision_must_name_one_of_the_councils_programmes(year, physics, history):
    council = make_council(year, physics)
    with pytest.raises(SurveyError):
        services.decision_add(council=council, by=None, programme=history, text="Ouvrir une option")
    assert not CouncilDecision.objects.exists()


def test_decision_is_never_deleted(year, physics):
    council = make_council(year, physics)
    decision = services.decision_add(council=council, by=None, programme=physics, text="Rééquilibrer le S2")
    with pytest.raises(Exception):  # noqa: B017, PT011 - ProtectedError
        decision.delete()
    services.decision_archive(decision=decision, by=None)
    decision.refresh_from_db()
    assert decision.archived


# Decisions as action sources ----------------------------------------------------------------------------------


def test_decision_is_an_action_source(year, physics, chemistry, prog_director, referent_letters):
    council = make_council(year, physics, chemistry)
    first = services.decision_add(council=council, by=None, programme=chemistry, text="Plus de TP")
    second = services.decision_add(council=council, by=None, programme=chemistry, text="Tutorat")
    assert (first.reference, second.reference) == ("CP-2025-L-CHI-1", "CP-2025-L-CHI-2")
    source_type = sources.get(first)
    assert source_type is not None
    assert sources.default_unit(first) == chemistry.org_unit
    assert source_type.can_open(prog_director, first)
    assert not source_type.can_open(referent_letters, first)
    assert sources.describe(first, referent_letters).text == "CP-2025-L-CHI-1"
    assert sources.describe(first, prog_director).url == council.get_absolute_url() + f"#decision-{first.pk}"


def _kit(decision) -> str:
    return reverse("actionplans:source-actions", args=[sources.key(decision), decision.pk])


def _create_action(client, decision, title):
    return client.post(
        _kit(decision),
        {"form": "create", "create-title": title, "create-kind": "improvement", "create-priority": "normal"},
    )


def test_a_decisions_action_lands_in_its_programmes_plan_made_when_first_needed(
    client, year, physics, chemistry, referent_sciences
):
    from actionplans.choices import PlanKind, PlanStatus
    from actionplans.models import ActionPlan
    from actionplans.selectors import actions_for_source

    # A council of two programmes: each decision names its own.
    council = make_council(year, physics, chemistry)
    practicals = services.decision_add(council=council, by=None, programme=chemistry, text="Plus de TP")
    tutoring = services.decision_add(council=council, by=None, programme=chemistry, text="Tutorat")
    mentoring = services.decision_add(council=council, by=None, programme=physics, text="Parrainage")
    client.force_login(referent_sciences)

    assert _create_action(client, practicals, "Ajouter deux TP").status_code == 302
    [action] = actions_for_source(practicals)
    plan = action.plan
    assert (plan.kind, plan.programme, plan.org_unit, plan.status) == (
        PlanKind.PROGRAMME,
        chemistry,
        chemistry.org_unit,
        PlanStatus.ACTIVE,
    )
    # Its source is the decision, not the council.
    assert action.origin == practicals
    assert [link.content_type.model for link in action.sources.all()] == ["councildecision"]

    # The second decision of the programme reuses the plan.
    assert _create_action(client, tutoring, "Organiser le tutorat").status_code == 302
    assert actions_for_source(tutoring).get().plan == plan
    assert ActionPlan.objects.count() == 1

    # The council's other programme gets its own plan; no continuous-improvement plan is made.
    assert _create_action(client, mentoring, "Lancer le parrainage").status_code == 302
    assert actions_for_source(mentoring).get().plan.programme == physics
    assert sorted(ActionPlan.objects.values_list("kind", "programme__code")) == [
        (PlanKind.PROGRAMME, "L-CHI"),
        (PlanKind.PROGRAMME, "L-PHY"),
    ]


def test_the_form_names_the_programmes_plan(client, year, physics, quality_manager):
    council = make_council(year, physics)
    decision = services.decision_add(council=council, by=None, programme=physics, text="Tutorat")
    quality_manager.language = "en"
    quality_manager.save(update_fields=["language"])
    client.force_login(quality_manager)
    html = client.get(_kit(decision)).content.decode()
    assert "The plan of the programme Licence Physique (made if needed)" in html


def test_no_plan_and_no_action_without_action_plan_rights(
    client, year, physics, prog_director, referent_letters, quality_manager
):
    from actionplans.models import ActionPlan
    from actionplans.selectors import actions_for_source
    from actionplans.services import plan_update, programme_plan_for

    council = make_council(year, physics)
    decision = services.decision_add(council=council, by=None, programme=physics, text="Tutorat")
    # The programme's director opens the decision but holds no action-plan right: no plan is made for them.
    client.force_login(prog_director)
    assert client.get(council.get_absolute_url()).status_code == 200
    assert client.get(_kit(decision)).status_code == 403
    assert _create_action(client, decision, "Tutorat en L1").status_code == 403
    # A referent of another unit may not even open it.
    client.force_login(referent_letters)
    assert _create_action(client, decision, "Tutorat en L1").status_code == 404
    assert not ActionPlan.objects.exists() and not actions_for_source(decision).exists()

    # Once the plan exists, the right is the one to add to that plan, as if it were chosen.
    plan = programme_plan_for(programme=physics, by=quality_manager)
    client.force_login(prog_director)
    assert _create_action(client, decision, "Tutorat en L1").status_code == 403
    plan_update(plan=plan, by=quality_manager, owner=prog_director)
    assert _create_action(client, decision, "Tutorat en L1").status_code == 302
    assert actions_for_source(decision).get().plan == plan
    assert ActionPlan.objects.count() == 1


# Permissions ----------------------------------------------------------------------------------------------------


def test_programme_director_edits_only_their_programmes_councils(year, physics, history, prog_director):
    own = make_council(year, physics)
    other = make_council(year, history)
    assert can_edit_council(prog_director, own)
    assert not can_edit_council(prog_director, other)
    assert list(councils_visible_to(prog_director)) == [own]


def test_referent_and_quality_manager(year, physics, history, referent_sciences, quality_manager):
    sciences = make_council(year, physics)
    letters = make_council(year, history)
    assert can_edit_council(referent_sciences, sciences)
    assert not can_edit_council(referent_sciences, letters)
    assert set(councils_visible_to(quality_manager)) == {sciences, letters}
    assert can_edit_council(quality_manager, letters)


def test_teacher_reads_only_published_minutes_of_their_programmes(year, physics, history, teacher):
    course = CourseFactory(code="PHY-1", org_unit=physics.org_unit)
    physics.courses.add(course)
    TeachingFactory(course=course, academic_year=year, teacher=teacher)
    council = make_council(year, physics, held_date=datetime.date(2026, 3, 12))
    services.council_save(council=council, by=None, data={}, programmes=[physics], minutes=minutes_file())
    other = make_council(year, history, held_date=datetime.date(2026, 3, 12))
    services.council_save(council=other, by=None, data={}, programmes=[history], minutes=minutes_file())
    for item in (council, other):
        add_member(item, CouncilMemberRole.TEACHER)
        add_member(item, CouncilMemberRole.STUDENT)
        services.council_transition(council=item, to=CouncilStatus.HELD, by=None)
    assert not councils_visible_to(teacher).exists()
    assert not can_read_minutes(teacher, council)
    assert not can_edit_council(teacher, council)
    for item in (council, other):
        services.council_transition(council=item, to=CouncilStatus.MINUTES_PUBLISHED, by=None)
    council.refresh_from_db()
    assert list(councils_visible_to(teacher)) == [council]
    assert can_read_minutes(teacher, council)
    assert not can_edit_council(teacher, council)


def test_minutes_download_is_permission_checked(
    client, year, physics, history, teacher, prog_director, referent_letters
):
    course = CourseFactory(code="PHY-1", org_unit=physics.org_unit)
    physics.courses.add(course)
    TeachingFactory(course=course, academic_year=year, teacher=teacher)
    council = make_council(year, physics, held_date=datetime.date(2026, 3, 12))
    services.council_save(council=council, by=None, data={}, programmes=[physics], minutes=minutes_file())
    add_member(council, CouncilMemberRole.TEACHER)
    add_member(council, CouncilMemberRole.STUDENT)
    services.council_transition(council=council, to=CouncilStatus.HELD, by=None)
    url = reverse("surveys:council-minutes", args=[council.pk])

    client.force_login(teacher)
    assert client.get(url).status_code == 404  # not visible before publication
    client.force_login(referent_letters)
    assert client.get(url).status_code == 404
    client.force_login(prog_director)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert "attachment" in response["Content-Disposition"]

    services.council_transition(council=council, to=CouncilStatus.MINUTES_PUBLISHED, by=None)
    client.force_login(teacher)
    assert client.get(url).status_code == 200
    # The teacher reads, never edits.
    assert client.get(reverse("surveys:council-edit", args=[council.pk])).status_code == 403
    assert client.post(reverse("surveys:council-decision", args=[council.pk]), {"text": "x"}).status_code == 403


# Pages ----------------------------------------------------------------------------------------------------------


def test_director_plans_and_records_through_the_pages(client, year, physics, prog_director):
    client.force_login(prog_director)
    response = client.post(
        reverse("surveys:council-create"),
        {"academic_year": year.pk, "programmes": [physics.pk], "planned_date": "2026-03-10", "agenda": "Bilan"},
    )
    council = Council.objects.get()
    assert response.status_code == 302
    for role in (CouncilMemberRole.TEACHER, CouncilMemberRole.STUDENT):
        client.post(
            reverse("surveys:council-member-add", args=[council.pk]), {"name": role, "role": role, "attended": "on"}
        )
    client.post(
        reverse("surveys:council-edit", args=[council.pk]),
        {"academic_year": year.pk, "programmes": [physics.pk], "held_date": "2026-03-12"},
    )
    client.post(reverse("surveys:council-move", args=[council.pk, "held"]))
    client.post(reverse("surveys:council-decision", args=[council.pk]), {"programme": physics.pk, "text": "Tutorat"})
    council.refresh_from_db()
    assert council.status == CouncilStatus.HELD
    assert council.decisions.get().reference == "CP-2025-L-PHY-1"
    page = client.get(council.get_absolute_url())
    assert page.status_code == 200
    assert "CP-2025-L-PHY-1" in page.content.decode()


def test_next_council_shows_previous_decisions(client, year, physics, quality_manager):
    next_year = AcademicYearFactory(
        name="2026-2027", start_date=datetime.date(2026, 9, 1), end_date=datetime.date(2027, 8, 31)
    )
    previous = make_council(year, physics)
    services.decision_add(council=previous, by=None, programme=physics, text="Créer un tutorat en L1")
    current = make_council(next_year, physics, planned_date=datetime.date(2027, 3, 1))
    client.force_login(quality_manager)
    content = client.get(current.get_absolute_url()).content.decode()
    assert "Créer un tutorat en L1" in content
    assert "data-previous-decision" in content


def _programmes(org, count, start=0):
    return [
        ProgrammeFactory(code=f"P{start + i}", name=f"Prog {start + i}", org_unit=org.sciences) for i in range(count)
    ]


def test_year_page_counts_and_filters(client, year, org, referent_sciences, physics, chemistry, history):
    council = make_council(year, physics, held_date=datetime.date(2026, 3, 12))
    add_member(council, CouncilMemberRole.TEACHER)
    add_member(council, CouncilMemberRole.STUDENT)
    services.council_transition(council=council, to=CouncilStatus.HELD, by=None)
    make_council(year, chemistry, planned_date=None)
    client.force_login(referent_sciences)
    response = client.get(reverse("surveys:council-year"))
    assert response.status_code == 200
    context = response.context
    assert context["total"] == 2  # history is in Lettres, out of scope
    assert context["counts"] == {"held": 1, "planned": 1, "missing": 0}
    assert context["held_rate"] == 50
    assert [p.code for p in context["without_date"]] == ["L-CHI"]
    response = client.get(reverse("surveys:council-year"), {"level": "master"})
    assert response.context["total"] == 0


def test_year_page_query_count_is_constant(client, year, org, quality_manager, django_assert_max_num_queries):
    def populate(count, start):
        programmes = _programmes(org, count, start)
        for programme in programmes[::3]:
            make_council(year, programme)

    client.force_login(quality_manager)
    populate(10, 0)
    client.get(reverse("surveys:council-year"))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        assert client.get(reverse("surveys:council-year")).context["total"] == 10
    populate(290, 10)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(reverse("surveys:council-year")).context["total"] == 300


def test_staff_member_sees_no_council_page(client, year, staff_member):
    client.force_login(staff_member)
    assert client.get(reverse("surveys:council-year")).status_code == 403
    assert client.get(reverse("surveys:council-create")).status_code == 403


def test_form_pages_render_for_the_director(client, year, physics, prog_director):
    council = make_council(year, physics)
    member = add_member(council, CouncilMemberRole.ALUMNUS, attended=False, name="Ancienne")
    client.force_login(prog_director)
    for url in (
        reverse("surveys:council-create") + f"?programme={physics.pk}&year={year.pk}",
        reverse("surveys:council-edit", args=[council.pk]),
        reverse("surveys:council-member-add", args=[council.pk]),
        reverse("surveys:council-member", args=[council.pk, member.pk]),
        reverse("surveys:council-year-of", args=[year.pk]),
    ):
        assert client.get(url).status_code == 200, url
    client.post(
        reverse("surveys:council-member", args=[council.pk, member.pk]),
        {"name": "Ancienne", "role": CouncilMemberRole.ALUMNUS, "attended": "on"},
    )
    member.refresh_from_db()
    assert member.attended
    client.post(reverse("surveys:council-member-remove", args=[council.pk, member.pk]))
    assert not council.members.exists()
    client.post(reverse("surveys:council-input", args=[council.pk]), {"title": "Bilan", "url": "https://evil.example"})
    assert not council.inputs.exists()
    client.post(reverse("surveys:council-input", args=[council.pk]), {"title": "Bilan", "url": "/enquetes/"})
    assert council.inputs.get().url == "/enquetes/"


def test_director_cannot_move_a_programme_out_of_reach(client, year, physics, history, prog_director):
    council = make_council(year, physics, history)
    client.force_login(prog_director)
    client.post(
        reverse("surveys:council-edit", args=[council.pk]),
        {"academic_year": year.pk, "programmes": [physics.pk], "planned_date": "2026-03-20"},
    )
    council.refresh_from_db()
    assert set(council.programmes.all()) == {physics, history}
    assert council.planned_date == datetime.date(2026, 3, 20)


def test_council_page_renders_each_decisions_panels(client, year, physics, quality_manager):
    from qms.core import panels

    council = make_council(year, physics)
    first = services.decision_add(council=council, by=None, programme=physics, text="Un")
    second = services.decision_add(council=council, by=None, programme=physics, text="Deux")
    panels.register(
        panels.ObjectPanel(
            key="test.decision-panel",
            applies_to=lambda obj: obj._meta.label_lower == "surveys.councildecision",
            render=lambda request, obj: f'<p data-panel-for="{obj.pk}">{sources.default_unit(obj)}</p>',
        )
    )
    try:
        client.force_login(quality_manager)
        content = client.get(council.get_absolute_url()).content.decode()
    finally:
        panels.unregister("test.decision-panel")
    assert f'data-panel-for="{first.pk}"' in content
    assert f'data-panel-for="{second.pk}"' in content


def test_the_council_page_keeps_a_place_for_the_programme_dossier(client, year, physics, chemistry, quality_manager):
    """Another app (the management review, later) adds its part of the dossier as a panel on the council."""
    from qms.core import panels
    from qms.core.tests.html import parse

    council = make_council(year, physics, chemistry)
    panels.register(
        panels.ObjectPanel(
            key="test.council-dossier",
            applies_to=lambda obj: obj._meta.label_lower == "surveys.council",
            render=lambda request, obj: f'<p data-dossier-part="{obj.pk}">Réclamations</p>',
        )
    )
    try:
        client.force_login(quality_manager)
        page = parse(client.get(council.get_absolute_url()).content.decode())
    finally:
        panels.unregister("test.council-dossier")
    dossier = page.one("#programme-dossier")
    assert dossier.one(f'[data-dossier-part="{council.pk}"]').text == "Réclamations"
    links = [a.get("href") for a in dossier.all("li a")]
    assert links == [reverse("surveys:programme-trends", args=[p.pk]) for p in (chemistry, physics)]


def _teaches(teacher, programme, year, code="PHY-1"):
    course = CourseFactory(code=code, org_unit=programme.org_unit)
    programme.courses.add(course)
    TeachingFactory(course=course, academic_year=year, teacher=teacher)


def _publish(council, programme):
    services.council_save(council=council, by=None, data={}, programmes=[programme], minutes=minutes_file())
    add_member(council, CouncilMemberRole.TEACHER)
    add_member(council, CouncilMemberRole.STUDENT)
    services.council_transition(council=council, to=CouncilStatus.HELD, by=None)
    services.council_transition(council=council, to=CouncilStatus.MINUTES_PUBLISHED, by=None)


def test_teacher_finds_published_councils_on_the_year_page(client, year, physics, history, teacher):
    _teaches(teacher, physics, year)
    council = make_council(year, physics, held_date=datetime.date(2026, 3, 12))
    other = make_council(year, history, held_date=datetime.date(2026, 3, 12))
    _publish(other, history)  # another programme's: never listed for them
    client.force_login(teacher)
    # The menu offers the page to every teacher (from the role alone): with nothing published for their
    # programmes yet, the page says so, never a 403.
    assert "improvement-councils" in [item.key for item in nav_items(teacher)]
    response = client.get(reverse("surveys:council-year"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="no-published-minutes"' in html
    assert 'id="council-figures"' not in html and 'id="council-rows"' not in html
    assert response.context["readable"] == []

    _publish(council, physics)
    response = client.get(reverse("surveys:council-year"))
    assert response.status_code == 200
    assert response.context["readable"] == [council]
    assert response.context["total"] == 0
    assert 'id="no-published-minutes"' not in response.content.decode()
    detail = client.get(council.get_absolute_url()).content.decode()
    assert 'id="minutes-link"' in detail and 'id="council-actions"' not in detail
    assert client.get(other.get_absolute_url()).status_code == 404


def test_the_menu_entry_costs_no_query(teacher, django_assert_num_queries):
    from qms.core.selectors import role_names
    from surveys.menu import ENTRIES

    [entry] = [entry for entry in ENTRIES if entry.key == "improvement-councils"]
    role_names(teacher)  # read once per request, by the layout
    with django_assert_num_queries(0):
        assert entry.check(teacher)


# Members linked to an account ------------------------------------------------------------------------------------


def test_a_member_linked_to_an_account_finds_the_council(client, year, physics, history, prog_director, teacher):
    council = make_council(year, physics)
    # An outside professional stays a name; a teacher (of another programme) is linked to their account.
    add_member(council, CouncilMemberRole.PROFESSIONAL, name="Mme Martin (Entreprise X)")
    client.force_login(prog_director)
    response = client.post(
        reverse("surveys:council-member-add", args=[council.pk]),
        {"user": teacher.pk, "role": CouncilMemberRole.TEACHER, "attended": "on"},
    )
    assert response.status_code == 302
    member = council.members.get(user=teacher)
    assert member.name == str(teacher) and member.display_name == str(teacher)
    assert not councils_visible_to(teacher).exclude(pk=council.pk).exists()

    # Before anything is published, the member opens the council they sit on, and finds it on the year page.
    client.force_login(teacher)
    assert client.get(council.get_absolute_url()).status_code == 200
    response = client.get(reverse("surveys:council-year"))
    assert response.status_code == 200
    assert response.context["seats"] == [council]
    assert 'id="my-seats"' in response.content.decode()
    assert not can_edit_council(teacher, council)
    assert client.get(reverse("surveys:council-edit", args=[council.pk])).status_code == 403
    # Another programme's council stays closed to them.
    assert client.get(make_council(year, history).get_absolute_url()).status_code == 404


def test_a_member_without_a_role_reaches_the_year_page_only_through_a_seat(client, year, physics, staff_member):
    client.force_login(staff_member)
    assert client.get(reverse("surveys:council-year")).status_code == 403
    council = make_council(year, physics)
    services.member_save(council=council, by=None, data={"user": staff_member, "role": CouncilMemberRole.STUDENT})
    response = client.get(reverse("surveys:council-year"))
    assert response.status_code == 200 and response.context["seats"] == [council]


def test_an_account_sits_once_and_a_member_needs_a_name_or_an_account(client, year, physics, prog_director, teacher):
    council = make_council(year, physics)
    services.member_save(council=council, by=None, data={"user": teacher, "role": CouncilMemberRole.TEACHER})
    with pytest.raises(SurveyError, match="already sits"):
        services.member_save(council=council, by=None, data={"user": teacher, "role": CouncilMemberRole.STUDENT})
    with pytest.raises(SurveyError, match="name"):
        services.member_save(council=council, by=None, data={"name": "  ", "role": CouncilMemberRole.ALUMNUS})
    client.force_login(prog_director)
    response = client.post(
        reverse("surveys:council-member-add", args=[council.pk]), {"name": "", "role": CouncilMemberRole.ALUMNUS}
    )
    assert response.status_code == 200 and response.context["form"].errors
    response = client.post(
        reverse("surveys:council-member-add", args=[council.pk]), {"user": teacher.pk, "role": "student"}
    )
    assert response.status_code == 200 and "user" in response.context["form"].errors
    assert council.members.count() == 1


def test_a_linked_members_name_stays_when_the_account_goes(year, physics, teacher):
    council = make_council(year, physics)
    member = services.member_save(council=council, by=None, data={"user": teacher, "role": "teacher"})
    name = str(teacher)
    teacher.delete()
    member.refresh_from_db()
    assert (member.user, member.display_name) == (None, name)


def test_editing_a_member_keeps_or_changes_their_account(client, year, physics, prog_director, teacher):
    council = make_council(year, physics)
    member = services.member_save(council=council, by=None, data={"user": teacher, "role": "teacher"})
    client.force_login(prog_director)
    url = reverse("surveys:council-member", args=[council.pk, member.pk])
    form = client.get(url).context["form"]
    assert form.initial["user"] == teacher and form.initial["name"] == ""
    client.post(url, {"user": teacher.pk, "role": "teacher", "attended": "on"})
    member.refresh_from_db()
    assert member.attended and member.user == teacher
    # Unlinked, the member becomes the name typed.
    client.post(url, {"name": "Un enseignant vacataire", "role": "teacher"})
    member.refresh_from_db()
    assert (member.user, member.name, member.attended) == (None, "Un enseignant vacataire", False)


def test_the_members_picker_serves_those_who_edit_the_council(year, physics, prog_director, teacher):
    from qms.core.search import USER_SCOPES
    from surveys.councils_selectors import COUNCIL_PEOPLE_SCOPE

    council = make_council(year, physics)
    resolve = USER_SCOPES[COUNCIL_PEOPLE_SCOPE].resolve
    assert teacher in resolve(prog_director, f"council:{council.pk}")
    assert resolve(teacher, f"council:{council.pk}") is None
    assert resolve(prog_director, "council:x") is None and resolve(prog_director, f"plan:{council.pk}") is None


def test_programme_and_unit_names_say_french_on_english_pages(client, year, physics, quality_manager):
    """RGAA 8.7: programme and unit names, written in French, carry lang="fr" on the English year and council
    pages and in the unit filter; the French pages carry none."""
    from qms.core.tests.html import parse

    council = make_council(year, physics)
    quality_manager.language = "en"
    quality_manager.save(update_fields=["language"])
    client.force_login(quality_manager)

    year_page = parse(client.get(reverse("surveys:council-year")))
    assert {element.text for element in year_page.all("main td [lang=fr], main td[lang=fr]")} >= {
        "Licence Physique",
        "UFR Sciences",
    }
    options = year_page.all("select[name=unit] option")
    assert options[0].get("lang") is None
    assert {option.text for option in options if option.get("lang") == "fr"} >= {"UFR Sciences"}
    detail = parse(client.get(council.get_absolute_url()))
    assert "Licence Physique (L-PHY)" in {element.text for element in detail.all("main dd[lang=fr]")}

    quality_manager.language = "fr"
    quality_manager.save(update_fields=["language"])
    for url in (reverse("surveys:council-year"), council.get_absolute_url()):
        assert parse(client.get(url)).all("main [lang]") == [], url

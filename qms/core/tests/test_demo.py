"""The demo university: believable, complete for every role, and idempotent."""

from __future__ import annotations

import io

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.core.management import call_command

from qms.core import demo
from qms.core.choices import MembershipRole, ProgrammeLevel, Role, StudyMode
from qms.core.factories import DEMO_PASSWORD
from qms.core.management.commands import seed_demo
from qms.core.models import AcademicYear, Course, Membership, OrgUnit, Programme, Teaching, User
from qms.core.selectors import has_role, referent_units, units_in_scope

pytestmark = pytest.mark.django_db

# The codes and usernames that the other apps' demos and the README rely on.
UNIT_CODES = [
    "udemo",
    "ufr-sciences",
    "ufr-lettres",
    "ecole-ingenieurs",
    "iae",
    "iut",
    "svc-qualite",
    "bu",
    "svc-ri",
    "svc-vie-etudiante",
    "svc-scolarite",
    "dsi",
    "drh",
]
ACCOUNTS = {
    "qualite": Role.QUALITY_MANAGER,
    "referent.sciences": Role.QUALITY_REFERENT,
    "referent.lettres": Role.QUALITY_REFERENT,
    "pilote": Role.PROCESS_OWNER,
    "direction": Role.DIRECTOR,
    "enseignant": Role.TEACHER,
    "auditeur": Role.AUDITOR,
    "agent": Role.STAFF,
}


def row_counts() -> dict[str, int]:
    """Rows of every model of qms.core and auth, plus the many-to-many tables the demo fills."""
    counts = {model._meta.label: model.objects.count() for model in apps.get_app_config("core").get_models()}
    counts["auth.Group"] = Group.objects.count()
    counts["user groups"] = User.groups.through.objects.count()
    counts["course programmes"] = Course.programmes.through.objects.count()
    return counts


@pytest.fixture
def seeded():
    demo.seed(io.StringIO())


def test_seeding_twice_creates_nothing_new():
    demo.seed(io.StringIO())
    first = row_counts()
    demo.seed(io.StringIO())
    assert row_counts() == first


def test_seeding_completes_a_partial_demo_without_duplicates():
    demo.seed(io.StringIO())
    full = row_counts()
    Programme.objects.get(code="L-INFO").courses.clear()
    User.objects.get(username="referent.lettres").delete()
    demo.seed(io.StringIO())
    assert row_counts() == full


def test_the_organisation_has_the_expected_units(seeded):
    units = {unit.code: unit for unit in OrgUnit.objects.all()}
    assert set(UNIT_CODES) <= set(units)
    root = units["udemo"]
    assert root.name == "Université de démonstration"
    assert root.parent is None
    for code in UNIT_CODES[1:]:
        assert units[code].path.startswith(root.path)
    # UFRs with departments under them, and the four UFRs the brief names.
    assert {u.name for u in OrgUnit.objects.filter(kind="ufr")} >= {
        "UFR Sciences et techniques",
        "UFR Lettres, langues et sciences humaines",
        "UFR Droit, économie, gestion",
        "UFR Santé",
    }
    assert units["dept-informatique"].parent == units["ufr-sciences"]
    assert units["bu"].kind == "library"
    assert OrgUnit.objects.count() >= 30


def test_two_academic_years_and_the_second_is_current(seeded):
    assert sorted(AcademicYear.objects.values_list("name", flat=True)) == ["2024-2025", "2025-2026"]
    assert AcademicYear.current().name == "2025-2026"


def test_an_existing_current_year_is_left_current(seeded):
    AcademicYear.objects.update(is_current=False)
    AcademicYear.objects.filter(name="2024-2025").update(is_current=True)
    demo.seed(io.StringIO())
    assert AcademicYear.current().name == "2024-2025"


def test_about_twenty_programmes_of_every_level_and_mode_each_with_director_and_courses(seeded):
    programmes = list(Programme.objects.select_related("director").prefetch_related("courses"))
    assert 18 <= len(programmes) <= 30
    french_levels = set(ProgrammeLevel.values) - {ProgrammeLevel.BACHELIER, ProgrammeLevel.MASTER_BE}
    assert {p.level for p in programmes} == french_levels
    assert {p.mode for p in programmes} == set(StudyMode.values)
    assert Programme.objects.filter(level=ProgrammeLevel.LICENCE_PRO, mode=StudyMode.APPRENTICESHIP).exists()
    assert Programme.objects.filter(level=ProgrammeLevel.DU, mode=StudyMode.CONTINUING).exists()
    current = AcademicYear.current()
    for programme in programmes:
        assert programme.director is not None, programme
        assert has_role(programme.director, Role.TEACHER)
        courses = list(programme.courses.all())
        assert 4 <= len(courses) <= 8, programme
        for course in courses:
            assert Teaching.objects.filter(course=course, academic_year=current).exists(), course


def test_some_courses_are_shared_by_several_programmes(seeded):
    assert Course.objects.get(code="ANG-SCI").programmes.count() >= 3


def test_every_demo_account_exists_with_its_role_and_the_demo_password(seeded):
    for username, role in ACCOUNTS.items():
        user = User.objects.get(username=username)
        assert has_role(user, role), username
        assert user.check_password(DEMO_PASSWORD), username
        assert user.is_active
        assert user.language == "fr"
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff
    assert admin.check_password(DEMO_PASSWORD)
    # is_staff only opens the admin: nobody else has it.
    assert list(User.objects.filter(is_staff=True).values_list("username", flat=True)) == ["admin"]


def test_every_member_of_staff_is_at_least_a_plain_member_of_their_unit(seeded):
    staff = User.objects.filter(groups__name=Role.STAFF)
    assert staff.count() >= 40
    without = staff.exclude(memberships__role=MembershipRole.MEMBER)
    assert list(without) == []
    assert not Membership.objects.filter(user__username="auditeur").exists()


def test_memberships_give_the_referents_their_scope(seeded):
    units = {unit.code: unit.pk for unit in OrgUnit.objects.all()}
    referent = User.objects.get(username="referent.sciences")
    scope = set(referent_units(referent))
    assert {units["ufr-sciences"], units["dept-informatique"], units["dept-physique-chimie"]} <= scope
    assert units["ufr-lettres"] not in scope
    assert units["dept-lettres"] in set(referent_units(User.objects.get(username="referent.lettres")))
    # Referents exist for the other faculties too.
    for code in ("ufr-droit", "ufr-sante", "ecole-ingenieurs", "iae", "iut"):
        assert Membership.objects.filter(org_unit__code=code, role=MembershipRole.QUALITY_REFERENT).exists(), code
    direction = User.objects.get(username="direction")
    assert set(units_in_scope(direction)) == set(units.values())


def test_the_teacher_teaches_courses_of_the_current_year(seeded):
    teacher = User.objects.get(username="enseignant")
    taught = Teaching.objects.filter(teacher=teacher, academic_year=AcademicYear.current())
    assert taught.count() >= 3
    assert Membership.objects.filter(user=teacher, org_unit__code="dept-informatique").exists()


def test_a_sensitive_cases_team_member_exists(seeded):
    assert User.objects.filter(groups__name=Role.SENSITIVE_CASES).exists()


def test_print_accounts_prints_a_table_of_the_accounts(seeded):
    out = io.StringIO()
    demo.print_accounts(out)
    text = out.getvalue()
    for username in [*ACCOUNTS, "admin", "referent.droit"]:
        assert f"| {username} " in text
    assert DEMO_PASSWORD in text
    assert "teachers" in text


def test_print_accounts_without_a_demo():
    out = io.StringIO()
    demo.print_accounts(out)
    assert "seed_demo" in out.getvalue()


def test_the_command_seeds_each_project_app_and_prints_the_accounts(monkeypatch):
    core = apps.get_app_config("core")
    monkeypatch.setattr(seed_demo, "project_apps", lambda: [core])
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    call_command("seed_demo", stdout=out)
    assert out.getvalue().count("Demo data: core done") == 2
    assert "| qualite " in out.getvalue()
    assert User.objects.filter(username="qualite").count() == 1


def test_the_command_keeps_log_lines_out_of_its_table(monkeypatch):
    import logging
    import sys

    core = apps.get_app_config("core")
    monkeypatch.setattr(seed_demo, "project_apps", lambda: [core])
    real_seed = demo.seed

    def seed_that_logs(stdout):
        logging.getLogger("complaints.retention").warning("Retention purge: 3 request(s) purged.")
        real_seed(stdout)

    monkeypatch.setattr(demo, "seed", seed_that_logs)
    terminal, errors = io.StringIO(), io.StringIO()
    monkeypatch.setattr(sys, "stdout", terminal)
    monkeypatch.setattr(sys, "stderr", errors)
    handler = logging.StreamHandler(sys.stdout)  # what LOGGING's "stdout" handler is
    logging.getLogger().addHandler(handler)
    try:
        call_command("seed_demo")
    finally:
        logging.getLogger().removeHandler(handler)
    assert "| qualite " in terminal.getvalue()
    assert "Retention purge" not in terminal.getvalue()
    assert "Retention purge" in errors.getvalue()
    assert handler.stream is terminal  # given back after the command


def test_the_command_runs_the_project_apps_in_order_and_never_third_party_ones():
    labels = [config.label for config in seed_demo.project_apps()]
    assert labels[0] == "core"
    assert {"notifications", "reviews", "processes", "actionplans", "complaints", "surveys", "certifications"} <= set(
        labels
    )
    assert not {"admin", "auth", "axes", "two_factor", "otp_totp"} & set(labels)

"""The organisation: the unit tree and its materialised paths, academic years, programmes, courses, people."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from qms.core.choices import MembershipRole, OrgUnitKind
from qms.core.factories import (
    AcademicYearFactory,
    CourseFactory,
    MembershipFactory,
    OrgUnitFactory,
    ProgrammeFactory,
    TeachingFactory,
    UserFactory,
)
from qms.core.models import AcademicYear, Membership, OrgUnit, User

pytestmark = pytest.mark.django_db


def reload(*units: OrgUnit) -> list[OrgUnit]:
    return [OrgUnit.objects.get(pk=unit.pk) for unit in units]


# --- The unit tree -------------------------------------------------------------------------------------------


def test_a_unit_path_is_the_chain_of_ids_from_the_root(org):
    assert org.institution.path == f"/{org.institution.pk}/"
    assert org.sciences.path == f"/{org.institution.pk}/{org.sciences.pk}/"
    assert org.physics.path == f"{org.sciences.path}{org.physics.pk}/"
    assert (org.institution.depth, org.sciences.depth, org.physics.depth) == (0, 1, 2)


def test_descendants_and_ancestors(org):
    assert set(org.sciences.descendants()) == {org.sciences, org.physics}
    assert set(org.sciences.descendants(include_self=False)) == {org.physics}
    assert list(org.physics.ancestors()) == [org.institution, org.sciences, org.physics]
    assert list(org.physics.ancestors(include_self=False)) == [org.institution, org.sciences]
    assert set(org.institution.descendants()) == set(OrgUnit.objects.all())


def test_moving_a_unit_rewrites_the_paths_of_its_whole_sub_tree(org):
    optics = OrgUnitFactory(code="equipe-optique", name="Équipe optique", parent=org.physics)
    lab = OrgUnitFactory(code="labo-laser", name="Laboratoire laser", parent=optics)
    physics = org.physics
    physics.parent = org.letters
    physics.save()
    physics, optics, lab, sciences = reload(physics, optics, lab, org.sciences)
    assert physics.path == f"{org.letters.path}{physics.pk}/"
    assert optics.path == f"{physics.path}{optics.pk}/"
    assert lab.path == f"{optics.path}{lab.pk}/"
    assert set(org.letters.descendants()) == {org.letters, physics, optics, lab}
    assert set(sciences.descendants()) == {sciences}
    assert list(lab.ancestors()) == [org.institution, org.letters, physics, optics, lab]


def test_moving_a_unit_to_the_root_and_back(org):
    sciences = org.sciences
    sciences.parent = None
    sciences.save()
    physics = reload(org.physics)[0]
    assert sciences.path == f"/{sciences.pk}/"
    assert physics.path == f"/{sciences.pk}/{physics.pk}/"
    sciences.parent = org.institution
    sciences.save()
    assert reload(org.physics)[0].path == f"/{org.institution.pk}/{sciences.pk}/{physics.pk}/"


def test_saving_a_unit_that_did_not_move_leaves_its_sub_tree_alone(org, django_assert_num_queries):
    sciences = org.sciences
    sciences.name = "UFR Sciences et techniques"
    with django_assert_num_queries(1):
        sciences.save()
    assert reload(org.physics)[0].path == f"{sciences.path}{org.physics.pk}/"


def test_a_unit_cannot_be_placed_under_its_own_sub_unit(org):
    sciences = org.sciences
    sciences.parent = org.physics
    with pytest.raises(ValidationError) as error:
        sciences.full_clean()
    assert "parent" in error.value.message_dict
    sciences.parent = sciences
    with pytest.raises(ValidationError):
        sciences.full_clean()


def test_unit_codes_are_unique(org):
    with pytest.raises(IntegrityError), transaction.atomic():
        OrgUnit.objects.create(code="ufr-sciences", name="Doublon", kind=OrgUnitKind.UFR)


def test_a_unit_reads_as_its_name(org):
    assert str(org.sciences) == "UFR Sciences"


# --- Academic years -----------------------------------------------------------------------------------------


def test_only_one_academic_year_can_be_current():
    AcademicYearFactory(start_date=dt.date(2024, 9, 1), end_date=dt.date(2025, 8, 31), is_current=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        AcademicYearFactory(start_date=dt.date(2025, 9, 1), end_date=dt.date(2026, 8, 31), is_current=True)


def test_any_number_of_years_can_be_past_or_future():
    for start in (2022, 2023, 2024, 2025):
        AcademicYearFactory(start_date=dt.date(start, 9, 1), end_date=dt.date(start + 1, 8, 31))
    assert AcademicYear.objects.count() == 4
    assert AcademicYear.current() is None


def test_the_current_year_is_found_and_can_be_handed_over():
    old = AcademicYearFactory(start_date=dt.date(2024, 9, 1), end_date=dt.date(2025, 8, 31), is_current=True)
    new = AcademicYearFactory(start_date=dt.date(2025, 9, 1), end_date=dt.date(2026, 8, 31))
    assert AcademicYear.current() == old
    with transaction.atomic():
        AcademicYear.objects.filter(pk=old.pk).update(is_current=False)
        AcademicYear.objects.filter(pk=new.pk).update(is_current=True)
    assert AcademicYear.current() == new
    assert str(new) == "2025-2026"


def test_a_year_ends_after_it_starts():
    with pytest.raises(IntegrityError), transaction.atomic():
        AcademicYear.objects.create(name="2026-2025", start_date=dt.date(2026, 9, 1), end_date=dt.date(2025, 8, 31))


# --- Programmes, courses, teaching, people ---------------------------------------------------------------


def test_a_course_may_be_shared_by_several_programmes(org):
    licence = ProgrammeFactory(code="L-PHYS", name="Licence Physique", org_unit=org.physics)
    master = ProgrammeFactory(code="M-PHYS", name="Master Physique", org_unit=org.physics)
    course = CourseFactory(code="PHY101", title="Mécanique du point", org_unit=org.physics)
    course.programmes.add(licence, master)
    assert set(course.programmes.all()) == {licence, master}
    assert list(licence.courses.all()) == [course]
    assert str(licence) == "Licence Physique (L-PHYS)"
    assert str(course) == "PHY101 Mécanique du point"


def test_who_teaches_a_course_is_recorded_for_each_year(org):
    course = CourseFactory(code="PHY101", org_unit=org.physics)
    first = AcademicYearFactory(start_date=dt.date(2024, 9, 1), end_date=dt.date(2025, 8, 31))
    second = AcademicYearFactory(start_date=dt.date(2025, 9, 1), end_date=dt.date(2026, 8, 31))
    alice, bob = UserFactory(username="alice"), UserFactory(username="bob")
    TeachingFactory(course=course, academic_year=first, teacher=alice)
    TeachingFactory(course=course, academic_year=second, teacher=bob)
    TeachingFactory(course=course, academic_year=second, teacher=alice)
    assert set(course.teachings.filter(academic_year=second).values_list("teacher__username", flat=True)) == {
        "alice",
        "bob",
    }
    with pytest.raises(IntegrityError), transaction.atomic():
        TeachingFactory(course=course, academic_year=second, teacher=bob)


def test_a_membership_is_unique_per_user_unit_and_role(org):
    user = UserFactory()
    MembershipFactory(user=user, org_unit=org.sciences, role=MembershipRole.MEMBER)
    MembershipFactory(user=user, org_unit=org.sciences, role=MembershipRole.QUALITY_REFERENT)
    assert user.memberships.count() == 2
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=user, org_unit=org.sciences, role=MembershipRole.MEMBER)


def test_a_user_has_a_preferred_language_defaulting_to_the_site_language(settings):
    user = UserFactory.build()
    assert User._meta.get_field("language").default == settings.LANGUAGE_CODE
    assert user.language == "fr"
    assert str(UserFactory(username="jdupont", first_name="Jeanne", last_name="Dupont")) == "Jeanne Dupont"
    assert str(UserFactory(username="sans-nom", first_name="", last_name="")) == "sans-nom"


def test_the_user_model_is_the_projects_own(settings):
    assert settings.AUTH_USER_MODEL == "core.User"
    assert get_user_model()._meta.label == "core.User"

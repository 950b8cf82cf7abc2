"""factory_boy factories of the organisation. They live beside the code (not under tests/) because
``seed_demo`` builds the demo university from them."""

from __future__ import annotations

import datetime

import factory
from django.contrib.auth.models import Group
from factory.django import DjangoModelFactory

from qms.core.choices import MembershipRole, OrgUnitKind, ProgrammeLevel, StudyMode
from qms.core.models import AcademicYear, Course, Membership, OrgUnit, Programme, Teaching, User

DEMO_PASSWORD = "demo-qms-2026"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.edu")
    language = "fr"
    password = factory.django.Password(DEMO_PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        """``UserFactory(roles=["quality_manager"])`` puts the user in those role groups."""
        if create and extracted:
            self.groups.add(*[Group.objects.get_or_create(name=str(role))[0] for role in extracted])


class OrgUnitFactory(DjangoModelFactory):
    class Meta:
        model = OrgUnit
        django_get_or_create = ("code",)

    kind = OrgUnitKind.DEPARTMENT
    code = factory.Sequence(lambda n: f"unit-{n}")
    name = factory.Sequence(lambda n: f"Unité {n}")
    parent = None


class AcademicYearFactory(DjangoModelFactory):
    class Meta:
        model = AcademicYear
        django_get_or_create = ("name",)

    start_date = datetime.date(2025, 9, 1)
    end_date = datetime.date(2026, 8, 31)
    name = factory.LazyAttribute(lambda y: f"{y.start_date.year}-{y.end_date.year}")
    is_current = False


class ProgrammeFactory(DjangoModelFactory):
    class Meta:
        model = Programme
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"PRG-{n:03d}")
    name = factory.Sequence(lambda n: f"Licence {n}")
    level = ProgrammeLevel.LICENCE
    mode = StudyMode.INITIAL
    org_unit = factory.SubFactory(OrgUnitFactory)


class CourseFactory(DjangoModelFactory):
    class Meta:
        model = Course
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"UE-{n:04d}")
    title = factory.Sequence(lambda n: f"Enseignement {n}")
    org_unit = factory.SubFactory(OrgUnitFactory)


class TeachingFactory(DjangoModelFactory):
    class Meta:
        model = Teaching

    course = factory.SubFactory(CourseFactory)
    academic_year = factory.SubFactory(AcademicYearFactory)
    teacher = factory.SubFactory(UserFactory)


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership
        django_get_or_create = ("user", "org_unit", "role")

    user = factory.SubFactory(UserFactory)
    org_unit = factory.SubFactory(OrgUnitFactory)
    role = MembershipRole.MEMBER

"""Scope: where a user's permissions apply. A membership of a unit covers its sub-units; owning an object or
holding a current access grant to it opens that object; quality managers and directors see everything."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from qms.core.choices import MembershipRole, Role
from qms.core.factories import MembershipFactory, OrgUnitFactory, ProgrammeFactory, UserFactory
from qms.core.models import AccessGrant, Programme, User
from qms.core.selectors import (
    granted_ids,
    narrow_to_scope,
    referent_units,
    role_holders,
    scope_q,
    units_in_scope,
)

pytestmark = pytest.mark.django_db

PARIS = dt.timezone(dt.timedelta(hours=1))


def fresh(user: User) -> User:
    """The same user without the scope cache that selectors keep on the instance for one request."""
    return User.objects.get(pk=user.pk)


@pytest.fixture
def programmes(org):
    """One programme in each unit of the test organisation."""
    return {
        "physics": ProgrammeFactory(code="L-PHYS", name="Licence Physique", org_unit=org.physics),
        "sciences": ProgrammeFactory(code="M-SCI", name="Master Sciences", org_unit=org.sciences),
        "letters": ProgrammeFactory(code="L-LM", name="Licence Lettres modernes", org_unit=org.letters),
        "institution": ProgrammeFactory(code="DU-X", name="DU transversal", org_unit=org.institution),
    }


def programmes_codes(programmes) -> list[str]:
    return [p.code for p in programmes.values()]


def visible(user, **kwargs) -> set[str]:
    return set(narrow_to_scope(Programme.objects.all(), user, **kwargs).values_list("code", flat=True))


# --- Memberships cover sub-units -----------------------------------------------------------------------------


def test_a_membership_of_a_unit_covers_its_sub_units(org):
    user = UserFactory()
    MembershipFactory(user=user, org_unit=org.sciences)
    assert set(units_in_scope(user)) == {org.sciences.pk, org.physics.pk}


def test_a_membership_of_the_institution_covers_every_unit(org):
    user = UserFactory()
    MembershipFactory(user=user, org_unit=org.institution)
    assert set(units_in_scope(user)) == {u.pk for u in org.institution.descendants()}


def test_a_unit_created_later_under_a_member_unit_is_in_scope(org):
    user = UserFactory()
    MembershipFactory(user=user, org_unit=org.sciences)
    chemistry = OrgUnitFactory(code="dept-chimie", parent=org.sciences)
    assert chemistry.pk in units_in_scope(fresh(user))


def test_the_referent_of_sciences_sees_physics_but_not_letters(referent_sciences, programmes):
    assert visible(referent_sciences) == {"L-PHYS", "M-SCI"}


def test_the_referent_of_letters_sees_letters_only(referent_letters, programmes):
    assert visible(referent_letters) == {"L-LM"}


def test_referent_units_count_only_referent_memberships(org):
    user = UserFactory(roles=[Role.QUALITY_REFERENT])
    MembershipFactory(user=user, org_unit=org.letters, role=MembershipRole.MEMBER)
    MembershipFactory(user=user, org_unit=org.sciences, role=MembershipRole.QUALITY_REFERENT)
    assert set(referent_units(user)) == {org.sciences.pk, org.physics.pk}
    assert set(units_in_scope(user)) == {org.sciences.pk, org.physics.pk, org.letters.pk}


def test_unit_roles_narrow_the_scope_to_some_memberships(org, programmes):
    user = UserFactory()
    MembershipFactory(user=user, org_unit=org.letters, role=MembershipRole.MEMBER)
    MembershipFactory(user=user, org_unit=org.sciences, role=MembershipRole.QUALITY_REFERENT)
    assert visible(user, unit_roles=[MembershipRole.QUALITY_REFERENT]) == {"L-PHYS", "M-SCI"}


def test_a_plain_member_sees_their_units_objects(staff_member, teacher, programmes):
    assert visible(teacher) == {"L-PHYS"}
    # The library agent's membership is of the institution (see personas).
    assert visible(staff_member) == set(programmes_codes(programmes))


def test_a_user_with_no_membership_sees_nothing(programmes):
    assert visible(UserFactory(roles=[Role.QUALITY_REFERENT])) == set()


def test_an_anonymous_user_sees_nothing(programmes):
    assert visible(AnonymousUser()) == set()
    assert visible(None) == set()
    assert units_in_scope(AnonymousUser()) == []


# --- Everything, for quality managers and directors ----------------------------------------------------------


def test_the_quality_manager_and_the_director_see_everything(quality_manager, director, programmes):
    for user in (quality_manager, director):
        assert scope_q(user, Programme) is None
        assert visible(user) == set(programmes_codes(programmes))


def test_a_superuser_sees_nothing_through_the_flag_alone(programmes):
    assert visible(UserFactory(is_superuser=True, is_staff=True)) == set()


def test_the_auditor_sees_nothing_without_a_grant(auditor, programmes):
    assert visible(auditor) == set()


# --- Owning an object ---------------------------------------------------------------------------------------


def test_owner_fields_grant_access_to_the_object_outside_the_users_units(teacher, programmes):
    letters = programmes["letters"]
    letters.director = teacher
    letters.save()
    assert visible(teacher) == {"L-PHYS"}
    assert visible(fresh(teacher), owner_fields=["director"]) == {"L-PHYS", "L-LM"}


def test_owner_fields_work_without_any_unit_or_group(programmes):
    owner = UserFactory()
    programmes["letters"].director = owner
    programmes["letters"].save()
    assert visible(owner, unit_field=None, owner_fields=["director"]) == {"L-LM"}


# --- Access grants, between from and until ------------------------------------------------------------------


def grant(user, obj, start: dt.datetime, end: dt.datetime | None) -> AccessGrant:
    return AccessGrant.objects.create(
        user=user,
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        valid_from=start,
        valid_until=end,
        reason="Audit interne",
    )


def test_an_access_grant_opens_the_object_only_between_from_and_until(auditor, programmes):
    start = dt.datetime(2026, 3, 2, 9, 0, tzinfo=PARIS)
    end = dt.datetime(2026, 3, 6, 18, 0, tzinfo=PARIS)
    grant(auditor, programmes["letters"], start, end)
    expectations = [
        (start - dt.timedelta(seconds=1), set()),
        (start, {"L-LM"}),
        (dt.datetime(2026, 3, 4, 12, 0, tzinfo=PARIS), {"L-LM"}),
        (end - dt.timedelta(seconds=1), {"L-LM"}),
        (end, set()),
        (end + dt.timedelta(days=30), set()),
    ]
    for moment, expected in expectations:
        with time_machine.travel(moment, tick=False):
            assert visible(fresh(auditor)) == expected, moment


def test_an_open_ended_grant_lasts_until_revoked(auditor, programmes):
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=PARIS), tick=False):
        access = grant(auditor, programmes["physics"], timezone.now(), None)
        assert visible(fresh(auditor)) == {"L-PHYS"}
    with time_machine.travel(dt.datetime(2030, 1, 1, tzinfo=PARIS), tick=False):
        assert visible(fresh(auditor)) == {"L-PHYS"}
        access.delete()
        assert visible(fresh(auditor)) == set()


def test_a_grant_opens_one_object_of_one_model_only(auditor, org, programmes):
    grant(auditor, programmes["letters"], timezone.now() - dt.timedelta(hours=1), None)
    # A grant to a unit is not a grant to the programme with the same id.
    grant(auditor, org.physics, timezone.now() - dt.timedelta(hours=1), None)
    assert granted_ids(fresh(auditor), Programme) == [programmes["letters"].pk]
    assert visible(fresh(auditor)) == {"L-LM"}


def test_scopes_add_up_without_duplicates(referent_sciences, programmes):
    grant(referent_sciences, programmes["physics"], timezone.now() - dt.timedelta(hours=1), None)
    programmes["physics"].director = referent_sciences
    programmes["physics"].save()
    rows = list(
        narrow_to_scope(Programme.objects.all(), fresh(referent_sciences), owner_fields=["director"]).values_list(
            "code", flat=True
        )
    )
    assert sorted(rows) == ["L-PHYS", "M-SCI"]


# --- Who holds a role for a unit -----------------------------------------------------------------------------


def test_role_holders_fall_back_to_the_nearest_parent_unit(org, referent_sciences):
    assert list(role_holders(org.physics, MembershipRole.QUALITY_REFERENT)) == [referent_sciences]
    assert list(role_holders(org.physics, MembershipRole.QUALITY_REFERENT, inherit=False)) == []
    # Nobody is referent of the institution or of the quality service.
    assert list(role_holders(org.quality_service, MembershipRole.QUALITY_REFERENT)) == []
    assert list(role_holders(None, MembershipRole.QUALITY_REFERENT)) == []


def test_role_holders_prefer_the_units_own_holders_and_skip_inactive_users(org, referent_sciences):
    physics_referent = UserFactory(username="ref-physique")
    MembershipFactory(user=physics_referent, org_unit=org.physics, role=MembershipRole.QUALITY_REFERENT)
    assert list(role_holders(org.physics, MembershipRole.QUALITY_REFERENT)) == [physics_referent]
    physics_referent.is_active = False
    physics_referent.save()
    assert list(role_holders(org.physics, MembershipRole.QUALITY_REFERENT)) == [referent_sciences]


# --- The one helper's further rules (issue 9) ----------------------------------------------------------------


def test_a_grant_on_the_parent_opens_its_children(org):
    """``grants_through``: a grant on a programme's unit opens nothing, a grant on the unit's programme does."""
    from qms.core.factories import UserFactory as Users

    programme = ProgrammeFactory(code="L-X", name="Licence X", org_unit=org.letters)
    auditor = Users(username="auditeur-x", roles=[Role.AUDITOR])
    AccessGrant.objects.create(
        user=auditor, content_type=ContentType.objects.get_for_model(programme.org_unit), object_id=org.letters.pk
    )
    assert visible(auditor, unit_field=None) == set()
    assert visible(fresh(auditor), unit_field=None, grants_through={"org_unit": type(org.letters)}) == {"L-X"}


def test_a_unit_opens_its_rows_only_with_the_permission_asked(org):
    programme = ProgrammeFactory(code="L-Y", name="Licence Y", org_unit=org.letters)
    member = UserFactory(username="membre-lettres")
    MembershipFactory(user=member, org_unit=org.letters)
    assert visible(member) == {programme.code}
    assert visible(fresh(member), unit_perm="core.change_programme") == set()


def test_an_apps_own_rule_adds_to_the_scope(org):
    from django.db.models import Q

    ProgrammeFactory(code="L-Z", name="Licence Z", org_unit=org.letters)
    nobody = UserFactory(username="personne")
    assert visible(nobody) == set()
    assert visible(fresh(nobody), extra=Q(code="L-Z")) == {"L-Z"}

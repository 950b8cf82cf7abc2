"""The named people of the test suite, in one place. Each says what they may see.

They are built by ``build_personas()`` (and exposed as pytest fixtures by the root conftest.py) on a small
organisation: an institution with two UFRs (Sciences, Lettres), a department under Sciences, and the quality
service.
"""

from __future__ import annotations

from dataclasses import dataclass

from qms.core.choices import MembershipRole, OrgUnitKind, Role
from qms.core.factories import MembershipFactory, OrgUnitFactory, UserFactory
from qms.core.models import OrgUnit, User


@dataclass
class Organisation:
    institution: OrgUnit
    sciences: OrgUnit  # UFR Sciences
    physics: OrgUnit  # a department under Sciences
    letters: OrgUnit  # UFR Lettres
    quality_service: OrgUnit


@dataclass
class Personas:
    org: Organisation
    # Sees and does everything, everywhere.
    quality_manager: User
    # Quality referent of UFR Sciences: sees Sciences and its Physics department, nothing of Lettres.
    referent_sciences: User
    # Quality referent of UFR Lettres: sees Lettres only.
    referent_letters: User
    # Owns a process: sees that process and what hangs from it, and the actions they own.
    process_owner: User
    # Director: reads everything, produces reports.
    director: User
    # Teacher in Physics: sees their own courses' results; a plain staff member otherwise.
    teacher: User
    # Auditor: sees only what an access grant gives them, while it lasts.
    auditor: User
    # A plain member of staff (library): may report an internal dysfunction, nothing else.
    staff_member: User


def build_organisation() -> Organisation:
    institution = OrgUnitFactory(code="univ", name="Université de test", kind=OrgUnitKind.INSTITUTION)
    sciences = OrgUnitFactory(code="ufr-sciences", name="UFR Sciences", kind=OrgUnitKind.UFR, parent=institution)
    physics = OrgUnitFactory(code="dept-physique", name="Département de physique", parent=sciences)
    letters = OrgUnitFactory(code="ufr-lettres", name="UFR Lettres", kind=OrgUnitKind.UFR, parent=institution)
    quality = OrgUnitFactory(code="qualite", name="Service qualité", kind=OrgUnitKind.SERVICE, parent=institution)
    return Organisation(institution, sciences, physics, letters, quality)


# Fixed names, so that no two personas ever share a name by chance (owners are matched by name on import).
NAMES = {
    "qm": ("Claire", "Martin"),
    "ref-sciences": ("Julien", "Moreau"),
    "ref-lettres": ("Sophie", "Lambert"),
    "pilote": ("Karim", "Benali"),
    "direction": ("Hélène", "Rousseau"),
    "enseignant": ("Thomas", "Fournier"),
    "auditeur": ("Nadia", "Girard"),
    "agent": ("Lucas", "Bernard"),
}


def _person(username: str, roles: list[str], unit: OrgUnit, membership_role: str = MembershipRole.MEMBER) -> User:
    first_name, last_name = NAMES[username]
    user = UserFactory(username=username, first_name=first_name, last_name=last_name, roles=[Role.STAFF, *roles])
    MembershipFactory(user=user, org_unit=unit, role=MembershipRole.MEMBER)
    if membership_role != MembershipRole.MEMBER:
        MembershipFactory(user=user, org_unit=unit, role=membership_role)
    return user


def build_personas() -> Personas:
    org = build_organisation()
    return Personas(
        org=org,
        quality_manager=_person("qm", [Role.QUALITY_MANAGER], org.quality_service),
        referent_sciences=_person(
            "ref-sciences", [Role.QUALITY_REFERENT], org.sciences, MembershipRole.QUALITY_REFERENT
        ),
        referent_letters=_person("ref-lettres", [Role.QUALITY_REFERENT], org.letters, MembershipRole.QUALITY_REFERENT),
        process_owner=_person("pilote", [Role.PROCESS_OWNER], org.quality_service),
        director=_person("direction", [Role.DIRECTOR], org.institution, MembershipRole.DIRECTOR),
        teacher=_person("enseignant", [Role.TEACHER], org.physics),
        auditor=UserFactory(username="auditeur", first_name="Nadia", last_name="Girard", roles=[Role.AUDITOR]),
        staff_member=_person("agent", [], org.institution),
    )

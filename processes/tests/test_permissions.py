"""Who may do what: a process owner edits only their processes; owning grants access even without a group
permission; referents edit their units' processes; lists are narrowed to each person's scope."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from processes import permissions, selectors
from processes.tests.factories import DocumentFactory, IndicatorFactory, ProcessFactory, RiskFactory
from qms.core.choices import Role
from qms.core.factories import UserFactory
from qms.core.models import AccessGrant

pytestmark = pytest.mark.django_db


def test_a_process_owner_edits_their_process_and_not_another(process_owner, process, other_process):
    assert permissions.can_edit_process(process_owner, process)
    assert not permissions.can_edit_process(process_owner, other_process)
    assert not permissions.can_edit_risk(process_owner, RiskFactory(process=other_process))
    assert permissions.can_edit_risk(process_owner, RiskFactory(process=process))


def test_the_owners_pages_answer_and_the_others_refuse(client, process_owner, process, other_process):
    client.force_login(process_owner)
    assert client.get(reverse("processes:process-edit", args=[process.pk])).status_code == 200
    response = client.post(
        reverse("processes:process-edit", args=[process.pk]),
        {"name": process.name, "purpose": "Inscrire", "version": "1"},
    )
    assert response.status_code == 302
    process.refresh_from_db()
    assert process.purpose == "Inscrire"
    # Another process: not even visible (UFR Lettres is outside the owner's scope), so not found.
    assert client.get(reverse("processes:process-edit", args=[other_process.pk])).status_code == 404
    assert client.get(reverse("processes:risk-create", args=[other_process.pk])).status_code == 404


def test_a_visible_process_of_someone_else_is_read_only(client, process_owner, org, director):
    visible = ProcessFactory(code="S1", org_unit=org.quality_service, owner=director)
    client.force_login(process_owner)  # a member of the quality service
    assert client.get(visible.get_absolute_url()).status_code == 200
    assert client.get(reverse("processes:process-edit", args=[visible.pk])).status_code == 403
    assert client.get(reverse("processes:indicator-create", args=[visible.pk])).status_code == 403


def test_an_owner_cannot_change_what_places_the_process_on_the_map(client, process_owner, process, org):
    client.force_login(process_owner)
    client.post(
        reverse("processes:process-edit", args=[process.pk]),
        {"code": "Z9", "name": "Nouveau nom", "type": "support", "org_unit": org.letters.pk, "version": "1"},
    )
    process.refresh_from_db()
    assert (process.code, process.type, process.org_unit, process.name) == (
        "R2",
        "operational",
        org.sciences,
        "Nouveau nom",
    )


def test_owning_grants_access_without_the_group_permission(client, org):
    # In the demo, the direction owns processes and holds only the view permission; here, no group at all.
    owner = UserFactory(username="sans-role")
    owned = ProcessFactory(code="M3", org_unit=org.letters, owner=owner)
    assert not owner.has_perm("processes.change_process")
    assert permissions.can_edit_process(owner, owned)
    client.force_login(owner)
    assert client.get(owned.get_absolute_url()).status_code == 200
    assert client.get(reverse("processes:process-edit", args=[owned.pk])).status_code == 200
    assert list(selectors.processes_visible_to(owner)) == [owned]


def test_a_deputy_edits_like_the_owner(teacher, process):
    assert not permissions.can_edit_process(teacher, process)
    process.deputies.add(teacher)
    fresh = type(teacher).objects.get(pk=teacher.pk)
    assert permissions.can_edit_process(fresh, process)
    assert process in selectors.processes_editable_by(fresh)


def test_a_referent_edits_the_processes_of_their_units_only(
    referent_sciences, referent_letters, process, other_process, org
):
    physics = ProcessFactory(code="R9", org_unit=org.physics)
    assert permissions.can_edit_process(referent_sciences, process)
    assert permissions.can_edit_process(referent_sciences, physics)
    assert not permissions.can_edit_process(referent_sciences, other_process)
    assert permissions.can_edit_process(referent_letters, other_process)
    assert not permissions.can_edit_process(referent_letters, process)


def test_the_director_reads_everything_and_edits_only_what_they_own(director, process, other_process):
    assert permissions.can_view_process(director, process)
    assert not permissions.can_edit_process(director, process)
    assert permissions.can_edit_process(director, other_process)  # the fixture makes them its owner
    assert set(selectors.processes_visible_to(director)) == {process, other_process}


def test_lists_are_narrowed_to_the_scope(client, referent_letters, process, other_process):
    RiskFactory(process=process, reference="R2-R01")
    RiskFactory(process=other_process, reference="M1-R01")
    IndicatorFactory(process=process, name="Taux de Sciences")
    DocumentFactory(process=process, reference="PR-SCI")
    client.force_login(referent_letters)
    assert "M1-R01" in client.get(reverse("processes:risk-list")).content.decode()
    assert "R2-R01" not in client.get(reverse("processes:risk-list")).content.decode()
    assert "Taux de Sciences" not in client.get(reverse("processes:indicator-list")).content.decode()
    assert "PR-SCI" not in client.get(reverse("processes:document-list")).content.decode()
    processes = client.get(reverse("processes:process-list")).content.decode()
    assert 'data-process="M1"' in processes and 'data-process="R2"' not in processes


def test_the_map_shows_every_process_and_links_only_those_in_scope(client, referent_letters, process, other_process):
    client.force_login(referent_letters)
    html = client.get(reverse("processes:map")).content.decode()
    assert f'href="{other_process.get_absolute_url()}"' in html
    assert f'href="{process.get_absolute_url()}"' not in html
    assert 'data-code="R2"' in html


def test_an_auditor_sees_what_a_grant_opens(client, auditor, process, other_process):
    client.force_login(auditor)
    assert client.get(process.get_absolute_url()).status_code == 404
    AccessGrant.objects.create(
        user=auditor,
        content_type=ContentType.objects.get_for_model(process),
        object_id=process.pk,
        valid_until=None,
    )
    fresh = type(auditor).objects.get(pk=auditor.pk)
    client.force_login(fresh)
    assert client.get(process.get_absolute_url()).status_code == 200
    assert client.get(other_process.get_absolute_url()).status_code == 404
    assert not permissions.can_edit_process(fresh, process)


def test_a_plain_member_of_staff_reads_the_library_but_not_the_risks(client, staff_member):
    client.force_login(staff_member)
    assert client.get(reverse("processes:library")).status_code == 200
    assert client.get(reverse("processes:risk-list")).status_code == 403
    assert client.get(reverse("processes:process-create")).status_code == 403


def test_someone_with_no_role_is_refused_the_back_office_pages(client, db):
    nobody = UserFactory(username="personne")
    client.force_login(nobody)
    for name in (
        "process-list",
        "map",
        "risk-list",
        "heat-map",
        "indicator-list",
        "document-list",
        "library",
        "review-list",
        "measurements-due",
        "referents",
    ):
        assert client.get(reverse(f"processes:{name}")).status_code == 403, name


def test_only_quality_managers_validate_and_recompute(client, process_owner, quality_manager, process):
    process.status = "draft"
    process.save()
    client.force_login(process_owner)
    assert client.get(reverse("processes:process-validate", args=[process.pk])).status_code == 403
    client.force_login(quality_manager)
    response = client.post(
        reverse("processes:process-validate", args=[process.pk]),
        {"validated_on": "2021-12-14", "validated_by": "Conseil d'administration"},
    )
    assert response.status_code == 302
    process.refresh_from_db()
    assert process.status == "validated" and process.validated_on == datetime.date(2021, 12, 14)


def test_the_roles_declare_the_process_map_permissions():
    from processes.roles import PERMISSIONS

    assert "processes.delete_risk" in PERMISSIONS[Role.QUALITY_MANAGER]
    assert "processes.change_risk" in PERMISSIONS[Role.PROCESS_OWNER]
    assert "processes.change_risk" not in PERMISSIONS[Role.DIRECTOR]
    assert "processes.view_document" in PERMISSIONS[Role.STAFF]
    assert "processes.view_risk" not in PERMISSIONS[Role.STAFF]

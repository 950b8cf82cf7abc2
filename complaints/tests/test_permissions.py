"""Who sees and handles which request. Quality managers and directors see every ordinary request; a referent sees
their units' (sub-units included); an assignee theirs. Sensitive requests are for the sensitive-cases team only,
never in the ordinary inbox."""

from __future__ import annotations

import pytest
from django.test import Client

from complaints.choices import ComplaintStatus
from complaints.selectors import can_handle, complaints_visible_to
from complaints.services import complaint_requester_message
from complaints.tests.conftest import pdf_file
from complaints.tests.factories import ComplaintFactory
from qms.core.choices import Role
from qms.core.factories import UserFactory
from qms.core.models import AccessGrant

pytestmark = pytest.mark.django_db


@pytest.fixture
def requests_by_unit(org):
    return {
        "sciences": ComplaintFactory(org_unit=org.sciences, subject="Sciences"),
        "physics": ComplaintFactory(org_unit=org.physics, subject="Physique"),
        "letters": ComplaintFactory(org_unit=org.letters, subject="Lettres"),
        "none": ComplaintFactory(org_unit=None, subject="Sans unité"),
        "sensitive": ComplaintFactory(org_unit=org.sciences, sensitive_nature="harassment", subject="Harcèlement"),
    }


def as_client(user):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def visible(user, **kwargs):
    return set(complaints_visible_to(user, **kwargs).values_list("subject", flat=True))


def test_a_referent_sees_only_their_units_requests(requests_by_unit, referent_sciences, referent_letters):
    assert visible(referent_sciences) == {"Sciences", "Physique"}
    assert visible(referent_letters) == {"Lettres"}


def test_a_referents_inbox_and_pages_follow_their_scope(requests_by_unit, referent_sciences):
    client = as_client(referent_sciences)
    html = client.get("/demandes/").content.decode()
    for name, complaint in requests_by_unit.items():
        shown = complaint.reference in html
        assert shown == (name in ("sciences", "physics")), name
    assert client.get(requests_by_unit["physics"].get_absolute_url()).status_code == 200
    assert client.get(requests_by_unit["letters"].get_absolute_url()).status_code == 404
    assert client.get(requests_by_unit["sensitive"].get_absolute_url()).status_code == 404


def test_quality_managers_and_directors_see_every_ordinary_request(requests_by_unit, quality_manager, director):
    everything = {"Sciences", "Physique", "Lettres", "Sans unité"}
    assert visible(quality_manager) == everything
    assert visible(director) == everything


def test_a_director_reads_but_does_not_handle(requests_by_unit, director):
    complaint = requests_by_unit["sciences"]
    client = as_client(director)
    html = client.get(complaint.get_absolute_url()).content.decode()
    assert "data-actions" not in html
    response = client.post(f"{complaint.get_absolute_url()}take-charge/")
    assert response.status_code == 403
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.ACKNOWLEDGED


def test_a_referent_handles_their_units_requests_only(requests_by_unit, referent_sciences):
    assert can_handle(referent_sciences, requests_by_unit["physics"])
    assert not can_handle(referent_sciences, requests_by_unit["letters"])
    client = as_client(referent_sciences)
    assert client.post(f"{requests_by_unit['letters'].get_absolute_url()}take-charge/").status_code == 404


def test_sensitive_requests_are_seen_only_by_the_sensitive_cases_team(requests_by_unit, sensitive_handler, personas):
    sensitive = requests_by_unit["sensitive"]
    for person in (personas.quality_manager, personas.director, personas.referent_sciences):
        assert "Harcèlement" not in visible(person)
        assert "Harcèlement" not in visible(person, sensitive=True)
        assert as_client(person).get(sensitive.get_absolute_url()).status_code == 404
        assert as_client(person).get("/demandes/sensibles/").status_code == 403
    assert visible(sensitive_handler, sensitive=True) == {"Harcèlement"}
    client = as_client(sensitive_handler)
    assert client.get(sensitive.get_absolute_url()).status_code == 200
    assert sensitive.reference in client.get("/demandes/sensibles/").content.decode()
    assert can_handle(sensitive_handler, sensitive)


def test_sensitive_requests_never_appear_in_the_ordinary_inbox(requests_by_unit, org):
    # Even for someone who is both quality manager and in the sensitive-cases team.
    both = UserFactory(username="both", roles=[Role.QUALITY_MANAGER, Role.SENSITIVE_CASES])
    html = as_client(both).get("/demandes/").content.decode()
    assert requests_by_unit["sensitive"].reference not in html
    assert requests_by_unit["letters"].reference in html
    assert "Harcèlement" not in visible(both)


def test_a_superuser_signed_in_with_a_password_only_sees_no_request(requests_by_unit):
    # The superuser flag opens the Django admin, with a second factor; it is no back-office role.
    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    assert not visible(admin) and not visible(admin, sensitive=True)
    client = as_client(admin)
    assert client.get("/demandes/").status_code == 403
    for complaint in (requests_by_unit["letters"], requests_by_unit["sensitive"]):
        assert client.get(complaint.get_absolute_url()).status_code == 404
        assert client.post(f"{complaint.get_absolute_url()}take-charge/").status_code in (403, 404)
    assert client.get("/demandes/statistiques/").status_code == 403
    assert client.get("/demandes/registre/export.csv").status_code == 403


def test_an_assignee_sees_and_handles_their_request_without_any_group(requests_by_unit, org):
    person = UserFactory(username="gestionnaire", roles=[])
    complaint = requests_by_unit["letters"]
    complaint.assignee = person
    complaint.save()
    assert visible(person) == {"Lettres"}
    assert can_handle(person, complaint)
    client = as_client(person)
    assert complaint.reference in client.get("/demandes/").content.decode()
    assert client.post(f"{complaint.get_absolute_url()}take-charge/").status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.IN_PROGRESS


def test_an_access_grant_opens_one_request_to_an_auditor(requests_by_unit, auditor):
    assert visible(auditor) == set()
    AccessGrant.objects.create(user=auditor, target=requests_by_unit["letters"])
    auditor = type(auditor).objects.get(pk=auditor.pk)  # scopes are cached on the user for one request
    assert visible(auditor) == {"Lettres"}
    assert not can_handle(auditor, requests_by_unit["letters"])


def test_a_plain_member_of_staff_has_no_inbox_but_can_report(staff_member):
    client = as_client(staff_member)
    assert client.get("/demandes/").status_code == 403
    assert client.get("/demandes/signaler/").status_code == 200


def test_anonymous_visitors_are_sent_to_the_login_page(requests_by_unit):
    client = Client()
    complaint = requests_by_unit["sciences"]
    for path in ("/demandes/", "/demandes/sensibles/", complaint.get_absolute_url(), "/demandes/signaler/"):
        response = client.get(path)
        assert response.status_code == 302 and "login" in response["Location"], path


def test_attachments_are_served_only_to_those_who_see_the_request(requests_by_unit, referent_sciences, quality_manager):
    complaint = requests_by_unit["letters"]
    complaint_requester_message(complaint=complaint, body="Pièce", files=[pdf_file()])
    attachment = complaint.attachments.get()
    path = attachment.get_absolute_url()
    response = as_client(quality_manager).get(path)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "attachment;" in response["Content-Disposition"]
    assert as_client(referent_sciences).get(path).status_code == 404
    assert Client().get(path).status_code == 302  # to the login page
    # Another request's path does not open it either.
    other = requests_by_unit["sciences"]
    assert as_client(quality_manager).get(f"/demandes/{other.reference}/pieces/{attachment.pk}/").status_code == 404
    # And it has no public address under the media URL.
    with pytest.raises(ValueError):
        _url = attachment.file.url


def test_the_admin_hides_sensitive_requests_from_administrators_outside_the_team(requests_by_unit, rf):
    from django.contrib.admin.sites import site

    from complaints.models import Complaint

    request = rf.get("/admin/complaints/complaint/")
    request.user = UserFactory(username="root", is_superuser=True, is_staff=True)
    subjects = set(site._registry[Complaint].get_queryset(request).values_list("subject", flat=True))
    assert "Lettres" in subjects and "Harcèlement" not in subjects


# --- One helper, one place (issue 9) -------------------------------------------------------------------------------


def test_requests_are_scoped_by_the_one_helper(referent_sciences, monkeypatch):
    from complaints import selectors
    from complaints.models import Complaint
    from qms.core import selectors as core_selectors

    calls = []

    def spy(user, model, **kwargs):
        calls.append(model)
        return core_selectors.scope_q(user, model, **kwargs)

    monkeypatch.setattr(selectors, "scope_q", spy)
    list(selectors.complaints_visible_to(referent_sciences))
    assert calls == [Complaint]


def test_can_view_agrees_with_the_list_for_every_persona(personas, requests_by_unit, sensitive_handler, org):
    from complaints.selectors import can_view
    from processes.choices import ProcessType
    from processes.models import Process

    process = Process.objects.create(code="P-1", name="Accueil", type=ProcessType.SUPPORT, owner=personas.process_owner)
    ComplaintFactory(org_unit=org.letters, process=process, subject="Processus")
    people = [
        personas.quality_manager,
        personas.referent_sciences,
        personas.referent_letters,
        personas.process_owner,
        personas.director,
        personas.auditor,
        personas.staff_member,
        sensitive_handler,
    ]
    for user in people:
        from complaints.models import Complaint

        listed = set(complaints_visible_to(user).values_list("pk", flat=True)) | set(
            complaints_visible_to(user, sensitive=True).values_list("pk", flat=True)
        )
        for complaint in Complaint.objects.all():
            assert can_view(user, complaint) == (complaint.pk in listed), (user.username, complaint.subject)


def test_the_statistics_page_checks_a_permission_not_a_role_name(director, org):
    """A director whose group no longer holds the statistics permission is refused, whatever the role's name."""
    from django.contrib.auth.models import Group, Permission

    client = as_client(director)
    assert client.get("/demandes/statistiques/").status_code == 200
    Group.objects.get(name=Role.DIRECTOR).permissions.remove(
        Permission.objects.get(codename="view_complaint_statistics")
    )
    director = type(director).objects.get(pk=director.pk)
    assert as_client(director).get("/demandes/statistiques/").status_code == 403

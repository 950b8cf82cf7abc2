"""The helpdesk's addresses: public pages at the site's root, every staff page under ``/demandes/``, and the staff
pages' former addresses answering with a permanent redirect (query string kept), so that bookmarks and the links
of emails already sent keep working."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from complaints.models import ReplyTemplate
from complaints.services import complaint_assign
from complaints.tests.factories import ComplaintFactory
from qms.notifications.choices import OutboxState
from qms.notifications.models import OutboxEmail
from qms.notifications.tests.factories import OutboxEmailFactory

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


@pytest.fixture
def reply_template(db):
    return ReplyTemplate.objects.create(title="Remerciement", body_fr="Merci.", order=1)


def test_every_staff_page_of_the_helpdesk_is_under_its_prefix(reply_template):
    staff = {
        "inbox": {},
        "sensitive-inbox": {},
        "staff-create": {},
        "stats": {},
        "stats-csv": {},
        "export-csv": {},
        "export-xlsx": {},
        "replytemplate-list": {},
        "replytemplate-create": {},
        "replytemplate-edit": {"pk": reply_template.pk},
        "detail": {"reference": "REC-2026-00001"},
        "action": {"reference": "REC-2026-00001", "action": "take-charge"},
        "attachment": {"reference": "REC-2026-00001", "attachment_id": 1},
    }
    outside = [
        name
        for name, kwargs in staff.items()
        if not reverse(f"complaints:{name}", kwargs=kwargs).startswith("/demandes/")
    ]
    assert outside == []
    # The public pages keep the addresses printed on posters and receipts.
    assert reverse("complaints:public-create") == "/signaler/"
    assert reverse("complaints:public-lookup") == "/suivi/"
    assert reverse("complaints:public-track", kwargs={"token": "abc"}) == "/suivi/abc/"


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (
            "/statistiques-demandes/?start=2026-01-01&end=2026-03-31",
            "/demandes/statistiques/?start=2026-01-01&end=2026-03-31",
        ),
        ("/statistiques-demandes/export.csv?unit=3", "/demandes/statistiques/export.csv?unit=3"),
        (
            "/registre-demandes/export.csv?status=closed&kind=complaint",
            "/demandes/registre/export.csv?status=closed&kind=complaint",
        ),
        ("/registre-demandes/export.xlsx?sensitive=1", "/demandes/registre/export.xlsx?sensitive=1"),
        ("/modeles-de-reponse/?page=2", "/demandes/modeles-de-reponse/?page=2"),
        ("/modeles-de-reponse/nouveau/", "/demandes/modeles-de-reponse/nouveau/"),
    ],
)
def test_a_former_staff_address_redirects_for_good_to_the_new_one_with_its_query(quality_manager, old, new):
    response = client_for(quality_manager).get(old)
    assert (response.status_code, response["Location"]) == (301, new)


def test_a_former_reply_template_address_redirects_to_the_same_template(quality_manager, reply_template):
    response = client_for(quality_manager).get(f"/modeles-de-reponse/{reply_template.pk}/modifier/")
    assert (response.status_code, response["Location"]) == (
        301,
        f"/demandes/modeles-de-reponse/{reply_template.pk}/modifier/",
    )


def test_the_new_addresses_open(quality_manager, reply_template):
    client = client_for(quality_manager)
    for path in (
        "/demandes/",
        "/demandes/statistiques/",
        "/demandes/modeles-de-reponse/",
        "/demandes/modeles-de-reponse/nouveau/",
        f"/demandes/modeles-de-reponse/{reply_template.pk}/modifier/",
    ):
        assert client.get(path).status_code == 200, path
    assert client.get("/demandes/statistiques/export.csv")["Content-Type"].startswith("text/csv")
    assert client.get("/demandes/registre/export.csv")["Content-Type"].startswith("text/csv")


def test_a_former_address_still_asks_a_visitor_to_sign_in_and_refuses_who_may_not_see_the_page(personas):
    response = Client().get("/statistiques-demandes/")
    assert response.status_code == 302 and "/statistiques-demandes/" in response["Location"]  # back here once in
    followed = client_for(personas.teacher).get("/statistiques-demandes/?start=2026-01-01", follow=True)
    assert followed.redirect_chain == [("/demandes/statistiques/?start=2026-01-01", 301)]
    assert followed.status_code == 403


def test_a_link_of_an_email_already_sent_opens_its_page(personas, quality_manager, django_capture_on_commit_callbacks):
    complaint = ComplaintFactory(org_unit=personas.org.sciences)
    with django_capture_on_commit_callbacks(execute=True):
        complaint_assign(complaint=complaint, by=quality_manager, assignee=personas.referent_sciences)
    email = OutboxEmail.objects.get(kind="complaint-assigned")
    assert email.state == OutboxState.SENT  # its body is kept as it was sent
    link = urlsplit(re.search(r"https?://\S+", email.body_text).group())
    assert link.path == f"/demandes/{complaint.reference}/"
    response = client_for(personas.referent_sciences).get(link.path)
    assert response.status_code == 200 and complaint.reference in response.content.decode()


def test_an_email_stored_with_a_former_address_still_leads_to_the_page(quality_manager):
    # A body sent before the staff pages moved, as the outbox keeps it.
    email = OutboxEmailFactory(
        state=OutboxState.SENT,
        body_text="Les chiffres du trimestre : https://qualite.univ.example/statistiques-demandes/?start=2026-01-01&end=2026-03-31\n",
    )
    link = urlsplit(re.search(r"https?://\S+", email.body_text).group())
    response = client_for(quality_manager).get(f"{link.path}?{link.query}", follow=True)
    assert response.redirect_chain == [("/demandes/statistiques/?start=2026-01-01&end=2026-03-31", 301)]
    assert response.status_code == 200
    assert response.context["form"].cleaned_data["start"].isoformat() == "2026-01-01"

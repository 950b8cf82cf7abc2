"""The requester's side after filing: the tracking page behind its secret link (and nothing for a wrong one),
the tracking code, "Lost your link?", answering, adding information or files, and rating."""

from __future__ import annotations

import datetime
import re
import secrets

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from complaints.choices import ComplaintStatus, MessageKind
from complaints.models import ComplaintAttachment
from complaints.services import complaint_answer, complaint_ask_requester
from complaints.tests.conftest import EXE_BYTES, pdf_file
from complaints.tests.factories import ComplaintFactory, ComplaintMessageFactory
from qms.core.models import ActivityLog
from qms.core.tokens import make_token
from qms.notifications.models import OutboxEmail

pytestmark = pytest.mark.django_db

S = ComplaintStatus


@pytest.fixture
def tracked():
    """A request in progress and its tracking token."""
    token, _hash = make_token()
    return ComplaintFactory(status=S.IN_PROGRESS, token=token), token


def _neutral(html: str, echoed: str) -> str:
    """``html`` without what legitimately differs between two answers: a masked CSRF token, the input echoed."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html).replace(echoed, "…")


def url(token, suffix=""):
    return f"/suivi/{token}/{suffix}"


def test_the_tracking_page_shows_the_status_and_the_public_messages_only(client, tracked, quality_manager):
    complaint, token = tracked
    ComplaintMessageFactory(complaint=complaint, kind=MessageKind.INTERNAL_NOTE, body="Note interne : voir M. X")
    ComplaintMessageFactory(complaint=complaint, kind=MessageKind.PUBLIC_REPLY, body="Nous regardons cela.")
    response = client.get(url(token))
    html = response.content.decode()
    assert response.status_code == 200
    assert complaint.reference in html and 'data-status="in_progress"' in html
    assert "Nous regardons cela." in html and "Note interne" not in html
    assert response["Referrer-Policy"] == "no-referrer"
    assert "no-store" in response["Cache-Control"] and "noindex" in response["X-Robots-Tag"]


def test_the_final_answer_is_shown(client, tracked, quality_manager):
    complaint, token = tracked
    complaint_answer(complaint=complaint, by=quality_manager, answer="La chaudière a été remplacée.")
    html = client.get(url(token)).content.decode()
    assert "data-final-answer" in html and "La chaudière a été remplacée." in html


def test_a_wrong_or_guessed_token_is_a_404_that_leaks_nothing(client, tracked):
    complaint, token = tracked
    guessed = secrets.token_urlsafe(32)
    off_by_one = token[:-1] + ("A" if token[-1] != "A" else "B")
    tried = (guessed, off_by_one, "abc", token.upper(), "x" * 300)
    responses = [client.get(url(t)) for t in tried]
    assert [r.status_code for r in responses] == [404] * 5
    # The same page whatever was tried (but for the address echoed by the language switcher and the CSRF token).
    bodies = {_neutral(r.content.decode(), t) for r, t in zip(responses, tried, strict=True)}
    assert len(bodies) == 1
    body = bodies.pop()
    assert complaint.reference not in body and complaint.subject not in body
    assert all(r["Referrer-Policy"] == "no-referrer" for r in responses)
    for suffix in ("confirmation/", "pieces/1/"):
        assert client.get(url(guessed, suffix)).status_code == 404


def test_the_tracking_page_is_rate_limited_by_token(client, tracked, settings):
    complaint, token = tracked
    settings.COMPLAINTS_TRACK_RATE_BY_TOKEN = "3/h"
    assert [client.get(url(token)).status_code for _ in range(3)] == [200, 200, 200]
    assert client.get(url(token)).status_code == 429
    # From another address too: the limit follows the token.
    assert Client(REMOTE_ADDR="198.51.100.20").get(url(token)).status_code == 429


def test_the_tracking_page_is_rate_limited_by_address(client, settings):
    settings.COMPLAINTS_TRACK_RATE_BY_ADDRESS = "5/m"
    codes = [client.get(url(secrets.token_urlsafe(32))).status_code for _ in range(6)]
    assert codes == [404] * 5 + [429]


def test_the_requester_answers_a_question(client, tracked, quality_manager):
    complaint, token = tracked
    complaint_ask_requester(complaint=complaint, by=quality_manager, question="Dans quel bâtiment ?")
    html = client.get(url(token)).content.decode()
    assert "Dans quel bâtiment ?" in html and 'data-form="requester-message"' in html
    response = client.post(url(token), {"action": "message", "body": "Bâtiment B, salle 204."})
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == S.IN_PROGRESS
    assert complaint.messages.filter(kind=MessageKind.REQUESTER, body="Bâtiment B, salle 204.").exists()
    assert "Bâtiment B, salle 204." in client.get(url(token)).content.decode()


def test_the_requester_adds_information_and_files(client, tracked):
    complaint, token = tracked
    response = client.post(url(token), {"action": "message", "body": "Voici la photo.", "attachments": [pdf_file()]})
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == S.IN_PROGRESS  # no move: it was already in progress
    attachment = ComplaintAttachment.objects.get(complaint=complaint)
    assert attachment.message.body == "Voici la photo."
    download = client.get(url(token, f"pieces/{attachment.pk}/"))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert "attachment" in download["Content-Disposition"] and b"".join(download.streaming_content).startswith(b"%PDF")


def test_a_bad_file_on_the_tracking_page_is_refused_with_the_text_kept(client, tracked):
    complaint, token = tracked
    disguised = pdf_file(name="scan.pdf", content=EXE_BYTES)
    response = client.post(url(token), {"action": "message", "body": "Mon texte", "attachments": [disguised]})
    assert response.status_code == 400
    assert "Mon texte" in response.content.decode() and "data-files-lost" in response.content.decode()
    assert not complaint.messages.exists()


def test_a_message_loses_its_reordering_controls(client, tracked):
    complaint, token = tracked
    assert client.post(url(token), {"action": "message", "body": "Ci-joint \u202efdp.exe"}).status_code == 302
    assert complaint.messages.get().body == "Ci-joint fdp.exe"


def test_an_empty_message_is_refused(client, tracked):
    complaint, token = tracked
    assert client.post(url(token), {"action": "message", "body": "  "}).status_code == 400
    assert not complaint.messages.exists()


def test_another_requests_file_cannot_be_read_through_this_link(client, tracked):
    complaint, token = tracked
    other_token, _hash = make_token()
    other = ComplaintFactory(token=other_token)
    Client().post(url(other_token), {"action": "message", "body": "x", "attachments": [pdf_file()]})
    foreign = ComplaintAttachment.objects.get(complaint=other)
    assert client.get(url(token, f"pieces/{foreign.pk}/")).status_code == 404


def test_adding_information_reopens_an_answered_request_within_30_days(client, quality_manager):
    token, _hash = make_token()
    complaint = ComplaintFactory(status=S.IN_PROGRESS, token=token)
    complaint_answer(complaint=complaint, by=quality_manager, answer="Réglé.")
    html = client.get(url(token)).content.decode()
    assert "reopens it" in html
    client.post(url(token), {"action": "message", "body": "Ce n'est pas réglé."})
    complaint.refresh_from_db()
    assert complaint.status == S.IN_PROGRESS and complaint.reopened_at


def test_after_30_days_the_request_cannot_be_reopened(client):
    token, _hash = make_token()
    complaint = ComplaintFactory(status=S.CLOSED, token=token, answered_at=timezone.now() - datetime.timedelta(days=31))
    assert 'data-form="requester-message"' not in client.get(url(token)).content.decode()
    response = client.post(url(token), {"action": "message", "body": "Encore"})
    assert response.status_code == 400
    complaint.refresh_from_db()
    assert complaint.status == S.CLOSED


def test_the_requester_rates_the_answer_once(client, quality_manager):
    token, _hash = make_token()
    complaint = ComplaintFactory(status=S.IN_PROGRESS, token=token)
    assert 'data-form="rating"' not in client.get(url(token)).content.decode()  # not answered yet
    assert client.post(url(token), {"action": "rate", "rating": "5"}).status_code == 400
    complaint_answer(complaint=complaint, by=quality_manager, answer="Réglé.")
    assert 'data-form="rating"' in client.get(url(token)).content.decode()
    response = client.post(url(token), {"action": "rate", "rating": "4", "comment": "Rapide, merci."})
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert (complaint.rating, complaint.rating_comment) == (4, "Rapide, merci.") and complaint.rated_at
    html = client.get(url(token)).content.decode()
    assert 'data-form="rating"' not in html and "data-rating" in html
    assert client.post(url(token), {"action": "rate", "rating": "1"}).status_code == 400
    complaint.refresh_from_db()
    assert complaint.rating == 4


@pytest.mark.parametrize("rating", ["0", "6", "abc", ""])
def test_a_rating_outside_1_to_5_is_refused(client, quality_manager, rating):
    token, _hash = make_token()
    complaint = ComplaintFactory(status=S.ANSWERED, token=token, answered_at=timezone.now())
    assert client.post(url(token), {"action": "rate", "rating": rating}).status_code == 400
    complaint.refresh_from_db()
    assert complaint.rating is None


def test_the_tracking_code_leads_to_the_page(client, tracked):
    complaint, token = tracked
    response = client.post("/suivi/", {"code": f"  {token} "})
    assert response.status_code == 302 and response["Location"] == url(token)
    wrong = client.post("/suivi/", {"code": secrets.token_urlsafe(32)})
    assert wrong.status_code == 400 and "No request matches this code" in wrong.content.decode()


# --- Lost your link? --------------------------------------------------------------------------------------
def test_lost_link_sends_new_links_and_leaves_the_old_ones_working(client, django_capture_on_commit_callbacks):
    old_token, _hash = make_token()
    first = ComplaintFactory(email="Lea@Example.org", token=old_token)
    second = ComplaintFactory(email="lea@example.org")
    ComplaintFactory(email="someone@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/suivi/lien-perdu/", {"email": "lea@example.org"})
    assert response.status_code == 200 and "data-lost-link-sent" in response.content.decode()
    [message] = [m for m in mail.outbox if m.to == ["lea@example.org"]]
    assert first.reference in message.body and second.reference in message.body
    # Anyone may type an address here: the requester's former link, printed receipt and QR code keep working.
    assert client.get(url(old_token)).status_code == 200
    new_links = [line for line in message.body.split() if "/suivi/" in line]
    assert len(new_links) == 2
    new_token = new_links[0].rstrip("/").split("/")[-1]
    assert new_token != old_token and client.get(url(new_token)).status_code == 200
    assert first.tracking_links.count() == 1 and second.tracking_links.count() == 1
    assert "former links keep working" in message.body
    # The body carried secret links: wiped once sent.
    links_email = OutboxEmail.objects.get(kind="complaint-links")
    assert "/suivi/" not in links_email.body_text and links_email.context is None


def test_lost_link_answers_the_same_for_an_unknown_address(client, django_capture_on_commit_callbacks):
    ComplaintFactory(email="lea@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post("/suivi/lien-perdu/", {"email": "lea@example.org"})
        unknown = client.post("/suivi/lien-perdu/", {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 200
    known_page = _neutral(known.content.decode(), "lea@example.org")
    assert known_page == _neutral(unknown.content.decode(), "nobody@example.org")
    assert not [m for m in mail.outbox if m.to == ["nobody@example.org"]]


def test_lost_link_is_rate_limited(client, settings):
    settings.COMPLAINTS_LOST_LINK_RATE_BY_ADDRESS = "2/h"
    codes = [client.post("/suivi/lien-perdu/", {"email": f"x{n}@example.org"}).status_code for n in range(3)]
    assert codes == [200, 200, 429]


def test_lost_link_does_not_flood_one_mailbox(client, settings, django_capture_on_commit_callbacks):
    settings.COMPLAINTS_LOST_LINK_RATE_BY_EMAIL = "1/h"
    ComplaintFactory(email="lea@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        for address in ("198.51.100.1", "198.51.100.2", "198.51.100.3"):
            response = Client(REMOTE_ADDR=address).post("/suivi/lien-perdu/", {"email": "lea@example.org"})
            assert response.status_code == 200  # the same answer, whatever happens behind
    assert len([m for m in mail.outbox if m.to == ["lea@example.org"]]) == 1


def test_the_requester_revokes_the_other_links_from_the_tracking_page(client, django_capture_on_commit_callbacks):
    first_token, _hash = make_token()
    complaint = ComplaintFactory(email="lea@example.org", token=first_token)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/suivi/lien-perdu/", {"email": "lea@example.org"})
        client.post("/suivi/lien-perdu/", {"email": "lea@example.org"})
    sent = [line.rstrip("/").split("/")[-1] for m in mail.outbox for line in m.body.split() if "/suivi/" in line]
    assert len(sent) == 2 and all(client.get(url(token)).status_code == 200 for token in [first_token, *sent])

    kept = sent[0]
    page = client.get(url(kept)).content.decode()
    assert 'data-form="revoke-links"' in page and "Revoke my other links" in page
    response = client.post(url(kept), {"action": "revoke-others"})
    assert response.status_code == 302
    assert "no longer work" in client.get(url(kept)).content.decode()
    assert [client.get(url(token)).status_code for token in (first_token, sent[1])] == [404, 404]
    assert client.get(url(kept)).status_code == 200
    complaint.refresh_from_db()
    assert complaint.tracking_links.count() == 0  # the kept link became the request's own
    assert ActivityLog.objects.filter(verb="links-revoked", details__revoked=2).exists()


def test_revoking_from_the_first_link_keeps_that_one(client, tracked):
    complaint, token = tracked
    from complaints.services import complaint_issue_link

    other = complaint_issue_link(complaint=complaint)
    assert client.get(url(other)).status_code == 200
    assert client.post(url(token), {"action": "revoke-others"}).status_code == 302
    assert (client.get(url(token)).status_code, client.get(url(other)).status_code) == (200, 404)


def test_a_purged_request_opens_through_none_of_its_links(client, tracked):
    from complaints.retention import purge_complaint
    from complaints.services import complaint_issue_link

    complaint, token = tracked
    other = complaint_issue_link(complaint=complaint)
    purge_complaint(complaint=complaint)
    assert [client.get(url(t)).status_code for t in (token, other)] == [404, 404]
    assert not complaint.tracking_links.exists()


def test_an_invalid_address_is_asked_again(client):
    response = client.post("/suivi/lien-perdu/", {"email": "pas-une-adresse"})
    assert response.status_code == 400


def test_the_tracking_forms_work_from_a_page_sent_without_referrer(tracked):
    # Browsers post the forms of a "no-referrer" page with "Origin: null"; the secret link guards them instead.
    complaint, token = tracked
    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    response = client.post(url(token), {"action": "message", "body": "Merci"}, HTTP_ORIGIN="null")
    assert response.status_code == 302
    assert complaint.messages.filter(body="Merci").exists()


def test_the_lookup_form_keeps_its_csrf_check(db):
    client = Client(enforce_csrf_checks=True)
    assert client.post("/suivi/", {"code": "x" * 43}).status_code == 403

"""Reply templates: canned answers in French and in English that the quality manager edits, offered on the
request page in the requester's language (a select with JavaScript; a "use" link that pre-fills the form
without it)."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from complaints.choices import ComplaintKind, ComplaintStatus
from complaints.models import ReplyTemplate
from complaints.reply_templates import active_reply_templates, template_text
from complaints.tests.factories import ComplaintFactory

pytestmark = pytest.mark.django_db

S = ComplaintStatus


def client_for(user) -> Client:
    user.language = "en"
    user.save(update_fields=["language"])
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


@pytest.fixture
def templates(db):
    return {
        "thanks": ReplyTemplate.objects.create(
            title="Remerciement",
            body_fr="Merci pour votre message au sujet de la demande {reference}.",
            body_en="Thank you for your message about request {reference}.",
            order=1,
        ),
        "french_only": ReplyTemplate.objects.create(
            title="Réponse CROUS", body_fr="Le CROUS gère les bourses.", order=2
        ),
        "suggestions": ReplyTemplate.objects.create(
            title="Suggestion retenue", kind=ComplaintKind.SUGGESTION, body_fr="Votre suggestion est retenue.", order=3
        ),
        "inactive": ReplyTemplate.objects.create(title="Ancienne réponse", body_fr="Obsolète.", is_active=False),
    }


# --- The model and its reads ------------------------------------------------------------------------------------
def test_the_text_is_in_the_requester_language_with_french_as_the_fallback(templates):
    thanks, french_only = templates["thanks"], templates["french_only"]
    assert thanks.body_for("en") == "Thank you for your message about request {reference}."
    assert thanks.body_for("fr") == thanks.body_fr
    assert french_only.body_for("en") == "Le CROUS gère les bourses."


def test_the_placeholders_are_filled(templates, settings):
    complaint = ComplaintFactory(language="en")
    assert template_text(templates["thanks"], complaint) == (
        f"Thank you for your message about request {complaint.reference}."
    )
    site = ReplyTemplate(title="x", body_fr="L'équipe de {institution}")
    assert template_text(site, complaint) == f"L'équipe de {settings.INSTITUTION_NAME}"


def test_only_active_templates_of_the_kind_or_of_every_kind_are_offered(templates):
    assert [t.title for t in active_reply_templates(ComplaintKind.COMPLAINT)] == ["Remerciement", "Réponse CROUS"]
    assert [t.title for t in active_reply_templates(ComplaintKind.SUGGESTION)] == [
        "Remerciement",
        "Réponse CROUS",
        "Suggestion retenue",
    ]


# --- On the request page ------------------------------------------------------------------------------------------
def _options(html: str, action: str) -> list[str]:
    block = re.search(rf'<select[^>]*id="reply-template-{action}".*?</select>', html, re.S)
    assert block, f"no template picker for {action}"
    return re.findall(r'data-body="([^"]*)"', block.group(0))


def test_the_request_page_offers_the_templates_in_the_requester_language(quality_manager, templates):
    complaint = ComplaintFactory(status=S.IN_PROGRESS, language="en")
    response = client_for(quality_manager).get(complaint.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    # The final answer, a public reply and a question to the requester are offered the templates.
    for action in ("answer", "reply", "ask"):
        assert _options(html, action) == [
            f"Thank you for your message about request {complaint.reference}.",
            "Le CROUS gère les bourses.",
        ]
    assert 'data-target="id_answer-answer"' in html
    # Not the internal note, and never an inactive template or one of another kind.
    assert 'id="reply-template-note"' not in html
    assert "Obsolète" not in html and "Suggestion retenue" not in html
    # The script is written once.
    assert html.count("data-reply-template-select]") == 1


def test_without_javascript_a_use_link_pre_fills_the_answer(quality_manager, templates):
    complaint = ComplaintFactory(status=S.IN_PROGRESS, language="fr")
    client = client_for(quality_manager)
    html = client.get(complaint.get_absolute_url()).content.decode()
    link = f"?template={templates['thanks'].pk}&amp;for=answer#panel-answer"
    assert link in html

    response = client.get(complaint.get_absolute_url(), {"template": templates["thanks"].pk, "for": "answer"})

    html = response.content.decode()
    answer = re.search(r'<textarea[^>]*name="answer-answer"[^>]*>(.*?)</textarea>', html, re.S).group(1)
    assert answer.strip() == f"Merci pour votre message au sujet de la demande {complaint.reference}."
    reply = re.search(r'<textarea[^>]*name="reply-body"[^>]*>(.*?)</textarea>', html, re.S).group(1)
    assert reply.strip() == ""


def test_a_use_link_for_another_form_or_an_unknown_template_fills_nothing(quality_manager, templates):
    complaint = ComplaintFactory(status=S.IN_PROGRESS)
    client = client_for(quality_manager)
    for params in ({"template": templates["inactive"].pk}, {"template": "9999"}, {"template": "x"}):
        html = client.get(complaint.get_absolute_url(), params).content.decode()
        answer = re.search(r'<textarea[^>]*name="answer-answer"[^>]*>(.*?)</textarea>', html, re.S).group(1)
        assert answer.strip() == ""
    html = client.get(
        complaint.get_absolute_url(), {"template": templates["thanks"].pk, "for": "reply"}
    ).content.decode()
    reply = re.search(r'<textarea[^>]*name="reply-body"[^>]*>(.*?)</textarea>', html, re.S).group(1)
    assert reply.strip().startswith("Merci pour votre message")


def test_no_picker_without_templates(quality_manager):
    complaint = ComplaintFactory(status=S.IN_PROGRESS)
    html = client_for(quality_manager).get(complaint.get_absolute_url()).content.decode()
    assert "data-reply-templates" not in html


def test_the_template_text_is_escaped_in_the_page(quality_manager):
    ReplyTemplate.objects.create(title="<b>x</b>", body_fr='"><script>alert(1)</script>')
    complaint = ComplaintFactory(status=S.IN_PROGRESS)
    html = client_for(quality_manager).get(complaint.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;b&gt;x&lt;/b&gt;" in html


# --- The back office ------------------------------------------------------------------------------------------------
def test_the_quality_manager_lists_creates_and_edits_templates(quality_manager, templates):
    client = client_for(quality_manager)
    response = client.get("/demandes/modeles-de-reponse/")
    assert response.status_code == 200
    html = response.content.decode()
    for template in templates.values():
        assert template.title in html

    response = client.post(
        "/demandes/modeles-de-reponse/nouveau/",
        {
            "title": "Accusé",
            "kind": "complaint",
            "body_fr": "Bonjour,",
            "body_en": "Hello,",
            "order": 5,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/demandes/modeles-de-reponse/"
    created = ReplyTemplate.objects.get(title="Accusé")
    assert (created.kind, created.body_fr, created.body_en, created.order, created.is_active) == (
        "complaint",
        "Bonjour,",
        "Hello,",
        5,
        True,
    )

    assert client.get(f"/demandes/modeles-de-reponse/{created.pk}/modifier/").status_code == 200
    response = client.post(
        f"/demandes/modeles-de-reponse/{created.pk}/modifier/",
        {"title": "Accusé de réception", "kind": "", "body_fr": "Bonjour,", "body_en": "", "order": 5},
    )
    assert response.status_code == 302
    created.refresh_from_db()
    assert (created.title, created.kind, created.is_active) == ("Accusé de réception", "", False)


def test_a_template_needs_a_title_and_a_french_text(quality_manager):
    response = client_for(quality_manager).post(
        "/demandes/modeles-de-reponse/nouveau/", {"title": "", "body_fr": "", "order": 0}
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"title", "body_fr"}
    assert not ReplyTemplate.objects.exists()


def test_an_unknown_template_is_a_404(quality_manager):
    assert client_for(quality_manager).get("/demandes/modeles-de-reponse/999/modifier/").status_code == 404


@pytest.mark.parametrize("name", ["referent_sciences", "director", "teacher", "staff_member"])
def test_others_may_not_edit_templates(personas, templates, name):
    client = client_for(getattr(personas, name))
    pk = templates["thanks"].pk
    assert client.get("/demandes/modeles-de-reponse/").status_code == 403
    assert client.get("/demandes/modeles-de-reponse/nouveau/").status_code == 403
    edit = f"/demandes/modeles-de-reponse/{pk}/modifier/"
    assert client.post(edit, {"title": "x", "body_fr": "y", "order": 0}).status_code == 403
    assert ReplyTemplate.objects.get(pk=pk).title == "Remerciement"


def test_an_anonymous_visitor_is_sent_to_the_login_page(db):
    assert Client().get("/demandes/modeles-de-reponse/").status_code == 302


def test_reply_templates_are_in_the_admin():
    from django.contrib import admin

    assert admin.site.is_registered(ReplyTemplate)
    model_admin = admin.site._registry[ReplyTemplate]
    assert "title" in model_admin.search_fields and "is_active" in model_admin.list_filter


# --- In a real browser ------------------------------------------------------------------------------------------------
@pytest.mark.browser
def test_in_chromium_choosing_a_template_fills_the_answer_in_the_requester_language(
    page, live_server, transactional_db
):
    from django.conf import settings
    from playwright.sync_api import expect

    from qms.core.choices import Role
    from qms.core.factories import UserFactory

    manager = UserFactory(username="qualite-navigateur", roles=[Role.STAFF, Role.QUALITY_MANAGER], language="en")
    template = ReplyTemplate.objects.create(
        title="Remerciement", body_fr="Merci ({reference}).", body_en="Thank you ({reference})."
    )
    complaint = ComplaintFactory(status=S.IN_PROGRESS, language="en")
    client = Client()
    client.force_login(manager)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )

    page.goto(live_server.url + complaint.get_absolute_url())
    page.locator('[data-step="answer"]').click()
    picker = page.locator("#reply-template-answer")
    expect(picker).to_be_visible()
    picker.select_option(str(template.pk))
    expect(page.locator("#id_answer-answer")).to_have_value(f"Thank you ({complaint.reference}).")

    # Typed text is replaced only once the user agrees.
    page.locator("#id_answer-answer").fill("My own words")
    page.once("dialog", lambda dialog: dialog.dismiss())
    picker.select_option("")
    picker.select_option(str(template.pk))
    expect(page.locator("#id_answer-answer")).to_have_value("My own words")

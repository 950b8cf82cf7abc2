"""What a first user and a permission sweep found on the staff side of the helpdesk (issue 10): who reads what of a
request, filters that name only what is in scope, the request page's next steps, a timeline in sentences, the
inbox's deadlines, the home page's work, the report form in reach, and sort options in the page's language."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from actionplans.services import action_create_for_source
from complaints.choices import ComplaintStatus
from complaints.services import complaint_add_note, complaint_submit
from complaints.tests.conftest import pdf_file
from complaints.tests.factories import ComplaintFactory
from qms.core.choices import Role
from qms.core.factories import UserFactory
from qms.core.models import AccessGrant
from qms.core.tests.budgets import SESSION_READ
from qms.notifications.models import OutboxEmail

pytestmark = pytest.mark.django_db

S = ComplaintStatus


def as_client(user, language="en"):
    user.language = language
    user.save(update_fields=["language"])
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def grant(user, obj):
    return AccessGrant.objects.create(
        user=user, content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk, reason="Audit"
    )


# --- Who reads what of a request ------------------------------------------------------------------------------
def test_an_external_auditor_reads_no_internal_note_no_requester_identity_and_no_file(
    auditor, quality_manager, referent_sciences, org
):
    """Issue 10: an auditor with a grant on a request read its internal notes and the requester's name and
    email."""
    submission = complaint_submit(
        kind="complaint",
        subject="Salle sans chauffage",
        description="Depuis lundi.",
        name="Camille Martin",
        email="camille@example.org",
        concerned_unit=org.sciences,
        files=[pdf_file()],
    )
    complaint = submission.complaint
    complaint_add_note(complaint=complaint, by=quality_manager, body="Note interne : voir le gardien.")
    grant(auditor, complaint)
    client = as_client(auditor)
    html = client.get(complaint.get_absolute_url()).content.decode()
    assert "Salle sans chauffage" in html
    for secret in ("Camille Martin", "camille@example.org", "voir le gardien", "justificatif.pdf"):
        assert secret not in html, secret
    attachment = complaint.attachments.get()
    assert client.get(attachment.get_absolute_url()).status_code == 404
    # Those who work on it read everything.
    html = as_client(referent_sciences).get(complaint.get_absolute_url()).content.decode()
    for shown in ("Camille Martin", "camille@example.org", "voir le gardien", "justificatif.pdf"):
        assert shown in html, shown
    assert as_client(referent_sciences).get(attachment.get_absolute_url()).status_code == 200


def test_an_external_auditor_reads_no_progress_note_and_no_evidence_of_an_action(auditor, quality_manager, org):
    from actionplans.services import action_add_update

    complaint = ComplaintFactory(org_unit=org.sciences)
    action = action_create_for_source(source=complaint, by=quality_manager, title="Réparer")
    update = action_add_update(
        action=action, by=quality_manager, comment="Devis du chauffagiste reçu.", links=["https://example.org/devis"]
    )
    grant(auditor, action)
    html = as_client(auditor).get(action.get_absolute_url()).content.decode()
    assert "Réparer" in html
    assert "Devis du chauffagiste" not in html and "example.org/devis" not in html
    assert update.evidence.exists()


# --- Filters name only what is in scope -----------------------------------------------------------------------
def test_the_inbox_filters_name_only_units_and_people_in_scope(referent_sciences, sensitive_handler, org):
    """Issue 10: the assignee filter named the sensitive-cases member; a referent saw every unit."""
    letters_agent = UserFactory(username="agent-lettres", first_name="Zoé", last_name="Lettres", roles=[Role.STAFF])
    ComplaintFactory(org_unit=org.letters, assignee=letters_agent)
    ComplaintFactory(org_unit=org.sciences, sensitive_nature="harassment", assignee=sensitive_handler)
    mine = UserFactory(username="agent-sciences", first_name="Yves", last_name="Sciences", roles=[Role.STAFF])
    ComplaintFactory(org_unit=org.physics, assignee=mine)
    form = as_client(referent_sciences).get(reverse("complaints:inbox")).context["filterset"].form
    assert set(form.fields["org_unit"].queryset) == {org.sciences, org.physics}
    assert list(form.fields["assignee"].queryset) == [mine]


def test_an_auditor_without_a_grant_is_told_so(auditor):
    ComplaintFactory()
    html = as_client(auditor).get(reverse("complaints:inbox")).content.decode()
    assert "No access has been granted to you." in html
    assert "No request matches these filters." not in html
    html = as_client(auditor).get(reverse("actionplans:action-list")).content.decode()
    assert "No access has been granted to you." in html


def test_an_auditor_sees_only_the_units_of_what_was_granted(auditor, org):
    granted = ComplaintFactory(org_unit=org.letters)
    ComplaintFactory(org_unit=org.sciences)
    grant(auditor, granted)
    response = as_client(auditor).get(reverse("complaints:inbox"))
    assert list(response.context["filterset"].form.fields["org_unit"].queryset) == [org.letters]
    assert "No access has been granted to you." not in response.content.decode()


# --- The request page: the next steps first, the rest under "More" --------------------------------------------
@pytest.mark.parametrize(
    ("status", "steps", "more"),
    [
        (S.ACKNOWLEDGED, ["take-charge", "ask", "redirect", "reject"], ["assign", "qualify", "note", "reply", "spam"]),
        (S.IN_PROGRESS, ["ask", "answer", "redirect"], ["assign", "qualify", "note", "reply", "spam"]),
        (S.ANSWERED, ["close"], ["assign", "qualify", "note", "reply", "spam"]),
        (S.CLOSED, [], ["note"]),
        (S.SPAM, [], ["note"]),
    ],
)
def test_the_request_page_offers_the_workflows_next_steps_as_buttons_and_the_rest_under_more(
    quality_manager, status, steps, more
):
    complaint = ComplaintFactory(status=status, answered_at=timezone.now() - datetime.timedelta(days=2))
    html = as_client(quality_manager).get(complaint.get_absolute_url()).content.decode()
    shown_steps = [
        name
        for name in ("take-charge", "ask", "answer", "close", "redirect", "reject")
        if f'data-step="{name}"' in html
    ]
    assert shown_steps == steps
    for name in more:
        assert f'data-open-action="{name}"' in html, name
    # Nothing the status forbids is offered, neither as a button nor under "More".
    offered = set(steps + more) | ({"duplicate"} if "spam" in more else set())
    for name in (
        "take-charge",
        "ask",
        "answer",
        "close",
        "redirect",
        "reject",
        "assign",
        "qualify",
        "reply",
        "spam",
        "duplicate",
    ):
        if name not in offered:
            assert f'data-action-form="{name}"' not in html, name
    if steps:
        assert html.index(f'data-step="{steps[0]}"') < html.index("data-more")


def test_a_link_opens_its_form_without_javascript(quality_manager):
    complaint = ComplaintFactory(status=S.IN_PROGRESS)
    html = as_client(quality_manager).get(complaint.get_absolute_url(), {"do": "qualify"}).content.decode()
    assert 'class="collapse card mb-2 show" data-action-form="qualify"' in html
    assert 'class="collapse card mb-2" data-action-form="assign"' in html


# --- The timeline in sentences ---------------------------------------------------------------------------------
def test_every_timeline_line_is_a_translated_sentence(quality_manager, org):
    """Issue 10: "Qualification True, medium, True, Procédures administratives" and a plan's internal id."""
    from complaints.tests.factories import RootCauseCategoryFactory

    complaint = ComplaintFactory(status=S.ACKNOWLEDGED, org_unit=org.sciences)
    client = as_client(quality_manager)
    url = complaint.get_absolute_url()
    client.post(f"{url}take-charge/")
    cause = RootCauseCategoryFactory(name="Procédures administratives")
    client.post(
        f"{url}qualify/",
        {
            "qualify-is_admissible": "true",
            "qualify-is_founded": "true",
            "qualify-severity": "medium",
            "qualify-root_cause": cause.pk,
        },
    )
    client.post(f"{url}assign/", {"assign-org_unit": org.physics.pk, "assign-assignee": quality_manager.pk})
    action = action_create_for_source(source=complaint, by=quality_manager, title="Former l'accueil")
    response = client.get(url)
    timeline = response.content.decode().split("data-timeline", 1)[1].split("</ol>", 1)[0]
    assert "True" not in timeline and "False" not in timeline
    assert "Qualified: admissible, founded, severity: Medium, root cause: Procédures administratives." in timeline
    assert "Assignment changed: assigned to Claire Martin; unit in charge: Département de physique." in timeline
    assert "Status changed from “Acknowledged” to “In progress”." in timeline
    assert f"Action {action.reference} was created in the plan" in timeline
    assert f">{action.plan.pk}<" not in timeline and f" {action.pk}," not in timeline
    french = as_client(quality_manager, "fr").get(url).content.decode()
    assert "Qualifiée\u00a0: recevable, fondée" in french


# --- The inbox says which deadline -------------------------------------------------------------------------------
def test_the_inbox_says_which_deadline_each_date_is(quality_manager):
    ComplaintFactory(status=S.ACKNOWLEDGED, reference="REC-2026-00001")
    ComplaintFactory(status=S.IN_PROGRESS, reference="REC-2026-00002")
    html = as_client(quality_manager).get(reverse("complaints:inbox")).content.decode()
    rows = {
        ref: html.split(f'data-reference="{ref}"', 1)[1].split("</tr>", 1)[0]
        for ref in ("REC-2026-00001", "REC-2026-00002")
    }
    assert "Take charge by" in rows["REC-2026-00001"] and "Answer by" not in rows["REC-2026-00001"]
    assert "Answer by" in rows["REC-2026-00002"] and "Take charge by" not in rows["REC-2026-00002"]


# --- The sort options speak the page's language ----------------------------------------------------------------
def test_the_sort_options_of_the_inbox_and_the_action_list_are_translated(quality_manager):
    """Issue 10: the descending options stayed in the language of the server's start."""
    english = as_client(quality_manager).get(reverse("complaints:inbox")).content.decode()
    assert "Date received (descending)" in english and "décroissant" not in english
    french = as_client(quality_manager, "fr").get(reverse("complaints:inbox")).content.decode()
    assert "(décroissant)" in french and "(descending)" not in french
    english = as_client(quality_manager).get(reverse("actionplans:action-list")).content.decode()
    assert "Deadline (descending)" in english and "décroissant" not in english


# --- The report form is in reach, the home page shows the work ---------------------------------------------------
def test_staff_without_a_quality_role_find_the_report_form_from_home_and_menu(staff_member, teacher):
    """Issue 10: an agent's and a teacher's home and menu showed only "My actions"."""
    for person in (staff_member, teacher):
        html = as_client(person).get(reverse("core:home")).content.decode()
        assert html.count(f'href="{reverse("complaints:staff-create")}"') >= 2, person.username  # menu and home


def test_the_home_page_shows_each_persons_work(quality_manager, referent_sciences, org):
    from actionplans.choices import ActionStatus
    from actionplans.services import action_check_effectiveness, action_transition

    today = timezone.localdate()
    mine = ComplaintFactory(status=S.ACKNOWLEDGED, assignee=referent_sciences, org_unit=org.sciences)
    ComplaintFactory(status=S.ACKNOWLEDGED, assignee=quality_manager, org_unit=org.sciences, subject="Pas à moi")
    ComplaintFactory(status=S.CLOSED, assignee=referent_sciences, org_unit=org.sciences, subject="Terminée")
    late = action_create_for_source(
        source=mine,
        by=quality_manager,
        title="Action en retard",
        owner=referent_sciences,
        deadline=today - datetime.timedelta(days=3),
    )
    done = action_create_for_source(source=mine, by=quality_manager, title="Action à vérifier")
    done = action_transition(
        action=done, to=ActionStatus.DONE, by=quality_manager, completed_on=today - datetime.timedelta(days=100)
    )
    checked = action_create_for_source(source=mine, by=quality_manager, title="Déjà vérifiée")
    checked = action_transition(
        action=checked, to=ActionStatus.DONE, by=quality_manager, completed_on=today - datetime.timedelta(days=100)
    )
    action_check_effectiveness(action=checked, by=quality_manager, result="effective")
    html = as_client(referent_sciences).get(reverse("core:home")).content.decode()
    assert f'data-my-request="{mine.reference}"' in html and "Take charge by" in html
    assert "Pas à moi" not in html and "Terminée" not in html
    assert late.title in html and done.title in html and "Déjà vérifiée" not in html
    assert reverse("actionplans:action-effectiveness", args=[done.pk]) in html


@pytest.mark.parametrize(("count", "counted"), [(3, 0), (25, 3)])
def test_the_home_page_runs_a_fixed_number_of_queries(
    referent_sciences, org, count, counted, django_assert_num_queries
):
    from actionplans.choices import ActionStatus
    from actionplans.services import action_transition

    today = timezone.localdate()
    for index in range(count):
        complaint = ComplaintFactory(status=S.IN_PROGRESS, assignee=referent_sciences, org_unit=org.sciences)
        action_create_for_source(
            source=complaint,
            by=referent_sciences,
            title=f"En retard {index}",
            owner=referent_sciences,
            deadline=today - datetime.timedelta(days=2),
        )
        done = action_create_for_source(source=complaint, by=referent_sciences, title=f"À vérifier {index}")
        action_transition(
            action=done, to=ActionStatus.DONE, by=referent_sciences, completed_on=today - datetime.timedelta(days=95)
        )
    client = as_client(referent_sciences)
    client.get(reverse("core:home"))
    # The lists stop at ten; the database counts a list (three: requests, late actions, checks) only when it holds
    # more than ten, so the number is the same at 25 as at 1,000.
    with django_assert_num_queries(HOME_QUERIES + counted):
        response = client.get(reverse("core:home"))
    html = response.content.decode()
    assert f'<span class="badge text-bg-danger">{count}</span>' in html


HOME_QUERIES = 6 + SESSION_READ


def test_a_sensitive_requests_emails_are_marked_sensitive(submit, sensitive_handler):
    submission = submit(sensitive_nature="harassment")
    emails = OutboxEmail.objects.filter(object_id=submission.complaint.pk)
    assert emails.exists() and all(email.is_sensitive for email in emails)
    ordinary = submit()
    assert not OutboxEmail.objects.filter(object_id=ordinary.complaint.pk, is_sensitive=True).exists()

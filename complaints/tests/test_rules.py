"""Every rule the request page applies is a rule of the services: whatever calls a service, on a request in any
status, it refuses exactly what the page does not offer, with the same translated message; and the request
page is a table from action name to form and service."""

from __future__ import annotations

import pytest
from django.utils import timezone

from actionplans.selectors import can_create_for_source
from actionplans.services import ActionPlanError, action_create_for_source
from complaints import services
from complaints.choices import ComplaintStatus
from complaints.services import ComplaintError
from complaints.tests.factories import ComplaintFactory, RedirectBodyFactory
from complaints.views.staff import ACTIONS, available_actions
from qms.core.domain import DomainError

pytestmark = pytest.mark.django_db

S = ComplaintStatus


def valid_data(quality_manager) -> dict:
    """A valid value for every field of every form of the request page."""
    return {
        "question": "Pouvez-vous préciser la salle ?",
        "answer": "La salle a été réparée.",
        "resolution_summary": "Chauffage réparé.",
        "body": "Un texte.",
        "explanation": "Ce n'est pas de notre ressort.",
        "reason": "Hors délai.",
        "note": "",
        "org_unit": None,
        "process": None,
        "assignee": quality_manager,
        "is_admissible": True,
        "is_founded": True,
        "severity": "",
        "root_cause": None,
        "original": ComplaintFactory(),
    }


def in_status(status):
    # Answered two days ago: within the reopening period, and the quiet period not over.
    return ComplaintFactory(status=status, answered_at=timezone.now() - timezone.timedelta(days=2))


@pytest.mark.parametrize("status", S.values)
def test_each_service_refuses_exactly_what_the_request_page_does_not_offer(quality_manager, status):
    data = valid_data(quality_manager)
    data["body"] = RedirectBodyFactory()  # the redirect form's body is a redirection body
    for name, action in ACTIONS.items():
        complaint = in_status(status)
        offered = name in available_actions(complaint, quality_manager)
        kwargs = {field: data[field] for field in action.fields}
        if name in ("note", "reply"):
            kwargs["body"] = "Un texte."
        try:
            action.service(complaint=complaint, by=quality_manager, **kwargs)
        except ComplaintError as error:
            assert not offered, f"{name} is offered on a {status} request but its service refused: {error}"
            assert str(error)
        else:
            assert offered, f"{name} is not offered on a {status} request but its service accepted it"


@pytest.mark.parametrize(
    ("service", "kwargs", "message"),
    [
        (services.complaint_qualify, {"is_admissible": True, "is_founded": True}, "can no longer be qualified"),
        (services.complaint_assign, {}, "can no longer be assigned"),
        (services.complaint_reply, {"body": "Bonjour"}, "can no longer be answered"),
    ],
)
def test_a_spam_request_is_refused_by_the_services_with_the_pages_message(quality_manager, service, kwargs, message):
    """Issue 9: complaint_qualify accepted a request marked as spam; the page only hid the button."""
    complaint = ComplaintFactory(status=S.SPAM)
    with pytest.raises(ComplaintError, match=message) as error:
        service(complaint=complaint, by=quality_manager, **kwargs)
    assert isinstance(error.value, DomainError)
    assert str(error.value) == services.refusal(complaint, service.__name__.removeprefix("complaint_"))


@pytest.mark.parametrize("status", S.values)
def test_an_action_answers_a_request_exactly_when_the_page_offers_it(quality_manager, status):
    complaint = in_status(status)
    offered = can_create_for_source(quality_manager, complaint)
    try:
        action_create_for_source(source=complaint, by=quality_manager, title="Réparer")
    except ActionPlanError:
        assert not offered
    else:
        assert offered
    assert offered == (status not in (S.SPAM, S.DUPLICATE))


def test_the_request_page_is_a_table_of_forms_and_services():
    for name, action in ACTIONS.items():
        assert callable(action.service), name
        assert set(action.fields) <= set(action.form.base_fields), name
        assert (action.target is None) or (action.rule is None), name

"""The home page's "Requests to handle" panel: its items are written in Python ({% my_request_items %}), and must
be the template markup they replace."""

from __future__ import annotations

import datetime

import pytest
from django.template import engines
from django.utils import timezone, translation

from complaints.choices import ComplaintStatus
from complaints.selectors import requests_to_handle
from complaints.tests.factories import ComplaintFactory
from qms.core.tests.html import same_markup

pytestmark = pytest.mark.django_db

# The loop the tag replaces in complaints/_my_requests_panel.html.
MY_REQUEST_ITEM = """{% load i18n qms_layout %}{% for complaint in requests %}
  <li class="mb-1" data-my-request="{{ complaint.reference }}"><a href="{{ complaint.get_absolute_url }}"{% content_lang complaint.language %}>{{ complaint }}</a>
    <span class="small text-body-secondary">— {{ complaint.get_status_display }}{% if complaint.is_paused %} · {% translate "paused" %}{% elif complaint.current_due %} · {% if complaint.current_due_kind == "take_charge" %}{% translate "Take charge by" %}{% else %}{% translate "Answer by" %}{% endif %} {{ complaint.current_due|date:"SHORT_DATE_FORMAT" }}{% endif %}</span>{% if complaint.overdue %} <span class="badge text-bg-danger">{% translate "overdue" %}</span>{% endif %}</li>
{% endfor %}"""  # noqa: E501


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_items_written_in_python_are_the_template_markup_they_replace(personas, language):
    assignee = personas.teacher
    late = timezone.now() - datetime.timedelta(days=40)
    ComplaintFactory(assignee=assignee, subject="Chauffage <b>&</b> « salle »", received_at=late)
    ComplaintFactory(assignee=assignee, status=ComplaintStatus.IN_PROGRESS, language="en")
    ComplaintFactory(assignee=assignee, status=ComplaintStatus.WAITING)
    ComplaintFactory(assignee=assignee, status=ComplaintStatus.IN_PROGRESS, is_sensitive=True)
    with translation.override(language):
        requests = list(requests_to_handle(assignee))
        assert any(c.overdue for c in requests) and any(c.is_paused for c in requests)
        assert {c.current_due_kind for c in requests} >= {"take_charge", "answer"}
        expected = engines["django"].from_string(MY_REQUEST_ITEM).render({"requests": requests})
        written = (
            engines["django"]
            .from_string("{% load helpdesk %}{% my_request_items requests %}")
            .render({"requests": requests})
        )
    assert same_markup(written) == same_markup(expected)
    assert written.count("<li ") == 4
    assert "&lt;b&gt;&amp;&lt;/b&gt;" in written


def test_the_panel_shows_them_on_the_home_page(client, personas):
    ComplaintFactory(assignee=personas.teacher, subject="Salle 12 sans chauffage")
    client.force_login(personas.teacher)
    page = client.get("/accueil/").content.decode()
    assert 'data-panel="complaints.my-requests"' in page and "Salle 12 sans chauffage" in page

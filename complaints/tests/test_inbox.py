"""The inbox: filters, a search that ignores case and accents, counts per status, overdue requests flagged, and a
number of queries that does not grow with the number of rows."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from complaints.choices import ComplaintKind, ComplaintStatus, RequesterCategory
from complaints.tests.factories import ComplaintFactory
from qms.core.tests.html import parse

pytestmark = pytest.mark.django_db

S = ComplaintStatus


def inbox(user, **params):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    response = client.get("/demandes/", params)
    assert response.status_code == 200
    return response


def references(response) -> set[str]:
    return {complaint.reference for complaint in response.context["complaints"]}


def test_filters_by_status_kind_and_category(quality_manager):
    a = ComplaintFactory(
        status=S.IN_PROGRESS, kind=ComplaintKind.SUGGESTION, requester_category=RequesterCategory.PARENT
    )
    b = ComplaintFactory(status=S.ACKNOWLEDGED, kind=ComplaintKind.COMPLAINT)
    c = ComplaintFactory(status=S.CLOSED, kind=ComplaintKind.SUGGESTION)
    assert references(inbox(quality_manager, status=["in_progress", "closed"])) == {a.reference, c.reference}
    assert references(inbox(quality_manager, kind="suggestion")) == {a.reference, c.reference}
    assert references(inbox(quality_manager, requester_category="parent")) == {a.reference}
    assert references(inbox(quality_manager)) == {a.reference, b.reference, c.reference}


def test_the_inbox_reads_only_what_its_rows_show(quality_manager, personas, org):
    """A page of 50 rows on every view: without the long texts (description, search text) and the process."""
    import re

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    mine = ComplaintFactory(org_unit=org.sciences, assignee=personas.teacher, description="Long " * 500)
    inbox(quality_manager)
    with CaptureQueriesContext(connection) as queries:
        response = inbox(quality_manager, q=mine.subject.split()[0])
    assert mine.reference in references(response) and str(personas.teacher) in response.content.decode()
    (rows,) = [q["sql"] for q in queries if q["sql"].startswith('SELECT "complaints_complaint"."id"')]
    selected = set(re.findall(r'"(\w+)"\."(\w+)"', rows.split(" FROM ")[0]))
    assert {table for table, _column in selected} == {"complaints_complaint", "core_orgunit", "core_user"}
    assert not {column for _table, column in selected} & {"description", "search_text", "resolution_summary"}


def test_the_unit_filter_takes_in_the_sub_units(quality_manager, org):
    physics = ComplaintFactory(org_unit=org.physics)
    sciences = ComplaintFactory(org_unit=org.sciences)
    ComplaintFactory(org_unit=org.letters)
    assert references(inbox(quality_manager, org_unit=org.sciences.pk)) == {physics.reference, sciences.reference}
    assert references(inbox(quality_manager, org_unit=org.physics.pk)) == {physics.reference}


def test_filters_by_assignee_and_unassigned(quality_manager, personas):
    mine = ComplaintFactory(assignee=personas.teacher)
    nobodys = ComplaintFactory()
    assert references(inbox(quality_manager, assignee=personas.teacher.pk)) == {mine.reference}
    assert references(inbox(quality_manager, unassigned="on")) == {nobodys.reference}


def test_filters_by_date_received(quality_manager):
    old = ComplaintFactory(received_at=timezone.now() - datetime.timedelta(days=40))
    recent = ComplaintFactory()
    since = (timezone.localdate() - datetime.timedelta(days=7)).isoformat()
    assert references(inbox(quality_manager, received_after=since)) == {recent.reference}
    until = (timezone.localdate() - datetime.timedelta(days=30)).isoformat()
    assert references(inbox(quality_manager, received_before=until)) == {old.reference}


def test_overdue_requests_are_flagged_and_filtered(quality_manager):
    with time_machine.travel(timezone.now() - datetime.timedelta(days=30)):
        late = ComplaintFactory(status=S.ACKNOWLEDGED)
        waiting = ComplaintFactory(status=S.WAITING)  # the clock is paused: never overdue
    fresh = ComplaintFactory()
    response = inbox(quality_manager)
    html = response.content.decode()
    assert f'data-reference="{late.reference}" class="table-danger" data-overdue' in html
    assert f'data-reference="{fresh.reference}">' in html and f'data-reference="{waiting.reference}">' in html
    assert references(inbox(quality_manager, overdue="on")) == {late.reference}


@pytest.mark.parametrize("query", ["ecole", "ÉCOLE", "Ecole d'ingé", "problème", "PROBLEME", "  probleme   ecole "])
def test_the_search_ignores_case_and_accents(quality_manager, query):
    found = ComplaintFactory(subject="Problème d'accès", description="À l'École d'ingénieurs, le badge ne marche pas.")
    ComplaintFactory(subject="Cantine", description="Trop de sel.")
    assert references(inbox(quality_manager, q=query)) == {found.reference}


@pytest.mark.parametrize(
    ("stored", "query"),
    [("Mon cœur de métier", "coeur"), ("Œuvres complètes", "OEUVRES"), ("Øresund", "oresund"), ("Łódź", "lodz")],
)
def test_the_search_folds_ligatures_and_letters_that_unicode_does_not_decompose(quality_manager, stored, query):
    # The inbox folds as every other search does (qms.core.search): œ, æ, ø, ł included.
    found = ComplaintFactory(subject=stored)
    ComplaintFactory(subject="Cantine")
    assert references(inbox(quality_manager, q=query)) == {found.reference}


def test_requests_stored_before_the_shared_folding_are_folded_again():
    from importlib import import_module

    from django.apps import apps

    from complaints.models import Complaint

    complaint = ComplaintFactory(subject="Un cœur brisé", name="Łukasz Ørsted")
    Complaint.objects.filter(pk=complaint.pk).update(search_text="un cœur brise łukasz ørsted")  # the former folding
    import_module("complaints.migrations.0004_refold_search_text").refold(apps, None)
    complaint.refresh_from_db()
    assert "un coeur brise" in complaint.search_text and "lukasz orsted" in complaint.search_text


def test_the_search_finds_a_reference_a_name_and_an_email(quality_manager):
    complaint = ComplaintFactory(name="Zoé Lefèvre", email="zoe.lefevre@example.org")
    ComplaintFactory()
    for query in (complaint.reference.lower(), "zoe lefevre", "ZOE.LEFEVRE@"):
        assert references(inbox(quality_manager, q=query)) == {complaint.reference}, query


def test_the_counts_per_status_follow_the_other_filters(quality_manager):
    ComplaintFactory(status=S.IN_PROGRESS, kind=ComplaintKind.SUGGESTION)
    ComplaintFactory(status=S.IN_PROGRESS, kind=ComplaintKind.COMPLAINT)
    ComplaintFactory(status=S.CLOSED, kind=ComplaintKind.COMPLAINT)
    response = inbox(quality_manager, kind="complaint", status="closed")
    counts = {value: count for value, _label, count in response.context["counts"]}
    assert counts["in_progress"] == 1 and counts["closed"] == 1 and counts["new"] == 0
    assert response.context["total"] == 2
    assert references(response) == {c.reference for c in response.context["complaints"]}
    assert len(references(response)) == 1


def _rows(count, org, personas):
    for n in range(count):
        ComplaintFactory(
            org_unit=(org.sciences, org.physics, org.letters)[n % 3],
            assignee=personas.teacher if n % 2 else None,
            status=(S.ACKNOWLEDGED, S.IN_PROGRESS, S.WAITING, S.ANSWERED)[n % 4],
        )


@pytest.mark.parametrize("user_name", ["quality_manager", "referent_sciences"])
def test_the_inbox_runs_a_fixed_number_of_queries(personas, org, django_assert_max_num_queries, user_name):
    user = getattr(personas, user_name)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    _rows(3, org, personas)
    with django_assert_max_num_queries(20) as few:
        assert client.get("/demandes/", {"q": "a", "overdue": ""}).status_code == 200
    _rows(80, org, personas)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/demandes/", {"q": "a", "overdue": ""})
    assert response.status_code == 200
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/demandes/").status_code == 200


def test_the_inbox_is_paginated(quality_manager):
    for _ in range(55):
        ComplaintFactory()
    assert len(inbox(quality_manager).context["complaints"]) == 50
    assert len(inbox(quality_manager, page=2).context["complaints"]) == 5


def test_the_inbox_gives_the_list_includes_their_usual_names(client, quality_manager):
    from qms.core.tests.html import parse

    client.force_login(quality_manager)
    response = client.get(reverse("complaints:inbox"), {"page": "1", "kind": "complaint"})
    assert response.status_code == 200
    assert response.context["page_obj"].number == 1
    assert response.context["query_string"] == "kind=complaint"
    assert response.context["filterset"].is_bound
    table = parse(response).one("table[data-inbox]")
    assert table.one("caption").text


def test_a_skip_link_leads_past_the_filters_to_the_results(quality_manager):
    """54 Tab presses reached the first request: the second stop of the page now skips to the results table."""
    ComplaintFactory()
    client = Client()
    client.force_login(quality_manager)
    page = parse(client.get(reverse("complaints:inbox")))

    focusable = page.all("body a[href], body button, body input, body select")
    assert [element.get("href") for element in focusable[:2]] == ["#main", "#results"]
    skip = focusable[1]
    assert "visually-hidden-focusable" in skip.get("class")
    assert skip.text == "Aller aux résultats"
    results = page.one("#results")
    assert results.element.tag.endswith("table") and results.get("tabindex") == "-1"
    assert len(results.all("tbody tr[data-reference]")) == 1


def test_a_request_says_the_language_its_requester_wrote_it_in(quality_manager):
    """RGAA 8.7: a French request on the English inbox and request page carries lang="fr"; an English one on the
    French pages carries lang="en"."""
    french = ComplaintFactory(subject="Salle de TP sans chauffage", language="fr")
    english = ComplaintFactory(subject="No heating in room B204", language="en")
    client = Client()
    client.force_login(quality_manager)

    for language, foreign, other in (("en", french, english), ("fr", english, french)):
        quality_manager.language = language
        quality_manager.save(update_fields=["language"])
        inbox_page = parse(client.get(reverse("complaints:inbox")))
        assert inbox_page.one(f"tr[data-reference='{foreign.reference}'] [lang]").get("lang") == foreign.language
        assert inbox_page.all(f"tr[data-reference='{other.reference}'] [lang]") == []
        detail = parse(client.get(foreign.get_absolute_url()))
        assert detail.one("[data-subject]").get("lang") == foreign.language
        assert detail.one("[data-description]").get("lang") == foreign.language


def test_units_the_statistics_and_the_home_panel_say_french_on_english_pages(quality_manager, org):
    """RGAA 8.7: the unit a request is given (inbox, request page, unit filters) and the unit of the statistics are
    names written in French: lang="fr" on them in English, nothing in French. On the home page, a request to handle
    carries its requester's language."""
    french = ComplaintFactory(
        subject="Salle de TP sans chauffage",
        language="fr",
        org_unit=org.physics,
        status=S.IN_PROGRESS,
        assignee=quality_manager,
    )
    english = ComplaintFactory(
        subject="No heating in room B204", language="en", status=S.IN_PROGRESS, assignee=quality_manager
    )
    client = Client()
    client.force_login(quality_manager)

    quality_manager.language = "en"
    quality_manager.save(update_fields=["language"])
    inbox_page = parse(client.get(reverse("complaints:inbox")))
    row = inbox_page.one(f"tr[data-reference='{french.reference}']")
    # The subject, then the unit in the line folded for narrow screens and in its column.
    assert [element.text for element in row.all("[lang=fr]")] == [
        french.subject,
        "Département de physique",
        "Département de physique",
    ]
    options = inbox_page.all("select[name=org_unit] option")
    assert options[0].get("value") == "" and options[0].get("lang") is None
    assert {option.text for option in options if option.get("lang") == "fr"} >= {"UFR Sciences", "UFR Lettres"}
    detail = parse(client.get(french.get_absolute_url()))
    assert detail.one("[data-org-unit] [lang=fr]").text == "Département de physique"
    stats = parse(client.get(reverse("complaints:stats"), {"unit": org.sciences.pk}))
    assert stats.one("[data-scope] [lang=fr]").text == "UFR Sciences"
    assert {option.text for option in stats.all("select[name=unit] option[lang=fr]")} >= {"UFR Sciences"}
    assert "Département de physique" in {element.text for element in stats.all("table[data-by-unit] th [lang=fr]")}
    panel = parse(client.get(reverse("core:home"))).one("[data-panel='complaints.my-requests']")
    assert panel.one(f"[data-my-request='{french.reference}'] a").get("lang") == "fr"
    assert panel.one(f"[data-my-request='{english.reference}'] a").get("lang") is None

    quality_manager.language = "fr"
    quality_manager.save(update_fields=["language"])
    inbox_page = parse(client.get(reverse("complaints:inbox")))
    assert inbox_page.all(f"tr[data-reference='{french.reference}'] [lang]") == []
    assert inbox_page.all("select[name=org_unit] option[lang]") == []
    assert parse(client.get(french.get_absolute_url())).all("[data-org-unit] [lang]") == []
    stats = parse(client.get(reverse("complaints:stats"), {"unit": org.sciences.pk}))
    assert stats.all("main [lang]") == []
    panel = parse(client.get(reverse("core:home"))).one("[data-panel='complaints.my-requests']")
    assert panel.one(f"[data-my-request='{french.reference}'] a").get("lang") is None
    assert panel.one(f"[data-my-request='{english.reference}'] a").get("lang") == "en"


# The template markup of a row that ``{% inbox_rows %}`` writes in Python (complaints.templatetags.helpdesk).
INBOX_ROW = """{% load i18n qms_layout qms_lists helpdesk %}{% for complaint in complaints %}
<tr data-reference="{{ complaint.reference }}"{% if complaint.overdue %} class="table-danger" data-overdue{% endif %}>
  <td class="qms-cell-main">
    <a class="text-nowrap fw-semibold" href="{{ complaint.get_absolute_url }}">{{ complaint.reference }}</a>
    <div{% content_lang complaint.language %}>{{ complaint.subject|truncatechars:80 }}</div>
    <div class="small text-body-secondary">{{ complaint.get_kind_display }}
      <span class="d-md-none"> · {{ complaint.org_unit|in_content_lang|default:"—" }}</span>
      <span class="d-xl-none"> · {% translate "Assignee" %}{% colon %} {{ complaint.assignee|default:"—" }}</span>
      <span class="d-lg-none"> · {% translate "Received" %} {{ complaint.received_at|date:"SHORT_DATE_FORMAT" }}</span>
    </div>
  </td>
  <td>
    {% status_badge complaint.status complaint.get_status_display complaint.status_badge %}
    <div class="small d-md-none">{% complaint_due complaint %}</div>
  </td>
  <td class="small d-none d-md-table-cell">{{ complaint.org_unit|in_content_lang|default:"—" }}</td>
  <td class="small d-none d-xl-table-cell">{{ complaint.assignee|default:"—" }}</td>
  <td class="text-nowrap d-none d-lg-table-cell">{{ complaint.received_at|date:"SHORT_DATE_FORMAT" }}</td>
  <td class="d-none d-md-table-cell" data-due>{% complaint_due complaint %}</td>
</tr>{% endfor %}"""


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_rows_written_in_python_are_the_template_markup_they_replace(quality_manager, org, personas, language):
    from django.template import engines
    from django.utils import translation

    from complaints.selectors import inbox_complaints
    from qms.core.tests.html import same_markup

    late = timezone.now() - datetime.timedelta(days=40)
    ComplaintFactory(subject="Chauffage <b>&</b> « salle »" + "x" * 90, org_unit=org.sciences, received_at=late)
    ComplaintFactory(status=ComplaintStatus.IN_PROGRESS, assignee=personas.teacher, language="en", org_unit=None)
    ComplaintFactory(status=ComplaintStatus.WAITING, org_unit=org.physics)
    ComplaintFactory(status=ComplaintStatus.CLOSED)
    with translation.override(language):
        complaints = list(inbox_complaints(quality_manager).order_by("pk"))
        assert any(c.overdue for c in complaints) and any(c.is_paused for c in complaints)
        expected = engines["django"].from_string(INBOX_ROW).render({"complaints": complaints})
        fast = engines["django"].from_string("{% load helpdesk %}{% inbox_rows complaints %}")
        written = fast.render({"complaints": complaints})

    assert same_markup(written) == same_markup(expected)
    assert written.count("<tr ") == 4

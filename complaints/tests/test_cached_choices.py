"""The request page's drop-downs (unit in charge, process, root cause, redirect body) are shown from the shared
cache (qms.core.model_choices.cached_choices): read once for each version of the configuration, in each language,
and shown again at once when one of their rows changes."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from complaints.choices import ComplaintStatus
from complaints.forms import AssignForm, QualifyForm, RedirectForm
from complaints.models import RedirectBody, RootCauseCategory
from complaints.tests.factories import ComplaintFactory
from processes.choices import ProcessType
from processes.models import Process
from qms.core.factories import OrgUnitFactory

pytestmark = pytest.mark.django_db

TABLES = ("core_orgunit", "processes_process", "complaints_rootcausecategory", "complaints_redirectbody")


def _options(field) -> list[tuple[str, str]]:
    return [(str(value), str(label)) for value, label in field.choices]


def _from_database(field) -> list[tuple[str, str]]:
    options = [("", str(field.empty_label))] if field.empty_label is not None else []
    return options + [(str(obj.pk), field.label_from_instance(obj)) for obj in field.queryset]


def test_the_cached_options_are_the_querysets_and_the_choice_made_stays_selected(quality_manager, org):
    process = Process.objects.create(code="R1", name="Réclamations", type=ProcessType.SUPPORT)
    RootCauseCategory.objects.create(name="Locaux")
    RedirectBody.objects.create(name="Médiateur", contact_details="mediateur@example.org")
    complaint = ComplaintFactory(org_unit=org.physics, process=process)
    forms = [
        AssignForm(complaint=complaint, user=quality_manager),
        QualifyForm(complaint=complaint),
        RedirectForm(),
    ]
    for form in forms:
        for field in form.fields.values():
            if hasattr(field, "queryset"):
                assert _options(field) == _from_database(field), field.label
    assign = AssignForm(complaint=complaint, user=quality_manager)
    html = str(assign["org_unit"]) + str(assign["process"])
    assert f'<option value="{org.physics.pk}" selected>' in html and f'<option value="{process.pk}" selected>' in html


def test_a_second_view_of_a_request_reads_none_of_their_tables(quality_manager, org):
    complaint = ComplaintFactory(org_unit=org.sciences, status=ComplaintStatus.IN_PROGRESS)
    client = Client()
    client.force_login(quality_manager)
    client.get(complaint.get_absolute_url())
    with CaptureQueriesContext(connection) as queries:
        assert client.get(complaint.get_absolute_url()).status_code == 200
    read = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT")]
    for table in TABLES:
        assert not [sql for sql in read if sql.split(" FROM ")[1].startswith(f'"{table}"')], table


@pytest.mark.parametrize("change", ["unit", "process", "root cause", "redirect body"])
def test_a_new_or_renamed_option_shows_at_once(quality_manager, org, change):
    complaint = ComplaintFactory(org_unit=org.sciences, status=ComplaintStatus.IN_PROGRESS)
    client = Client()
    client.force_login(quality_manager)
    client.get(complaint.get_absolute_url())
    if change == "unit":
        OrgUnitFactory(code="bu", name="Bibliothèque Lafayette", parent=org.sciences)
    elif change == "process":
        Process.objects.create(code="S9", name="Bibliothèque Lafayette", type=ProcessType.SUPPORT)
    elif change == "root cause":
        RootCauseCategory.objects.create(name="Bibliothèque Lafayette")
    else:
        RedirectBody.objects.create(name="Bibliothèque Lafayette", contact_details="bu@example.org")
    assert "Bibliothèque Lafayette" in client.get(complaint.get_absolute_url()).content.decode()
    renamed = {
        "unit": lambda: org.sciences.__class__.objects.filter(code="bu").first(),
        "process": lambda: Process.objects.get(code="S9"),
        "root cause": lambda: RootCauseCategory.objects.get(name="Bibliothèque Lafayette"),
        "redirect body": lambda: RedirectBody.objects.get(name="Bibliothèque Lafayette"),
    }[change]()
    renamed.name = "Bibliothèque Diderot"
    renamed.save()
    page = client.get(complaint.get_absolute_url()).content.decode()
    assert "Bibliothèque Diderot" in page and "Bibliothèque Lafayette" not in page

"""The two other ways in: the web page (upload → preview → confirm) and ``manage.py import_actionplan``."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from actionplans.choices import ActionStatus, PlanKind
from actionplans.models import ActionPlan, PlanImport
from qms.core.tests.html import parse

CSV = (
    "Plan d'action AEQES\r\n"
    "\r\n"
    "Référence;Axe;Objectif stratégique;Objectif spécifique;Échéance;Responsable;Statut\r\n"
    "1.1.1;Gouvernance;Formaliser le SMQ;Elaborer la cartographie des processus;22/10/2021;Service qualité;Réalisée\r\n"
    "1.1.2;;;Rédiger les fiches processus;15/12/2031;{owner};En cours\r\n"
)


def _upload(content: str, name="plan.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content.encode("utf-8"), content_type="text/csv")


# --- The web page -------------------------------------------------------------------------------------------


def test_upload_preview_confirm(client, plan, quality_manager, teacher):
    client.force_login(quality_manager)
    response = client.post(
        reverse("actionplans:plan-import", args=[plan.pk]), {"file": _upload(CSV.format(owner=teacher.email))}
    )
    plan_import = PlanImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("actionplans:plan-import-preview", args=[plan_import.pk])
    assert not plan.actions.exists()  # nothing is written before the confirmation

    with translation.override("en"):
        preview = client.get(response["Location"])
    content = preview.content.decode()
    assert preview.status_code == 200
    assert 'data-count="create">2 ' in content
    assert 'data-line="4" data-op="create"' in content
    assert "Service qualité" in content  # the unknown owner is a warning
    assert 'id="import-warnings"' in content

    response = client.post(response["Location"])
    assert response.status_code == 302
    assert response["Location"] == plan.get_absolute_url()
    actions = {a.reference: a for a in plan.actions.all()}
    assert actions["1.1.1"].status == ActionStatus.DONE
    assert actions["1.1.1"].owner_label == "Service qualité"
    assert (actions["1.1.2"].owner, actions["1.1.2"].status) == (teacher, ActionStatus.IN_PROGRESS)
    assert actions["1.1.2"].objective.title == "Formaliser le SMQ"
    # The same confirmation cannot be replayed.
    client.post(reverse("actionplans:plan-import-preview", args=[plan_import.pk]))
    assert plan.actions.count() == 2


def test_the_preview_lists_each_new_action_with_its_deadline_and_owner(client, plan, quality_manager, teacher):
    quality_manager.language = "en"
    quality_manager.save(update_fields=["language"])
    client.force_login(quality_manager)
    client.post(reverse("actionplans:plan-import", args=[plan.pk]), {"file": _upload(CSV.format(owner=teacher.email))})
    with translation.override("en"):
        page = parse(client.get(reverse("actionplans:plan-import-preview", args=[PlanImport.objects.get().pk])))
    table = page.one("table[data-import-rows]")
    assert "deadline and the owner" in table.one("caption").text
    headers = [th.text for th in table.all("thead th")]
    assert "Deadline" in headers and "Owner" in headers
    rows = {row.get("data-line"): row for row in table.all("tbody tr[data-op=create]")}
    assert set(rows) == {"4", "5"}
    assert rows["4"].one("[data-deadline]").get("data-deadline") == "2021-10-22"
    assert rows["4"].one("[data-owner]").text == "Service qualité (no account found: kept as written)"
    assert rows["5"].one("[data-deadline]").get("data-deadline") == "2031-12-15"
    assert rows["5"].one("[data-owner]").text == str(teacher)


def test_the_preview_shows_errors_and_refuses_to_confirm(client, plan, quality_manager):
    client.force_login(quality_manager)
    bad = CSV.format(owner="x").replace("15/12/2031", "31/02/2031")
    client.post(reverse("actionplans:plan-import", args=[plan.pk]), {"file": _upload(bad)})
    url = reverse("actionplans:plan-import-preview", args=[PlanImport.objects.get().pk])
    with translation.override("en"):
        content = client.get(url).content.decode()
    assert 'id="import-errors"' in content
    assert 'data-line="5"' in content
    assert "31/02/2031" in content
    assert "disabled" in content
    client.post(url)
    assert not plan.actions.exists()


def test_a_file_that_is_not_a_spreadsheet_is_refused_on_the_form(client, plan, quality_manager):
    quality_manager.language = "en"
    quality_manager.save(update_fields=["language"])
    client.force_login(quality_manager)
    upload = SimpleUploadedFile("photo.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", content_type="text/csv")
    with translation.override("en"):
        response = client.post(reverse("actionplans:plan-import", args=[plan.pk]), {"file": upload})
    assert response.status_code == 200
    assert "not a spreadsheet" in response.content.decode()
    assert not PlanImport.objects.exists()


def test_the_confirmation_ignores_anything_posted_back(client, plan, quality_manager):
    client.force_login(quality_manager)
    client.post(reverse("actionplans:plan-import", args=[plan.pk]), {"file": _upload(CSV.format(owner=""))})
    url = reverse("actionplans:plan-import-preview", args=[PlanImport.objects.get().pk])
    client.post(url, {"rows": '[{"line": 1, "values": {"title": "Injectée"}}]', "title": "Injectée"})
    assert sorted(plan.actions.values_list("title", flat=True)) == [
        "Elaborer la cartographie des processus",
        "Rédiger les fiches processus",
    ]


def test_a_plan_of_another_unit_cannot_be_imported_into(client, plan, referent_letters):
    client.force_login(referent_letters)
    response = client.post(reverse("actionplans:plan-import", args=[plan.pk]), {"file": _upload(CSV)})
    assert response.status_code == 404
    assert not PlanImport.objects.exists()


# --- The management command ---------------------------------------------------------------------------------


@pytest.fixture
def csv_file(tmp_path, db):
    path = tmp_path / "plan-aeqes.csv"
    path.write_text(CSV.format(owner="enseignant"), encoding="cp1252")
    return path


def test_the_command_creates_the_plan_and_imports(csv_file, teacher, org):
    out = io.StringIO()
    call_command(
        "import_actionplan", str(csv_file), "--plan", "Suivi AEQES 2022", "--unit", org.sciences.code, stdout=out
    )
    plan = ActionPlan.objects.get(title="Suivi AEQES 2022")
    assert (plan.kind, plan.org_unit) == (PlanKind.INSTITUTIONAL_EVALUATION, org.sciences)
    assert plan.actions.count() == 2
    assert plan.actions.get(reference="1.1.2").owner == teacher
    assert "2 created" in out.getvalue()
    assert "cp1252" in out.getvalue()


def test_the_command_reuses_a_plan_and_a_second_run_changes_nothing(csv_file, plan, teacher):
    call_command("import_actionplan", str(csv_file), "--plan", plan.title.upper(), stdout=io.StringIO())
    out = io.StringIO()
    call_command("import_actionplan", str(csv_file), "--plan", plan.title, stdout=out)
    assert "0 created, 0 updated, 2 unchanged" in out.getvalue()
    assert ActionPlan.objects.count() == 1
    assert plan.actions.count() == 2


def test_the_dry_run_writes_nothing_not_even_the_plan(csv_file):
    out = io.StringIO()
    call_command("import_actionplan", str(csv_file), "--plan", "Nouveau plan", "--dry-run", stdout=out)
    assert "To create: 2" in out.getvalue()
    assert "Dry run" in out.getvalue()
    assert not ActionPlan.objects.exists()


def test_the_command_reports_errors_with_their_lines_and_writes_nothing(tmp_path, db):
    path = tmp_path / "bad.csv"
    path.write_text(CSV.format(owner="").replace("22/10/2021", "2021-22-10"), encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was imported"), translation.override("en"):
        call_command(
            "import_actionplan", str(path), "--plan", "P", "--language", "en", stdout=io.StringIO(), stderr=err
        )
    assert "Line 4" in err.getvalue()
    assert not ActionPlan.objects.exists()


@pytest.mark.parametrize("content", [b"", b"\x00\x01\x02junk" * 100])
def test_the_command_refuses_a_bad_file(tmp_path, db, content):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(content)
    with pytest.raises(CommandError):
        call_command("import_actionplan", str(path), "--plan", "P", stdout=io.StringIO())
    assert not ActionPlan.objects.exists()


def test_the_command_needs_an_existing_file(db):
    with pytest.raises(CommandError, match="No file"):
        call_command("import_actionplan", "/nonexistent/plan.csv", "--plan", "P")


def test_imported_dates_are_dates(csv_file):
    call_command("import_actionplan", str(csv_file), "--plan", "P", stdout=io.StringIO())
    assert ActionPlan.objects.get().actions.get(reference="1.1.1").deadline == datetime.date(2021, 10, 22)

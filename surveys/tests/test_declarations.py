"""What the surveys declare to core: dependencies (never the helpdesk), roles, menu, periodic jobs, settings
section, metrics and action source; and the reference data that ships the standard questionnaire."""

from __future__ import annotations

import ast
import io
from pathlib import Path

import pytest
from django.core.management import call_command

from qms.core import sources
from qms.core.app_settings import declared_sections
from qms.core.navigation import declared_entries
from qms.core.roles import role_permissions, unknown_permissions
from qms.core.schedule import beat_schedule
from surveys import dependencies, reference_data
from surveys.choices import OVERALL_SATISFACTION_TAG, QuestionKind
from surveys.forms import SurveySettingsForm
from surveys.models import Campaign, QuestionnaireTemplate, SurveySettings

APP = Path(__file__).resolve().parents[1]
PROJECT_PACKAGES = ("qms", "processes", "actionplans", "complaints", "surveys", "certifications")


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_the_app_imports_only_what_it_declares():
    allowed = (*dependencies.MAY_IMPORT, "surveys")
    assert "complaints" not in dependencies.MAY_IMPORT
    offenders = []
    for path in APP.rglob("*.py"):
        if "tests" in path.relative_to(APP).parts or "migrations" in path.relative_to(APP).parts:
            continue
        for module in _imports(path):
            if module.split(".")[0] in PROJECT_PACKAGES and not any(
                module == name or module.startswith(name + ".") for name in allowed
            ):
                offenders.append(f"{path.relative_to(APP)} imports {module}")
    assert offenders == []


@pytest.mark.django_db
def test_roles_menu_jobs_settings_metrics_and_source_are_declared():
    assert "surveys.view_results" in role_permissions()["teacher"]
    assert not {perm for perms in unknown_permissions().values() for perm in perms if perm.startswith("surveys.")}
    assert {"surveys", "survey-results"} <= {entry.key for entry in declared_entries()}
    schedule = beat_schedule()
    assert {"surveys-campaigns-tick", "surveys-rewrite-tokens", "surveys-purge-roster-imports"} <= set(schedule)
    section = next(section for section in declared_sections() if section.key == "surveys")
    assert section.model is SurveySettings and section.permission == "surveys.change_surveysettings"
    assert sources.is_source(Campaign)


@pytest.mark.django_db
def test_the_settings_section_refuses_an_amber_threshold_above_the_green_one():
    form = SurveySettingsForm(
        {
            "course_results_visibility": "teacher",
            "retention_days_after_publication": "0",
            "default_threshold": "5",
            "green_threshold": "60",
            "amber_threshold": "70",
        },
        instance=SurveySettings.load(),
    )
    assert not form.is_valid() and "amber_threshold" in form.errors
    low_k = SurveySettingsForm(
        {"course_results_visibility": "teacher", "retention_days_after_publication": "0", "default_threshold": "2",
         "green_threshold": "75", "amber_threshold": "50"},
        instance=SurveySettings.load(),
    )  # fmt: skip
    assert not low_k.is_valid() and "default_threshold" in low_k.errors


@pytest.mark.django_db
def test_load_reference_data_ships_the_standard_questionnaire_once():
    out = io.StringIO()
    call_command("load_reference_data", stdout=out)
    call_command("load_reference_data", stdout=out)
    template = QuestionnaireTemplate.objects.get(code=reference_data.STANDARD_TEMPLATE_CODE)
    assert template.version == 1 and template.title_en
    codes = set(template.questions.values_list("code", flat=True))
    assert {"OBJ_REACHED", "METHODS", "MATERIALS", "ORGANISATION", "WORKLOAD", "ASSESSMENT_CLEAR"} <= codes
    overall = template.questions.get(code="OVERALL_SAT")
    assert overall.is_agreement and overall.tags.filter(code=OVERALL_SATISFACTION_TAG).exists()
    assert set(template.questions.values_list("kind", flat=True)) == set(QuestionKind.values)
    assert "Reference data of surveys loaded." in out.getvalue()


@pytest.mark.django_db
def test_the_periodic_jobs_run_from_the_command_line():
    out = io.StringIO()
    call_command("surveys_tick", stdout=out)
    call_command("surveys_rewrite_tokens", stdout=out)
    assert "Campaigns opened 0" in out.getvalue() and "Token rows rewritten: 0." in out.getvalue()


@pytest.mark.django_db
def test_the_settings_page_has_the_surveys_section_and_the_privacy_page_their_retention(client, quality_manager):
    from django.urls import reverse

    client.force_login(quality_manager)
    page = client.get(reverse("core:site-settings"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="settings-surveys"' in page and "course_results_visibility" in page
    response = client.post(
        reverse("core:site-settings"),
        {"section": "surveys", "surveys-course_results_visibility": "teacher",
         "surveys-retention_days_after_publication": "15", "surveys-default_threshold": "7",
         "surveys-green_threshold": "80", "surveys-amber_threshold": "60",
         "surveys-campaign_opening_reminder_days": "7, 1", "surveys-campaign_closing_reminder_days": "7, 1",
         "surveys-council_expected_day": "30", "surveys-council_expected_month": "6",
         "surveys-council_reminder_days": "60, 30", "surveys-minutes_after_days": "30",
         "surveys-minutes_reminder_days": "7"},
    )  # fmt: skip
    assert response.status_code == 302
    assert SurveySettings.get().default_threshold == 7
    privacy = client.get(reverse("core:privacy")).content.decode()
    assert "supprimés 15 jours après la publication des résultats" in privacy  # the manager reads French

"""The back-office pages: campaigns, targets, roster import through its preview, questionnaires and their versions,
result pages (only n below k), the PDF results sheet read back, the exports read back, moderation, trends; list and
detail pages pin their query counts (the same at 10 rows as at many)."""

from __future__ import annotations

import csv
import datetime
import io

import openpyxl
import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader

from qms.core.factories import CourseFactory
from qms.core.models import ActivityLog
from surveys.choices import CampaignStatus
from surveys.models import Answer, Campaign, Question, QuestionnaireTemplate, RosterImport, SurveyToken
from surveys.tests.factories import CampaignFactory, roster

pytestmark = pytest.mark.django_db


@pytest.fixture
def qm(client, quality_manager):
    client.force_login(quality_manager)
    return client


def test_a_campaign_is_created_targeted_and_given_its_roster_through_the_pages(qm, template, year, org):
    CourseFactory(code="PHY-101", org_unit=org.physics)
    CourseFactory(code="PHY-102", org_unit=org.physics)
    response = qm.post(
        reverse("surveys:campaign-create"),
        {
            "title": "EEE S1",
            "template": template.pk,
            "academic_year": year.pk,
            "org_unit": org.institution.pk,
            "opens_on": "2026-01-05",
            "closes_on": "2026-01-31",
            "publication_date": "2026-03-01",
            "threshold": "5",
        },
    )
    campaign = Campaign.objects.get()
    assert response["Location"] == reverse("surveys:campaign-targets", args=[campaign.pk])
    bad = qm.post(reverse("surveys:campaign-targets", args=[campaign.pk]), {"course_codes": "PHY-101 NOPE"})
    assert bad.status_code == 200 and "NOPE" in bad.content.decode()
    qm.post(reverse("surveys:campaign-targets", args=[campaign.pk]), {"course_codes": "PHY-101, PHY-102"})
    assert sorted(campaign.targets.values_list("course__code", flat=True)) == ["PHY-101", "PHY-102"]
    upload = SimpleUploadedFile("liste.csv", b"code;email\nPHY-101;a@etu.example.edu\nPHY-102;a@etu.example.edu\n")
    response = qm.post(reverse("surveys:roster-import", args=[campaign.pk]), {"file": upload})
    roster_import = RosterImport.objects.get()
    assert response["Location"] == reverse("surveys:roster-preview", args=[campaign.pk, roster_import.pk])
    preview = qm.get(response["Location"]).content.decode()
    assert 'data-count="new"' in preview and "2 liens à créer" in preview
    qm.post(response["Location"])
    assert SurveyToken.objects.count() == 2 and not RosterImport.objects.exists()


def test_a_roster_with_errors_cannot_be_confirmed_from_its_preview(qm, template, year, org):
    campaign = CampaignFactory(template=template, academic_year=year, org_unit=org.institution)
    upload = SimpleUploadedFile("liste.csv", b"code;email\nXXX;a@etu.example.edu\n")
    location = qm.post(reverse("surveys:roster-import", args=[campaign.pk]), {"file": upload})["Location"]
    page = qm.get(location).content.decode()
    assert 'data-line="2"' in page and "disabled" in page
    qm.post(location)
    assert not SurveyToken.objects.exists()


def test_another_persons_roster_preview_stays_theirs(qm, client, template, year, org, referent_sciences):
    campaign = CampaignFactory(template=template, academic_year=year, org_unit=org.institution)
    upload = SimpleUploadedFile("liste.csv", b"code;email\nXXX;a@etu.example.edu\n")
    location = qm.post(reverse("surveys:roster-import", args=[campaign.pk]), {"file": upload})["Location"]
    client.force_login(referent_sciences)
    assert client.get(location).status_code in (403, 404)


def test_list_and_detail_pages_pin_their_query_counts(qm, template, year, org, django_assert_max_num_queries):
    def build(count: int) -> Campaign:
        last = None
        for n in range(count):
            last = CampaignFactory(template=template, academic_year=year, org_unit=org.institution, title=f"C{n}")
        for n in range(count):
            course = CourseFactory(code=f"X-{last.pk}-{n}", org_unit=org.physics)
            target = last.targets.create(kind="course", course=course)
            roster(last, target, 3)
        return last

    def counted(url) -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert qm.get(url).status_code == 200
        return len(queries)

    small = build(10)
    qm.get(reverse("surveys:campaign-list"))  # warm the caches (settings, content types) first
    pages = lambda campaign: [  # noqa: E731
        reverse("surveys:campaign-list"),
        campaign.get_absolute_url(),
        reverse("surveys:roster", args=[campaign.pk]),
    ]
    at_ten = [counted(url) for url in pages(small)]
    large = build(60)
    at_many = [counted(url) for url in pages(large)]
    assert at_ten == at_many
    with django_assert_max_num_queries(40):
        qm.get(large.get_absolute_url())


def test_a_questionnaire_is_written_then_versioned_once_frozen(qm, template):
    response = qm.post(
        reverse("surveys:template-create"),
        {"code": "suivi-diplomes", "title_fr": "Suivi des diplômés", "audience": "graduates",
         "target_kind": "programme", "order": "2", "is_active": "on"},
    )  # fmt: skip
    created = QuestionnaireTemplate.objects.get(code="suivi-diplomes")
    assert response["Location"] == created.get_absolute_url()
    qm.post(reverse("surveys:section-create", args=[created.pk]), {"title_fr": "Emploi"})
    section = created.sections.get()
    qm.post(
        reverse("surveys:question-create", args=[created.pk]),
        {"section": section.pk, "code": "JOB_TYPE", "kind": "single_choice", "text_fr": "Votre emploi ?",
         "options": "CDI | Permanent\nCDD | Fixed-term\n", "order": ""},
    )  # fmt: skip
    question = Question.objects.get(code="JOB_TYPE")
    assert [(o.label_fr, o.label_en) for o in question.options.all()] == [("CDI", "Permanent"), ("CDD", "Fixed-term")]
    one_option = qm.post(
        reverse("surveys:question-create", args=[created.pk]),
        {"section": section.pk, "code": "BAD", "kind": "multiple_choice", "text_fr": "?", "options": "Seule"},
    )
    assert "au moins deux options" in one_option.content.decode()
    # The standard questionnaire once frozen: its pages refuse edits and offer a new version with the same codes.
    template.frozen_at = datetime.datetime(2026, 1, 5, tzinfo=datetime.UTC)
    template.save()
    assert qm.get(reverse("surveys:question-create", args=[template.pk])).status_code == 302
    response = qm.post(reverse("surveys:template-new-version", args=[template.pk]))
    version_two = QuestionnaireTemplate.objects.get(code=template.code, version=2)
    assert response["Location"] == version_two.get_absolute_url() and version_two.previous == template
    assert sorted(version_two.questions.values_list("code", flat=True)) == sorted(
        template.questions.values_list("code", flat=True)
    )
    overall = version_two.questions.get(code="OVERALL_SAT")
    assert list(overall.tags.values_list("code", flat=True)) == ["overall_satisfaction"]
    assert qm.get(reverse("surveys:template-preview", args=[version_two.pk])).status_code == 200
    assert qm.get(reverse("surveys:template-list")).status_code == 200


def test_result_pages_show_only_n_below_k(qm, published):
    campaign, targets = published
    overview = qm.get(reverse("surveys:campaign-results", args=[campaign.pk]))
    assert overview.status_code == 200
    page = qm.get(reverse("surveys:target-results", args=[campaign.pk, targets["LET-101"].pk])).content.decode()
    assert 'data-suppressed="below_threshold"' in page and 'data-stat="mean"' not in page
    assert "Cours idiot" not in page  # its comments are below k too
    shown = qm.get(reverse("surveys:target-results", args=[campaign.pk, targets["PHY-101"].pk])).content.decode()
    assert 'data-stat="top2"' in shown and "<svg" in shown and "Des exemples concrets." in shown
    letters = campaign.targets.get(course__code="LET-102").course.programmes.get()
    programme = qm.get(reverse("surveys:programme-results", args=[campaign.pk, letters.pk])).content.decode()
    assert 'data-suppressed="complementary"' in programme  # Roman hides beside Poésie


def test_a_comment_is_hidden_and_the_hiding_logged_against_the_campaign(qm, published, teacher, client):
    campaign, targets = published
    answer = Answer.objects.get(text="Cours idiot, prof nul.", response__target=targets["PHY-101"])
    url = reverse("surveys:comment-moderate", args=[campaign.pk, targets["PHY-101"].pk, answer.pk])
    qm.post(url, {"hidden": "1", "reason": "injurieux"})
    answer.refresh_from_db()
    assert answer.hidden
    log = ActivityLog.objects.get(verb="survey.comment_hidden")
    assert log.target == campaign and log.details["answer"] == str(answer.pk)
    client.force_login(teacher)
    page = client.get(reverse("surveys:target-results", args=[campaign.pk, targets["PHY-101"].pk])).content.decode()
    assert "Cours idiot" not in page and "Des exemples concrets." in page
    assert client.post(url, {"hidden": "0"}).status_code == 403  # a teacher does not moderate


def test_the_pdf_results_sheet_reads_back(qm, published):
    campaign, targets = published
    response = qm.get(reverse("surveys:target-pdf", args=[campaign.pk, targets["PHY-101"].pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "PHY-101" in text and "Dans l'ensemble" in text and "Des exemples concrets." in text
    below = qm.get(reverse("surveys:target-pdf", args=[campaign.pk, targets["LET-101"].pk]))
    below_text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(below.content)).pages)
    assert "non affichées (anonymat)" in below_text and "Cours idiot" not in below_text


def test_the_exports_leave_out_everything_below_k(qm, published):
    campaign, targets = published
    response = qm.get(reverse("surveys:campaign-export", args=[campaign.pk, "xlsx"]))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    codes = {row[1] for row in rows[1:]}
    assert "PHY-101" in codes and "PHY-102" in codes and "L-PHY" in codes
    assert "LET-101" not in codes and "LET-102" not in codes  # below k, and its complementary twin
    overall = [row for row in rows if row[1] == "PHY-101" and row[3] == "OVERALL_SAT"]
    assert {row[5] for row in overall} == {6}
    raw = b"".join(qm.get(reverse("surveys:campaign-raw", args=[campaign.pk])).streaming_content).decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(raw), delimiter=";"))
    assert lines[0][:2] == ["Réponse", "Code de la cible"]
    assert {line[1] for line in lines[1:]} == {"PHY-101", "PHY-102"}
    assert len(lines) == 1 + 6 + 5


def test_trends_follow_a_question_code_year_after_year(qm, published, physics):
    campaign, targets = published
    _programme, mechanics, _optics = physics
    page = qm.get(reverse("surveys:course-trends", args=[mechanics.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-question="OVERALL_SAT"' in html and "2025-2026" in html


def test_the_campaign_page_counts_survey_mail_and_lists_no_recipient(qm, template, year, org, run_on_commit):
    from surveys import services

    campaign = CampaignFactory(template=template, academic_year=year, org_unit=org.institution, threshold=3)
    target = campaign.targets.create(kind="course", course=CourseFactory(org_unit=org.physics))
    roster(campaign, target, 3)
    with time_machine.travel(datetime.datetime(2026, 1, 10, 9, 0)):
        run_on_commit(services.campaign_open, campaign=campaign, by=None)
    page = qm.get(campaign.get_absolute_url()).content.decode()
    assert 'data-kind="survey-invitation"' in page and "3 envoyés" in page
    assert "@etu.example.edu" not in page
    assert Campaign.objects.get(pk=campaign.pk).status == CampaignStatus.OPEN


def test_a_published_campaign_shows_the_actions_panel_and_takes_actions(qm, published, client, teacher):
    from qms.core import sources

    campaign, _targets = published
    page = qm.get(campaign.get_absolute_url()).content.decode()
    assert 'data-panel="actionplans.actions"' in page
    kit = reverse("actionplans:source-actions", args=[sources.key(campaign), campaign.pk])
    assert kit in page
    assert sources.get(campaign).refusal(campaign) is None
    campaign.status = CampaignStatus.OPEN
    assert sources.get(campaign).refusal(campaign)  # not before the results are out


def test_a_campaigns_title_and_unit_say_french_on_english_pages(client, quality_manager, template, year, org):
    """RGAA 8.7: a campaign's <title> (wholly its title), the campaign in the breadcrumbs and its unit carry
    lang="fr" on an English page, and nothing on a French one."""
    from qms.core.tests.html import parse

    campaign = CampaignFactory(
        title="Évaluation du semestre 1", template=template, academic_year=year, org_unit=org.sciences
    )
    quality_manager.language = "en"
    quality_manager.save(update_fields=["language"])
    client.force_login(quality_manager)

    page = parse(client.get(campaign.get_absolute_url()))
    assert page.one("head title").get("lang") == "fr"
    assert page.one(".breadcrumb-item.active").get("lang") == "fr"
    assert "UFR Sciences" in {element.text for element in page.all("main dd [lang=fr]")}
    listing = parse(client.get(reverse("surveys:campaign-list")))
    assert [element.text for element in listing.all("main td [lang=fr]")] == ["UFR Sciences"]

    quality_manager.language = "fr"
    quality_manager.save(update_fields=["language"])
    for url in (campaign.get_absolute_url(), reverse("surveys:campaign-list")):
        french = parse(client.get(url))
        assert french.one("head title").get("lang") is None
        assert french.all("main [lang]") == [] and french.all(".breadcrumb [lang]") == [], url

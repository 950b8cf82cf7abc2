"""The roster: bad lines reported with their number and nothing half-imported, a pair listed twice gets one
token, one invitation per student listing all their links, a warning below k, the preview kept an hour at most,
and corrections while the campaign is open."""

from __future__ import annotations

import datetime
import io
import re

import openpyxl
import pytest
import time_machine
from django.core import mail

from qms.core.factories import CourseFactory
from surveys import services
from surveys.choices import CampaignStatus
from surveys.models import RosterImport, SurveyToken, TokenSecret
from surveys.services import SurveyError
from surveys.tests.factories import CampaignFactory

pytestmark = pytest.mark.django_db

OPEN_DAY = datetime.datetime(2026, 1, 10, 9, 0)


@pytest.fixture
def campaign(template, year, org, quality_manager):
    campaign = CampaignFactory(template=template, academic_year=year, org_unit=org.institution, threshold=3)
    courses = [CourseFactory(code=code, org_unit=org.physics) for code in ("PHY-101", "PHY-102", "CHI-201")]
    services.campaign_set_targets(campaign=campaign, by=quality_manager, courses=courses)
    return campaign


def csv_file(lines: list[str], header: str = "Code UE;Courriel;Langue") -> bytes:
    return ("\n".join([header, *lines]) + "\n").encode("utf-8")


def import_roster(campaign, content: bytes, by):
    roster_import = services.roster_import_start(campaign=campaign, by=by, source=content, filename="liste.csv")
    return roster_import, services.roster_import_preview(roster_import)


def test_bad_lines_are_reported_with_their_number_and_nothing_is_imported(campaign, quality_manager):
    content = csv_file(
        [
            "PHY-101;lea@etu.example.edu;fr",
            "XXX-999;lea@etu.example.edu;fr",  # line 3: not a target
            "PHY-102;pas-une-adresse;",  # line 4
            "PHY-102;sam@etu.example.edu;klingon",  # line 5
            ";sam@etu.example.edu;",  # line 6
        ]
    )
    roster_import, preview = import_roster(campaign, content, quality_manager)
    assert [error.line for error in preview.errors] == [3, 4, 5, 6]
    assert "Line 3" in preview.errors[0].message and "XXX-999" in preview.errors[0].message
    with pytest.raises(SurveyError):
        services.roster_import_confirm(roster_import=roster_import, by=quality_manager)
    assert not SurveyToken.objects.exists()


def test_an_unreadable_file_is_refused_at_once(campaign, quality_manager):
    with pytest.raises(SurveyError) as error:
        services.roster_import_start(campaign=campaign, by=quality_manager, source=b"\x00\x01binary", filename="x")
    assert error.value.field == "file"
    assert not RosterImport.objects.exists()


def test_a_pair_listed_twice_gets_one_token_and_a_target_below_k_a_warning(campaign, quality_manager):
    content = csv_file(
        [
            "PHY-101;Lea@etu.example.edu;fr",
            "PHY-101;lea@etu.example.edu;fr",  # the same pair, whatever the case
            "PHY-101;sam@etu.example.edu;en",
            "PHY-101;noa@etu.example.edu;",
            "PHY-102;lea@etu.example.edu;fr",
        ]
    )
    roster_import, preview = import_roster(campaign, content, quality_manager)
    assert not preview.errors
    assert [duplicate.line for duplicate in preview.duplicates] == [3]
    warnings = " ".join(warning.message for warning in preview.warnings)
    assert "PHY-102" in warnings and "only 1 student" in warnings and "CHI-201" in warnings
    assert "PHY-101" not in warnings
    result = services.roster_import_confirm(roster_import=roster_import, by=quality_manager)
    assert (result.created, result.duplicates, result.students) == (4, 1, 3)
    assert SurveyToken.objects.filter(email="lea@etu.example.edu").count() == 2
    assert not RosterImport.objects.exists()  # the file is gone once confirmed


def test_the_roster_is_read_from_an_excel_workbook(campaign, quality_manager):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Liste des inscrits"])
    sheet.append([])
    sheet.append(["Email", "Code cours"])
    sheet.append(["lea@etu.example.edu", "PHY-101"])
    sheet.append(["sam@etu.example.edu", "PHY-101"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    roster_import, preview = import_roster(campaign, buffer.getvalue(), quality_manager)
    assert [line.line for line in preview.new] == [4, 5]
    services.roster_import_confirm(roster_import=roster_import, by=quality_manager)
    assert SurveyToken.objects.filter(campaign=campaign).count() == 2


def test_a_drafts_roster_is_replaced_by_the_next_file(campaign, quality_manager):
    roster_import, _preview = import_roster(
        campaign, csv_file(["PHY-101;a@etu.example.edu;", "PHY-101;b@etu.example.edu;"]), quality_manager
    )
    services.roster_import_confirm(roster_import=roster_import, by=quality_manager)
    roster_import, preview = import_roster(
        campaign, csv_file(["PHY-101;b@etu.example.edu;", "PHY-102;c@etu.example.edu;"]), quality_manager
    )
    assert (len(preview.new), preview.kept, len(preview.removed)) == (1, 1, 1)
    services.roster_import_confirm(roster_import=roster_import, by=quality_manager)
    assert sorted(SurveyToken.objects.values_list("email", flat=True)) == ["b@etu.example.edu", "c@etu.example.edu"]


def test_the_preview_is_kept_an_hour_at_most(campaign, quality_manager):
    with time_machine.travel(OPEN_DAY):
        roster_import, _preview = import_roster(campaign, csv_file(["PHY-101;a@etu.example.edu;"]), quality_manager)
    with time_machine.travel(OPEN_DAY + datetime.timedelta(minutes=61)):
        with pytest.raises(SurveyError):
            services.roster_import_confirm(roster_import=roster_import, by=quality_manager)
        assert not RosterImport.objects.exists()
    with time_machine.travel(OPEN_DAY):
        import_roster(campaign, csv_file(["PHY-101;a@etu.example.edu;"]), quality_manager)
    with time_machine.travel(OPEN_DAY + datetime.timedelta(minutes=30)):
        assert services.roster_imports_purge() == 0
    with time_machine.travel(OPEN_DAY + datetime.timedelta(minutes=61)):
        assert services.roster_imports_purge() == 1
    assert not SurveyToken.objects.exists()


def test_an_abandoned_preview_is_deleted(campaign, quality_manager):
    roster_import, _preview = import_roster(campaign, csv_file(["PHY-101;a@etu.example.edu;"]), quality_manager)
    services.roster_import_abandon(roster_import=roster_import, by=quality_manager)
    assert not RosterImport.objects.exists() and not SurveyToken.objects.exists()


def links_in(message) -> list[str]:
    return re.findall(r"https?://\S+/enquetes/r/[A-Za-z0-9_-]+/", message.body)


def open_with_roster(campaign, quality_manager, run_on_commit, lines):
    roster_import, _preview = import_roster(campaign, csv_file(lines), quality_manager)
    services.roster_import_confirm(roster_import=roster_import, by=quality_manager)
    with time_machine.travel(OPEN_DAY):
        run_on_commit(services.campaign_open, campaign=campaign, by=quality_manager)


def test_each_student_gets_one_invitation_listing_all_their_links(campaign, quality_manager, run_on_commit):
    open_with_roster(
        campaign,
        quality_manager,
        run_on_commit,
        [
            "PHY-101;lea@etu.example.edu;fr",
            "PHY-102;lea@etu.example.edu;fr",
            "CHI-201;lea@etu.example.edu;fr",
            "PHY-101;sam@etu.example.edu;en",
            "PHY-101;noa@etu.example.edu;",
        ],
    )
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.OPEN and campaign.template.is_frozen
    by_address = {message.to[0]: message for message in mail.outbox}
    assert sorted(by_address) == ["lea@etu.example.edu", "noa@etu.example.edu", "sam@etu.example.edu"]
    assert len(links_in(by_address["lea@etu.example.edu"])) == 3  # one email, three links
    assert "Bonjour" in by_address["lea@etu.example.edu"].body
    assert "Hello" in by_address["sam@etu.example.edu"].body and "Bonjour" not in by_address["sam@etu.example.edu"].body
    bilingual = by_address["noa@etu.example.edu"].body
    assert "Bonjour" in bilingual and "Hello" in bilingual  # no language on the roster: French and English
    assert TokenSecret.objects.count() == 5  # only hashes are stored


def test_a_mailing_run_twice_writes_each_email_once(campaign, quality_manager, run_on_commit):
    open_with_roster(campaign, quality_manager, run_on_commit, ["PHY-101;lea@etu.example.edu;fr"])
    campaign.refresh_from_db()
    assert campaign.mailings == 1
    assert services.mailing_send(campaign_id=campaign.pk, mailing=campaign.mailings, reminder=False) == 0
    assert len(mail.outbox) == 1


def test_a_roster_corrected_while_open(campaign, quality_manager, run_on_commit):
    open_with_roster(
        campaign,
        quality_manager,
        run_on_commit,
        ["PHY-101;lea@etu.example.edu;fr", "PHY-101;sam@etu.example.edu;fr", "PHY-101;noa@etu.example.edu;fr"],
    )
    mail.outbox.clear()
    target = campaign.targets.get(course__code="PHY-102")
    # An added line gets its token and an invitation for it.
    with time_machine.travel(OPEN_DAY):
        run_on_commit(
            services.roster_add_line,
            campaign=campaign,
            by=quality_manager,
            target=target,
            email="lea@etu.example.edu",
            language="fr",
        )
    assert [message.to for message in mail.outbox] == [["lea@etu.example.edu"]]
    assert len(links_in(mail.outbox[0])) == 1
    # Added lines from a file: only the new pairs, their students invited.
    mail.outbox.clear()
    roster_import, preview = import_roster(
        campaign, csv_file(["PHY-101;sam@etu.example.edu;fr", "PHY-102;sam@etu.example.edu;fr"]), quality_manager
    )
    assert (len(preview.new), preview.kept, preview.removed) == (1, 1, [])
    with time_machine.travel(OPEN_DAY):
        run_on_commit(services.roster_import_confirm, roster_import=roster_import, by=quality_manager)
    assert [message.to for message in mail.outbox] == [["sam@etu.example.edu"]]
    # A removed line's unused token is revoked.
    noa = SurveyToken.objects.get(email="noa@etu.example.edu")
    services.roster_remove_line(token=noa, by=quality_manager)
    assert not SurveyToken.objects.filter(pk=noa.pk).exists()
    # A used one stays for the counts, out of the roster; its link no longer opens anything.
    lea = SurveyToken.objects.get(email="lea@etu.example.edu", target__course__code="PHY-101")
    SurveyToken.objects.filter(pk=lea.pk).update(used=True)
    services.roster_remove_line(token=lea, by=quality_manager)
    lea.refresh_from_db()
    assert lea.removed and lea.used


def test_the_roster_cannot_change_once_closed(campaign, quality_manager):
    campaign.status = CampaignStatus.CLOSED
    campaign.save()
    with pytest.raises(SurveyError):
        services.roster_import_start(campaign=campaign, by=quality_manager, source=csv_file([]), filename="x.csv")

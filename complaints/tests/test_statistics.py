"""The statistics page and the reads behind it: received by kind and month, the taken-in-charge and on-time rates,
the medians in working days, satisfaction; spam and duplicates left out, sensitive requests in the institution's
totals only; who may see which unit; a fixed number of queries; the CSV export."""

from __future__ import annotations

import dataclasses
import datetime
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from complaints.choices import ComplaintKind, ComplaintStatus, SensitiveNature
from complaints.models import Complaint
from complaints.statistics import (
    answer_days,
    complaint_statistics,
    default_period,
    handled_counts,
    received_by_month_and_kind,
    satisfaction_counts,
    take_charge_days,
)
from complaints.tests.factories import ComplaintFactory
from qms.core.metrics import Period, expand_units
from qms.core.models import StatusChange

pytestmark = pytest.mark.django_db

S = ComplaintStatus
K = ComplaintKind
# Monday 16 March 2026, 10:00 in Paris.
NOW = datetime.datetime(2026, 3, 16, 10, 0)
Q1 = Period(datetime.date(2026, 1, 1), datetime.date(2026, 3, 31))


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(timezone.make_aware(NOW), tick=False)


def at(year: int, month: int, day: int, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(year, month, day, hour))


def request(**kwargs) -> Complaint:
    kwargs.setdefault("received_at", at(2026, 2, 2))
    return ComplaintFactory(**kwargs)


def answered(*, received: datetime.datetime, answered_at: datetime.datetime, due: datetime.date, **kwargs):
    return request(
        received_at=received,
        status=kwargs.pop("status", S.ANSWERED),
        taken_in_charge_at=kwargs.pop("taken_in_charge_at", received + datetime.timedelta(days=1)),
        answered_at=answered_at,
        answer_due=due,
        **kwargs,
    )


def client_for(user) -> Client:
    # The pages follow the user's language: English, so that the tests read the messages of the code.
    user.language = "en"
    user.save(update_fields=["language"])
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


# --- Reads ---------------------------------------------------------------------------------------------------
def test_it_counts_the_requests_received_by_kind_and_month_leaving_out_spam_and_duplicates():
    request(kind=K.COMPLAINT, received_at=at(2026, 1, 5))
    request(kind=K.COMPLAINT, received_at=at(2026, 1, 31, 23))  # late evening, still January in Paris
    request(kind=K.SUGGESTION, received_at=at(2026, 3, 2))
    request(kind=K.COMPLAINT, received_at=at(2026, 3, 3), status=S.SPAM)
    request(kind=K.COMPLAINT, received_at=at(2026, 3, 3), status=S.DUPLICATE)
    request(kind=K.COMPLAINT, received_at=at(2025, 12, 31))  # before the period

    months = received_by_month_and_kind(Q1, None)

    assert [month.month for month in months] == [
        datetime.date(2026, 1, 1),
        datetime.date(2026, 2, 1),
        datetime.date(2026, 3, 1),
    ]
    assert [month.of(K.COMPLAINT) for month in months] == [2, 0, 0]
    assert [month.of(K.SUGGESTION) for month in months] == [0, 0, 1]
    assert [month.total for month in months] == [2, 0, 1]


def test_the_taken_in_charge_rate_reads_the_timestamps_and_the_history(quality_manager):
    request(status=S.IN_PROGRESS, taken_in_charge_at=at(2026, 2, 3))
    request(status=S.CLOSED, taken_in_charge_at=at(2026, 2, 3), answered_at=at(2026, 2, 9), closed_at=at(2026, 2, 20))
    request(status=S.REDIRECTED, closed_at=at(2026, 2, 3))  # redirected straight from "acknowledged"
    waiting_again = request(status=S.WAITING)  # taken in charge, then a question: only the history says so
    StatusChange.objects.create(
        content_type=ContentType.objects.get_for_model(Complaint),
        object_id=waiting_again.pk,
        from_status=S.ACKNOWLEDGED,
        to_status=S.IN_PROGRESS,
        at=at(2026, 2, 3),
    )
    request(status=S.ACKNOWLEDGED)
    request(status=S.REJECTED, closed_at=at(2026, 2, 3))
    request(status=S.SPAM, taken_in_charge_at=at(2026, 2, 3))

    assert handled_counts(Q1, None) == (4, 6)


def test_sensitive_requests_count_in_the_institution_totals_only(org):
    request(org_unit=org.sciences)
    request(org_unit=org.sciences, sensitive_nature=SensitiveNature.HARASSMENT, taken_in_charge_at=at(2026, 2, 3))

    institution = complaint_statistics(period=Q1)
    sciences = complaint_statistics(period=Q1, unit=org.sciences, unit_ids=expand_units([org.sciences]))

    assert institution.received == 2
    assert institution.sensitive == 1
    assert institution.handled == 1
    assert sciences.received == 1
    assert sciences.sensitive is None
    assert sciences.handled == 0
    # Never by unit, even in the institution's breakdown.
    by_unit = {row.label: row.received for row in institution.by_unit}
    assert by_unit["UFR Sciences"] == 1


def test_a_unit_takes_in_its_sub_units(org):
    request(org_unit=org.physics)
    request(org_unit=org.sciences)
    request(org_unit=org.letters)

    stats = complaint_statistics(period=Q1, unit=org.sciences, unit_ids=expand_units([org.sciences]))

    assert stats.received == 2
    rows = {row.label: row.received for row in stats.by_unit}
    assert rows == {"Département de physique": 1, "UFR Sciences (directly)": 1}


def test_the_breakdown_by_unit_has_a_row_for_requests_given_no_unit(org):
    request(org_unit=None)
    request(org_unit=org.physics)
    stats = complaint_statistics(period=Q1)
    rows = {row.label: row.received for row in stats.by_unit}
    assert rows["UFR Sciences"] == 1
    assert rows["UFR Lettres"] == 0
    assert rows["No unit given"] == 1


def test_answered_on_time_compares_the_answer_day_with_the_deadline_pushed_back_by_pauses():
    # On time: answered on the day it was due.
    answered(received=at(2026, 2, 2), answered_at=at(2026, 2, 23, 18), due=datetime.date(2026, 2, 23))
    # Answered after the original 15 working days, but 3 working days were spent waiting: the stored deadline
    # moved 3 working days later, and it is on time.
    answered(
        received=at(2026, 2, 2),
        answered_at=at(2026, 2, 25),
        due=datetime.date(2026, 2, 26),
        paused_days=3,
        status=S.CLOSED,
        closed_at=at(2026, 3, 9),
    )
    # Late.
    answered(received=at(2026, 1, 5), answered_at=at(2026, 2, 10), due=datetime.date(2026, 1, 26))
    # Answered before the period: not counted.
    answered(received=at(2025, 11, 3), answered_at=at(2025, 12, 1), due=datetime.date(2025, 11, 24))

    stats = complaint_statistics(period=Q1)

    assert (stats.answered_on_time, stats.answered) == (2, 3)
    assert stats.answered_on_time_rate.value == Decimal("66.7")


def test_the_medians_are_counted_in_working_days_pauses_excluded_for_the_answer():
    # Received on Friday, taken in charge on Monday: one working day.
    request(received_at=at(2026, 2, 6), status=S.IN_PROGRESS, taken_in_charge_at=at(2026, 2, 9))
    # Received on Monday, taken in charge on Thursday: three working days.
    request(received_at=at(2026, 2, 9), status=S.IN_PROGRESS, taken_in_charge_at=at(2026, 2, 12))
    # Clock started Monday 2 February, answered Monday 16 February: 10 working days, 4 of them waiting.
    answered(
        received=at(2026, 2, 2),
        answered_at=at(2026, 2, 16),
        due=datetime.date(2026, 2, 27),
        paused_days=4,
        taken_in_charge_at=at(2026, 2, 2, 15),
    )

    assert sorted(take_charge_days(Q1, None)) == [0, 1, 3]
    assert answer_days(Q1, None) == [6]
    stats = complaint_statistics(period=Q1)
    assert stats.median_take_charge_days.value == Decimal("1")
    assert stats.median_take_charge_days.denominator == 3
    assert stats.median_answer_days.value == Decimal("6")


def test_a_public_holiday_is_not_a_working_day():
    # Easter Monday 2026 is 6 April: received on Friday 3, taken in charge on Tuesday 7 = one working day.
    request(received_at=at(2026, 4, 3), status=S.IN_PROGRESS, taken_in_charge_at=at(2026, 4, 7))
    assert take_charge_days(Period(datetime.date(2026, 4, 1), datetime.date(2026, 4, 30)), None) == [1]


def test_satisfaction_is_the_share_of_4_and_5_with_the_mean_beside_it():
    for rating in (5, 4, 2):
        answered(
            received=at(2026, 1, 5),
            answered_at=at(2026, 1, 20),
            due=datetime.date(2026, 1, 26),
            rating=rating,
            rated_at=at(2026, 2, 1),
        )
    # Rated before the period: left out.
    answered(
        received=at(2025, 11, 3),
        answered_at=at(2025, 11, 10),
        due=datetime.date(2025, 11, 24),
        rating=1,
        rated_at=at(2025, 11, 12),
    )

    satisfaction = satisfaction_counts(Q1, None)

    assert (satisfaction.satisfied, satisfaction.rated) == (2, 3)
    assert satisfaction.mean == Decimal("3.67")
    assert satisfaction.share.value == Decimal("66.7")
    assert satisfaction.share.extra == {"mean": Decimal("3.67")}


def test_with_no_data_every_figure_says_so():
    stats = complaint_statistics(period=Q1)
    assert stats.received == 0
    assert stats.handled_rate is None
    assert stats.answered_on_time_rate is None
    assert stats.median_take_charge_days is None
    assert stats.median_answer_days is None
    assert stats.satisfaction_rate is None
    assert stats.satisfaction.mean is None


def test_the_default_period_is_the_last_twelve_months():
    assert default_period(datetime.date(2026, 3, 16)) == Period(datetime.date(2025, 4, 1), datetime.date(2026, 3, 16))
    assert default_period(datetime.date(2026, 1, 31)) == Period(datetime.date(2025, 2, 1), datetime.date(2026, 1, 31))


# --- The page ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["quality_manager", "director"])
def test_the_quality_manager_and_directors_see_the_whole_institution(personas, org, name):
    request(org_unit=org.letters, received_at=at(2026, 2, 2))
    request(org_unit=org.sciences, received_at=at(2026, 2, 3), sensitive_nature=SensitiveNature.DISCRIMINATION)
    response = client_for(getattr(personas, name)).get("/demandes/statistiques/")
    assert response.status_code == 200
    stats = response.context["stats"]
    assert stats.received == 2
    assert stats.sensitive == 1
    content = response.content.decode()
    assert "<svg" in content
    assert 'data-figure="received">2<' in content


def test_the_figures_are_read_once_from_the_tables_the_charts_hidden_beside_them(quality_manager, org):
    """The month chart's figures are in the table under it, and each rate is written in its cell: screen readers
    skip the SVGs (they read the figures twice, as a name and as a description)."""
    from qms.core.tests.html import parse

    request(org_unit=org.sciences, received_at=at(2026, 2, 2), taken_in_charge_at=at(2026, 2, 3))
    request(org_unit=org.sciences, received_at=at(2026, 2, 4))
    page = parse(client_for(quality_manager).get(reverse("complaints:stats")))

    chart = page.one("[data-chart=received] svg")
    assert (chart.get("aria-hidden"), chart.get("role")) == ("true", None)
    assert page.one("table[data-months] tr[data-month='2026-02']").text.endswith("2")
    for row in page.all("table[data-rates] tr[data-rate]"):
        assert row.one("svg").get("aria-hidden") == "true"
    handled = page.one("tr[data-rate=handled] [data-rate-figure]")
    assert "visually-hidden" in handled.get("class")
    assert handled.text == "50 %"


@pytest.mark.parametrize(
    ("median", "shown", "french", "english"),
    [
        (Decimal("0.0"), ("0", "0"), "jour ouvré", "working days"),
        (Decimal("1.0"), ("1", "1"), "jour ouvré", "working day"),
        (Decimal("1.5"), ("1,5", "1.5"), "jour ouvré", "working days"),
        (Decimal("2.0"), ("2", "2"), "jours ouvrés", "working days"),
        (Decimal("3.5"), ("3,5", "3.5"), "jours ouvrés", "working days"),
        (None, ("—", "—"), "jours ouvrés", "working days"),
    ],
)
def test_the_medians_say_working_day_or_days_as_each_language_reads_the_figure(
    quality_manager, monkeypatch, median, shown, french, english
):
    """French puts 0 to under 2 in the singular ("1,5 jour ouvré"), English only exactly 1 ("1.5 working days");
    the figure is shown without a trailing ",0" so that "1 working day" reads as it is counted."""
    from qms.core.metrics import MetricValue
    from qms.core.tests.html import parse

    value = None if median is None else MetricValue(median, None, Decimal(3))
    counted = complaint_statistics(period=Q1)
    monkeypatch.setattr(
        "complaints.report_views.complaint_statistics",
        lambda **kwargs: dataclasses.replace(counted, median_take_charge_days=value, median_answer_days=value),
    )
    client = client_for(quality_manager)
    for language, figure, unit in (("fr", shown[0], french), ("en", shown[1], english)):
        client.cookies["django_language"] = language
        quality_manager.language = language
        quality_manager.save(update_fields=["language"])
        page = parse(client.get(reverse("complaints:stats")))
        for key in ("median-take-charge", "median-answer"):
            card = next(card for card in page.all(".card-body") if card.all(f"[data-figure={key}]"))
            # "jour ouvré · 3 demandes", "working days, time waiting for the requester excluded · 3 requests"
            assert card.all("div.small")[-1].text.split(" · ")[0].split(",")[0] == unit
            assert card.one(f"[data-figure={key}]").text == figure


def test_a_referent_sees_the_figures_of_their_units_only(referent_sciences, org):
    request(org_unit=org.physics)
    request(org_unit=org.letters)
    request(org_unit=org.letters)
    request(org_unit=org.sciences, sensitive_nature=SensitiveNature.HARASSMENT)
    client = client_for(referent_sciences)

    response = client.get("/demandes/statistiques/")
    assert response.status_code == 200
    assert response.context["stats"].received == 1
    assert response.context["stats"].sensitive is None
    units = list(response.context["form"].fields["unit"].queryset)
    assert org.letters not in units and org.sciences in units and org.physics in units

    # Asking for another unit is refused, and shows nothing of it.
    response = client.get("/demandes/statistiques/", {"unit": org.letters.pk})
    assert response.status_code == 400
    assert response.context["stats"].received == 1


def test_the_period_and_unit_are_read_from_the_query(quality_manager, org):
    request(org_unit=org.sciences, received_at=at(2025, 6, 10))
    request(org_unit=org.letters, received_at=at(2025, 6, 11))
    response = client_for(quality_manager).get(
        "/demandes/statistiques/", {"start": "2025-06-01", "end": "2025-06-30", "unit": org.sciences.pk}
    )
    stats = response.context["stats"]
    assert stats.period == Period(datetime.date(2025, 6, 1), datetime.date(2025, 6, 30))
    assert stats.received == 1
    assert (
        client_for(quality_manager)
        .get("/demandes/statistiques/", {"start": "2025-06-30", "end": "2025-06-01"})
        .status_code
        == 400
    )


@pytest.mark.parametrize("name", ["teacher", "staff_member", "process_owner", "auditor"])
def test_others_may_not_see_the_statistics(personas, name):
    client = client_for(getattr(personas, name))
    assert client.get("/demandes/statistiques/").status_code == 403
    assert client.get("/demandes/statistiques/export.csv").status_code == 403


def test_an_anonymous_visitor_is_sent_to_the_login_page(db):
    response = Client().get("/demandes/statistiques/")
    assert response.status_code == 302
    assert "login" in response["Location"]


def _many(count: int, org) -> None:
    units = [org.sciences, org.physics, org.letters, None]
    for index in range(count):
        received = at(2026, 1 + index % 3, 1 + index % 27)
        ComplaintFactory(
            org_unit=units[index % 4],
            received_at=received,
            kind=list(K)[index % 4],
            status=S.CLOSED if index % 2 else S.IN_PROGRESS,
            taken_in_charge_at=received + datetime.timedelta(days=2),
            answered_at=received + datetime.timedelta(days=9) if index % 2 else None,
            answer_due=received.date() + datetime.timedelta(days=14),
            rating=1 + index % 5 if index % 2 else None,
            rated_at=received + datetime.timedelta(days=10) if index % 2 else None,
        )


@pytest.mark.parametrize("name", ["quality_manager", "referent_sciences"])
def test_the_page_runs_a_fixed_number_of_queries(personas, org, django_assert_max_num_queries, name):
    client = client_for(getattr(personas, name))
    params = {"start": "2026-01-01", "end": "2026-03-31"}
    _many(4, org)
    with django_assert_max_num_queries(25) as few:
        assert client.get("/demandes/statistiques/", params).status_code == 200
    _many(60, org)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/demandes/statistiques/", params)
    assert response.status_code == 200
    assert response.context["stats"].received > 30


def test_the_figures_export_to_csv(quality_manager, org):
    request(org_unit=org.sciences, kind=K.SUGGESTION, received_at=at(2026, 2, 2))
    answered(
        received=at(2026, 2, 2),
        answered_at=at(2026, 2, 5),
        due=datetime.date(2026, 2, 23),
        rating=5,
        rated_at=at(2026, 2, 6),
    )
    response = client_for(quality_manager).get(
        "/demandes/statistiques/export.csv", {"start": "2026-01-01", "end": "2026-03-31"}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    body = response.content
    assert body.startswith(b"\xef\xbb\xbf")
    lines = body.decode("utf-8-sig").splitlines()
    assert lines[0] == "Section;Figure;Value;Out of"
    assert "Figures;Requests received;2;" in lines
    assert "Figures;Taken in charge (%);50.0;2" in lines
    assert "Received by kind;Suggestion;1;" in lines
    assert "Received by month;2026-02 — Total;2;" in lines
    assert any(line.startswith("Figures;Mean rating (out of 5);5") for line in lines)

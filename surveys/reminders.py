"""The surveys' and councils' reminder providers and calendar source (registered in ``SurveysConfig.ready()``).

Reminders to students are not sent from here: the surveys send them through their tokens and the bulk queue. These
remind the staff, and read only counts (how many were invited, how many answered), never who has not answered.

Lead times, in calendar days, are fields of ``SurveySettings`` (the surveys' section of the settings page), read
once per scan through its cached ``get()``; the defaults are:

- a campaign still in draft opens in ``campaign_opening_reminder_days`` (7 days, then tomorrow): to the quality
  referents of the unit that runs it (the role-holder helper, nearest unit up the tree), else the quality managers;
- an open campaign closes in ``campaign_closing_reminder_days`` (7 days, then tomorrow), with its response rate so
  far: to the same people;
- a programme's improvement council not yet held by the expected date of the current academic year
  (``council_expected_day`` and ``council_expected_month``: 30 June, or the year's end if sooner):
  ``council_reminder_days``, 60 and 30 days before, and once overdue, to the programme's director and the quality
  referents of its unit;
- a council held but whose minutes are not published ``minutes_after_days`` (30) days later:
  ``minutes_reminder_days``, 7 days before that, and once overdue, to the directors of its programmes (their unit's
  quality referents for a programme without a director).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import formats
from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from qms.core.choices import MembershipRole, Role
from qms.core.models import AcademicYear, OrgUnit, Programme, User
from qms.core.selectors import is_quality_manager, referent_units, role_holders, users_with_role
from qms.notifications import reminders
from qms.notifications.reminders import OVERDUE, CalendarEntry, ReminderItem
from surveys.choices import CampaignStatus
from surveys.councils_choices import CouncilStatus
from surveys.councils_selectors import council_state
from surveys.models import Campaign, Council, SurveySettings
from surveys.results import Participation, participation_by_target

MODULE = "surveys"

# A date written in the language of each recipient when their email is written (not in the scan's).
_short_date = lazy(lambda day: formats.date_format(day, "SHORT_DATE_FORMAT"), str)

CALENDAR_HORIZON_DAYS = 366


# --- Who is reminded ------------------------------------------------------------------------------------------------


def _managers() -> list[User]:
    return list(users_with_role(Role.QUALITY_MANAGER).order_by("pk"))


def _referents_or_managers(unit: OrgUnit | None) -> list[tuple[User | None, str | None, OrgUnit | None]]:
    """(recipient, role, unit) of the items for ``unit``'s quality referents: a role for the unit, resolved by the
    scan with the role-holder helper; the quality managers when the unit and its parents have none."""
    if unit is not None and role_holders(unit, MembershipRole.QUALITY_REFERENT).exists():
        return [(None, MembershipRole.QUALITY_REFERENT, unit)]
    return [(person, None, None) for person in _managers()]


def _item(obj, who, *, kind: str, due: datetime.date, thresholds, today, reference, title, url, context):
    person, role, unit = who
    return ReminderItem(
        obj=obj,
        event="reminder",
        kind=kind,
        due_date=due,
        thresholds=thresholds,
        recipient=person,
        role=role,
        unit=unit,
        urgent=due < today,
        module=MODULE,
        reference=reference,
        title=title,
        url=url,
        context=context,
    )


# --- Campaigns ----------------------------------------------------------------------------------------------------


def _participation(campaign: Campaign) -> Participation:
    """How many were invited to ``campaign`` and how many answered, in all (counts only)."""
    total = Participation()
    targets = list(campaign.targets.all())
    for part in participation_by_target(campaign, targets).values():
        total.add(part)
    return total


def _rate(part: Participation) -> tuple[dict, object]:
    """The placeholders of a closing campaign's counts, and its title: the response rate so far, written in each
    recipient's language when their email is."""
    rate = part.rate
    figures = {
        "response_rate": f"{rate:.0f}" if rate is not None else "—",
        "answered": part.answered,
        "invited": part.invited,
    }
    if not part.invited:
        return figures, _("no student invited yet")
    title = format_lazy(
        _("{rate}% answered ({answered} of {invited})"),
        rate=figures["response_rate"],
        answered=part.answered,
        invited=part.invited,
    )
    return figures, title


def campaign_openings(today: datetime.date) -> Iterator[ReminderItem]:
    """Draft campaigns that open within the first lead time (7 days by default), to the quality officers of the unit
    that runs them."""
    thresholds = tuple(SurveySettings.get().campaign_opening_reminder_days)
    until = today + datetime.timedelta(days=max(thresholds))
    campaigns = Campaign.objects.filter(status=CampaignStatus.DRAFT, opens_on__gte=today, opens_on__lte=until)
    for campaign in campaigns.select_related("org_unit", "academic_year").order_by("opens_on", "pk"):
        for who in _referents_or_managers(campaign.org_unit):
            yield _item(
                campaign,
                who,
                kind="campaign-opening",
                due=campaign.opens_on,
                thresholds=thresholds,
                today=today,
                reference=campaign.title,
                title=str(campaign.academic_year),
                url=campaign.get_absolute_url(),
                context={
                    "item_label": _("Survey campaign opening"),
                    "reason": _("Check its targets and its roster: it opens by itself on its first day."),
                },
            )


def campaign_closings(today: datetime.date) -> Iterator[ReminderItem]:
    """Open campaigns that close within the first lead time (7 days by default), with their response rate so far,
    to the quality officers of the unit that runs them."""
    thresholds = tuple(SurveySettings.get().campaign_closing_reminder_days)
    until = today + datetime.timedelta(days=max(thresholds))
    campaigns = Campaign.objects.filter(status=CampaignStatus.OPEN, closes_on__gte=today, closes_on__lte=until)
    for campaign in campaigns.select_related("org_unit").order_by("closes_on", "pk"):
        due = campaign.closes_on
        if not any(today >= due - datetime.timedelta(days=t) for t in thresholds):
            continue  # no threshold crossed yet: spare the counts
        figures, title = _rate(_participation(campaign))
        context = {"item_label": _("Survey campaign closing"), **figures}
        for who in _referents_or_managers(campaign.org_unit):
            yield _item(
                campaign,
                who,
                kind="campaign-closing",
                due=due,
                thresholds=thresholds,
                today=today,
                reference=campaign.title,
                title=title,
                url=campaign.get_absolute_url(),
                context=context,
            )


# --- Improvement councils -------------------------------------------------------------------------------------------


def council_expected_by(year: AcademicYear) -> datetime.date:
    """When a programme's council of ``year`` should have been held: the day and month set in the surveys' settings
    (30 June by default) within the year, or the year's end when it comes first."""
    return SurveySettings.get().council_expected_by(year.start_date, year.end_date)


def _director_and_referents(programme: Programme) -> list[tuple[User | None, str | None, OrgUnit | None]]:
    people: list[tuple[User | None, str | None, OrgUnit | None]] = []
    if programme.director_id and programme.director.is_active:
        people.append((programme.director, None, None))
    people.append((None, MembershipRole.QUALITY_REFERENT, programme.org_unit))
    return people


def councils_due(today: datetime.date) -> Iterator[ReminderItem]:
    """Active programmes whose council of the current academic year is not held yet, from the first lead time (60
    days by default) before the expected date: to the programme's director and its unit's quality referents."""
    year = AcademicYear.current()
    if year is None:
        return
    thresholds = (*SurveySettings.get().council_reminder_days, OVERDUE)
    due = council_expected_by(year)
    if today < due - datetime.timedelta(days=max(thresholds)):
        return
    councils = Council.objects.filter(academic_year=year).order_by("planned_date", "pk")
    programmes = (
        Programme.objects.filter(is_active=True)
        .select_related("director", "org_unit")
        .prefetch_related(Prefetch("councils", queryset=councils, to_attr="year_councils"))
        .order_by("code")
    )
    url = reverse("surveys:council-year-of", args=[year.pk])
    for programme in programmes:
        state = council_state(programme.year_councils)
        if state == "held":
            continue
        if state == "planned":
            planned = next((c.planned_date for c in programme.year_councils if c.planned_date), None)
            reason = (
                format_lazy(_("Planned on {date}, not recorded as held yet."), date=_short_date(planned))
                if planned
                else _("Planned without a date, not recorded as held yet.")
            )
        else:
            reason = _("No council is planned yet.")
        for who in _director_and_referents(programme):
            yield _item(
                programme,
                who,
                kind="council-due",
                due=due,
                thresholds=thresholds,
                today=today,
                reference=programme.code,
                title=programme.name,
                url=url,
                context={"item_label": _("Improvement council"), "reason": reason},
            )


def minutes_due(today: datetime.date) -> Iterator[ReminderItem]:
    """Councils held whose minutes are not published ``minutes_after_days`` (30) days later, from the first lead time
    (7 days by default) before: to the directors of their programmes (the quality referents of the unit of a
    programme without a director)."""
    settings = SurveySettings.get()
    after = datetime.timedelta(days=settings.minutes_after_days)
    thresholds = (*settings.minutes_reminder_days, OVERDUE)
    held_by = today - after + datetime.timedelta(days=max(thresholds))
    councils = (
        Council.objects.filter(status=CouncilStatus.HELD, held_date__isnull=False, held_date__lte=held_by)
        .select_related("academic_year")
        .prefetch_related(
            Prefetch("programmes", queryset=Programme.objects.select_related("director", "org_unit").order_by("code"))
        )
        .order_by("held_date", "pk")
    )
    for council in councils:
        due = council.held_date + after
        programmes = list(council.programmes.all())
        people: dict[object, tuple[User | None, str | None, OrgUnit | None]] = {}
        for programme in programmes:
            if programme.director_id and programme.director.is_active:
                people.setdefault(("user", programme.director_id), (programme.director, None, None))
            else:
                people.setdefault(
                    ("unit", programme.org_unit_id), (None, MembershipRole.QUALITY_REFERENT, programme.org_unit)
                )
        codes = ", ".join(programme.code for programme in programmes)
        for who in people.values():
            yield _item(
                council,
                who,
                kind="council-minutes",
                due=due,
                thresholds=thresholds,
                today=today,
                reference=codes or str(council.pk),
                title=str(council.academic_year),
                url=council.get_absolute_url(),
                context={"item_label": _("Minutes of an improvement council to publish")},
            )


# --- The calendar feed ----------------------------------------------------------------------------------------------


def calendar(user) -> Iterator[CalendarEntry]:
    """The opening and closing days of the campaigns ``user`` runs (a quality manager: all of them), and the
    councils of the programmes they direct."""
    from django.utils import timezone

    today = timezone.localdate()
    campaigns = Campaign.objects.filter(
        status__in=[CampaignStatus.DRAFT, CampaignStatus.OPEN],
        closes_on__gte=today,
        opens_on__lte=today + datetime.timedelta(days=CALENDAR_HORIZON_DAYS),
    )
    if not is_quality_manager(user):
        campaigns = campaigns.filter(org_unit__in=referent_units(user)) if referent_units(user) else campaigns.none()
    for campaign in campaigns.order_by("opens_on", "pk"):
        if campaign.status == CampaignStatus.DRAFT:
            yield CalendarEntry(
                f"campaign-opens-{campaign.pk}",
                campaign.title,
                str(_("Survey campaign opening")),
                campaign.opens_on,
                campaign.get_absolute_url(),
            )
        yield CalendarEntry(
            f"campaign-closes-{campaign.pk}",
            campaign.title,
            str(_("Survey campaign closing")),
            campaign.closes_on,
            campaign.get_absolute_url(),
        )
    year = AcademicYear.current()
    if year is None:
        return
    councils = Council.objects.filter(academic_year=year).order_by("planned_date", "pk")
    programmes = (
        Programme.objects.filter(is_active=True, director=user)
        .prefetch_related(Prefetch("councils", queryset=councils, to_attr="year_councils"))
        .order_by("code")
    )
    for programme in programmes:
        if council_state(programme.year_councils) == "held":
            continue
        planned = [c for c in programme.year_councils if c.planned_date]
        for council in planned:
            yield CalendarEntry(
                f"council-{council.pk}",
                programme.code,
                str(_("Improvement council")),
                council.planned_date,
                council.get_absolute_url(),
            )
        if not planned:
            yield CalendarEntry(
                f"council-due-{programme.pk}-{year.pk}",
                programme.code,
                str(_("Improvement council")),
                council_expected_by(year),
                reverse("surveys:council-year-of", args=[year.pk]),
            )


def register() -> None:
    """Register the providers, the calendar source and the kinds of the surveys' and councils' reminders."""
    reminders.register("surveys.campaign-openings", campaign_openings)
    reminders.register("surveys.campaign-closings", campaign_closings)
    reminders.register("surveys.councils-due", councils_due)
    reminders.register("surveys.minutes-due", minutes_due)
    reminders.register_calendar("surveys.deadlines", calendar)
    reminders.register_kind("campaign-opening", label=_("Survey campaign opening"), module=MODULE)
    reminders.register_kind(
        "campaign-closing",
        label=_("Survey campaign closing"),
        module=MODULE,
        placeholders=("response_rate", "answered", "invited"),
        sample={"response_rate": "42", "answered": "84", "invited": "200"},
    )
    reminders.register_kind("council-due", label=_("Improvement council"), module=MODULE)
    reminders.register_kind("council-minutes", label=_("Minutes of an improvement council to publish"), module=MODULE)

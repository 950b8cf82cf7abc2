"""Writes of the campaigns: creating, targets, copying last year's, moving through draft → open → closed →
published, mailings, the nightly rewrite of the token rows, and the retention purge.

Anonymity at the edges of a campaign's life:
- PostgreSQL stamps each row version with the transaction that wrote it (``xmin``): a claimed token and its
  response share one until the token row is written again. ``tokens_rewrite`` writes the token rows of every open
  campaign again (nightly), and closing does it once more. The app never reads ``xmin``.
- Closing deletes the campaign's mail rows, keeping daily counts (``qms.notifications``).
- The retention purge (at publication, or after the delay set in the survey settings) deletes the roster and the
  tokens, keeping per target the number invited and the number who answered.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from typing import Any

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from qms.core.choices import Actor
from qms.core.models import AcademicYear, Course, OrgUnit, Programme, Teaching
from qms.core.services import log_activity
from qms.core.tokens import make_token
from qms.core.workflow import TransitionError
from qms.notifications.selectors import used_dedup_keys
from qms.notifications.services import delete_emails_about
from surveys import emails
from surveys.choices import CampaignStatus, TargetKind
from surveys.models import (
    MINIMUM_THRESHOLD,
    Campaign,
    CampaignTarget,
    QuestionnaireTemplate,
    Response,
    RosterImport,
    SurveySettings,
    SurveyToken,
    TokenSecret,
)
from surveys.results import freeze_histogram
from surveys.services.base import SurveyError
from surveys.services.questionnaires import template_freeze
from surveys.workflows import CAMPAIGN_WORKFLOW

logger = logging.getLogger(__name__)

S = CampaignStatus
# Students written to per transaction: a mailing resumed after a crash skips those already written to.
MAILING_BATCH = 200


def _threshold(value: int | None) -> int:
    threshold = value if value is not None else SurveySettings.get().default_threshold
    if threshold < MINIMUM_THRESHOLD:
        raise SurveyError(
            _("The anonymity threshold is at least %(minimum)s.") % {"minimum": MINIMUM_THRESHOLD}, field="threshold"
        )
    return threshold


def _check_dates(opens_on: datetime.date, closes_on: datetime.date) -> None:
    if closes_on < opens_on:
        raise SurveyError(_("The campaign cannot close before it opens."), field="closes_on")


@transaction.atomic
def campaign_create(
    *,
    by: Any,
    title: str,
    template: QuestionnaireTemplate,
    academic_year: AcademicYear,
    org_unit: OrgUnit,
    opens_on: datetime.date,
    closes_on: datetime.date,
    publication_date: datetime.date | None = None,
    threshold: int | None = None,
) -> Campaign:
    """A draft campaign (its targets and roster come next)."""
    _check_dates(opens_on, closes_on)
    campaign = Campaign.objects.create(
        title=title,
        template=template,
        academic_year=academic_year,
        org_unit=org_unit,
        opens_on=opens_on,
        closes_on=closes_on,
        publication_date=publication_date,
        threshold=_threshold(threshold),
        created_by=by,
    )
    log_activity(obj=campaign, verb="survey_campaign.created", by=by, details={"title": title})
    return campaign


# What may change in each status. The threshold is never lowered once the campaign has opened.
EDITABLE = {
    S.DRAFT: {
        "title",
        "template",
        "academic_year",
        "org_unit",
        "opens_on",
        "closes_on",
        "publication_date",
        "threshold",
    },
    S.OPEN: {"title", "closes_on", "publication_date", "threshold"},
    S.CLOSED: {"title", "publication_date"},
    S.PUBLISHED: {"title"},
}


@transaction.atomic
def campaign_update(*, campaign: Campaign, by: Any, **fields: Any) -> Campaign:
    """Change what the campaign's status still allows."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    allowed = EDITABLE[campaign.status]
    changed = []
    for name, value in fields.items():
        if getattr(campaign, name) == value:
            continue
        if name not in allowed:
            raise SurveyError(
                _("“%(field)s” cannot change any more: the campaign is %(status)s.")
                % {"field": Campaign._meta.get_field(name).verbose_name, "status": campaign.get_status_display()},
                field=name,
            )
        if name == "threshold":
            value = _threshold(value)
            if campaign.status != S.DRAFT and value < campaign.threshold:
                raise SurveyError(
                    _("The anonymity threshold is never lowered once the campaign has opened."), field="threshold"
                )
        setattr(campaign, name, value)
        changed.append(name)
    _check_dates(campaign.opens_on, campaign.closes_on)
    if changed:
        campaign.save(update_fields=changed)
        log_activity(obj=campaign, verb="survey_campaign.updated", by=by, details={"fields": changed})
    return campaign


# --- Targets ------------------------------------------------------------------------------------------------


@transaction.atomic
def campaign_set_targets(
    *,
    campaign: Campaign,
    by: Any,
    courses: Iterable[Course] = (),
    programmes: Iterable[Programme] = (),
    units: Iterable[OrgUnit] = (),
) -> tuple[int, int]:
    """Make the campaign's targets exactly these (while it is a draft). Returns (added, removed); a removed
    target's roster lines go with it."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status != S.DRAFT:
        raise SurveyError(_("The targets of a campaign are set while it is a draft."))
    wanted = {
        **{(TargetKind.COURSE, course.pk): course for course in courses},
        **{(TargetKind.PROGRAMME, programme.pk): programme for programme in programmes},
        **{(TargetKind.ORG_UNIT, unit.pk): unit for unit in units},
    }
    current = {}
    for target in campaign.targets.all():
        current[(target.kind, target.course_id or target.programme_id or target.unit_id)] = target
    removed = [target for key, target in current.items() if key not in wanted]
    for target in removed:
        target.delete()
    added = 0
    for (kind, _pk), subject in wanted.items():
        if (kind, subject.pk) in current:
            continue
        field = {TargetKind.COURSE: "course", TargetKind.PROGRAMME: "programme", TargetKind.ORG_UNIT: "unit"}[kind]
        CampaignTarget.objects.create(campaign=campaign, kind=kind, **{field: subject})
        added += 1
    if added or removed:
        log_activity(
            obj=campaign,
            verb="survey_campaign.targets_set",
            by=by,
            details={"added": added, "removed": len(removed), "targets": len(wanted)},
        )
    return added, len(removed)


def _next_year(year: AcademicYear) -> AcademicYear | None:
    return (
        AcademicYear.objects.filter(start_date__gt=year.start_date).order_by("start_date").first()
        if year is not None
        else None
    )


def _a_year_later(day: datetime.date | None) -> datetime.date | None:
    return day + relativedelta(years=1) if day else None


@transaction.atomic
def campaign_copy_last_year(*, campaign: Campaign, by: Any) -> Campaign:
    """A draft for the next academic year with ``campaign``'s questionnaire and targets, and its dates a year
    later. The roster is imported afresh."""
    year = _next_year(campaign.academic_year)
    if year is None:
        raise SurveyError(
            _("There is no academic year after %(year)s: create it first.") % {"year": campaign.academic_year}
        )
    title = campaign.title.replace(campaign.academic_year.name, year.name)
    if title == campaign.title:
        title = f"{campaign.title} ({year.name})"
    copy = Campaign.objects.create(
        title=title[: Campaign._meta.get_field("title").max_length],
        template=campaign.template,
        academic_year=year,
        org_unit=campaign.org_unit,
        opens_on=_a_year_later(campaign.opens_on),
        closes_on=_a_year_later(campaign.closes_on),
        publication_date=_a_year_later(campaign.publication_date),
        threshold=max(campaign.threshold, MINIMUM_THRESHOLD),
        copied_from=campaign,
        created_by=by,
    )
    CampaignTarget.objects.bulk_create(
        [
            CampaignTarget(
                campaign=copy,
                kind=target.kind,
                course_id=target.course_id,
                programme_id=target.programme_id,
                unit_id=target.unit_id,
                scope_unit_id=target.scope_unit_id,
            )
            for target in campaign.targets.all()
        ]
    )
    log_activity(obj=copy, verb="survey_campaign.copied", by=by, details={"from": campaign.pk})
    return copy


# --- Moving through the workflow ------------------------------------------------------------------------------


def _move(campaign: Campaign, to: str, *, by: Any, actor: str, note: str = "", update_fields=()) -> Campaign:
    try:
        CAMPAIGN_WORKFLOW.apply(campaign, to, by=by, actor=actor, note=note, update_fields=update_fields)
    except TransitionError as error:
        raise SurveyError(error.message) from error
    return campaign


@transaction.atomic
def campaign_open(*, campaign: Campaign, by: Any = None, actor: str = Actor.USER) -> Campaign:
    """Open the campaign: its questionnaire is frozen, and every student gets their invitation (after commit)."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    campaign.opened_at = timezone.now()
    _move(campaign, S.OPEN, by=by, actor=actor, update_fields=["opened_at"])
    template_freeze(campaign.template)
    queue_mailing(campaign=campaign, reminder=False)
    return campaign


@transaction.atomic
def campaign_close(*, campaign: Campaign, by: Any = None, actor: str = Actor.USER) -> Campaign:
    """Close the campaign: no more answers; the token rows are written once more, the histogram is frozen into
    counters, the mail rows are deleted (their daily counts kept) and any roster preview is dropped."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    campaign.closed_at = timezone.now()
    _move(campaign, S.CLOSED, by=by, actor=actor, update_fields=["closed_at"])
    tokens_rewrite(campaigns=[campaign])
    counters = freeze_histogram(campaign)
    Campaign.objects.filter(pk=campaign.pk).update(results_frozen=True)
    campaign.results_frozen = True
    deleted = delete_emails_about(campaign)
    RosterImport.objects.filter(campaign=campaign).delete()
    log_activity(
        obj=campaign,
        verb="survey_campaign.results_frozen",
        by=by,
        actor=actor,
        details={"counters": counters, "emails_deleted": deleted},
    )
    return campaign


@transaction.atomic
def campaign_publish(*, campaign: Campaign, by: Any = None, actor: str = Actor.USER) -> Campaign:
    """Publish the results: each teacher of an evaluated course is told; the roster is purged now when the
    settings keep it no longer than publication."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    campaign.published_at = timezone.now()
    fields = ["published_at"]
    if campaign.publication_date is None:
        campaign.publication_date = timezone.localdate()
        fields.append("publication_date")
    _move(campaign, S.PUBLISHED, by=by, actor=actor, update_fields=fields)
    _notify_teachers(campaign)
    if SurveySettings.get().retention_days_after_publication == 0:
        roster_purge(campaign=campaign, by=by, actor=actor)
    return campaign


def _notify_teachers(campaign: Campaign) -> int:
    targets = {
        target.course_id: target
        for target in campaign.targets.filter(kind=TargetKind.COURSE).select_related("course", "campaign")
    }
    by_teacher: dict[int, tuple[Any, list[CampaignTarget]]] = {}
    teachings = Teaching.objects.filter(
        academic_year=campaign.academic_year, course_id__in=list(targets)
    ).select_related("teacher")
    for teaching in teachings.order_by("teacher_id", "course__code"):
        entry = by_teacher.setdefault(teaching.teacher_id, (teaching.teacher, []))
        entry[1].append(targets[teaching.course_id])
    sent = 0
    for teacher, teacher_targets in by_teacher.values():
        if emails.send_results_published(campaign=campaign, teacher=teacher, targets=teacher_targets):
            sent += 1
    return sent


def campaign_transition(*, campaign: Campaign, to: str, by: Any) -> Campaign:
    """The move to ``to`` by a user, through the service that makes it."""
    services = {S.OPEN: campaign_open, S.CLOSED: campaign_close, S.PUBLISHED: campaign_publish}
    if to not in services:
        raise SurveyError(_("“%(status)s” is not a status a campaign can be moved to.") % {"status": to})
    return services[to](campaign=campaign, by=by)


def campaigns_tick(*, today: datetime.date | None = None) -> dict[str, int]:
    """Move campaigns by their dates (hourly): open the drafts whose day has come (when they can open), close the
    open ones past their last day, publish the closed ones whose publication date has come; then the purge."""
    today = today or timezone.localdate()
    done = {"opened": 0, "closed": 0, "published": 0, "purged": 0}
    for campaign in Campaign.objects.filter(status=S.DRAFT, opens_on__lte=today, closes_on__gte=today):
        if CAMPAIGN_WORKFLOW.can(campaign, S.OPEN, actor=Actor.SYSTEM):
            campaign_open(campaign=campaign, actor=Actor.SYSTEM)
            done["opened"] += 1
    for campaign in Campaign.objects.filter(status=S.OPEN, closes_on__lt=today):
        campaign_close(campaign=campaign, actor=Actor.SYSTEM)
        done["closed"] += 1
    for campaign in Campaign.objects.filter(status=S.CLOSED, publication_date__lte=today):
        campaign_publish(campaign=campaign, actor=Actor.SYSTEM)
        done["published"] += 1
    done["purged"] = rosters_purge()
    if any(done.values()):
        logger.info("Survey campaigns moved by their dates: %s", done)
    return done


# --- Mailings -------------------------------------------------------------------------------------------------


def queue_mailing(*, campaign: Campaign, reminder: bool, token_ids: list[str] | None = None) -> int:
    """Number the next mailing of ``campaign`` and send it after commit (a task). Returns its number."""
    Campaign.objects.filter(pk=campaign.pk).update(mailings=F("mailings") + 1)
    mailing = Campaign.objects.values_list("mailings", flat=True).get(pk=campaign.pk)
    campaign.mailings = mailing
    from surveys.tasks import send_mailing

    def enqueue():
        try:
            send_mailing.delay(campaign.pk, mailing, reminder, token_ids)
        except Exception:  # noqa: BLE001 - the campaign's move is committed; the page shows the counts sent
            logger.exception("Could not queue mailing %s of survey campaign %s.", mailing, campaign.pk)

    transaction.on_commit(enqueue, robust=True)
    return mailing


@transaction.atomic
def campaign_send_reminder(*, campaign: Campaign, by: Any) -> int:
    """Remind the students who have an unused link, listing only those links, each with a fresh secret (earlier
    links keep working until used). Returns the mailing's number."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if not campaign.accepts_answers():
        raise SurveyError(_("Reminders are sent while the campaign is open."))
    Campaign.objects.filter(pk=campaign.pk).update(reminders=F("reminders") + 1)
    mailing = queue_mailing(campaign=campaign, reminder=True)
    log_activity(obj=campaign, verb="survey_campaign.reminder_queued", by=by, details={"mailing": mailing})
    return mailing


def mailing_send(*, campaign_id: int, mailing: int, reminder: bool, token_ids: list[str] | None = None) -> int:
    """Write one email per student of the campaign, listing a personal link for each of their targets (a fresh
    secret for each), in batches. Safe to run twice: a student already written to for this mailing is skipped.
    Returns the number of emails written."""
    campaign = Campaign.objects.filter(pk=campaign_id).first()
    if campaign is None or campaign.status != S.OPEN:
        return 0
    tokens = SurveyToken.objects.filter(campaign=campaign, removed=False)
    if reminder:
        tokens = tokens.filter(used=False)
    if token_ids is not None:
        tokens = tokens.filter(pk__in=token_ids)
    students: dict[str, list[SurveyToken]] = {}
    for token in tokens.select_related("target__course", "target__programme", "target__unit").order_by(
        "email", "target__course__code", "target__programme__code", "target__unit__code"
    ):
        students.setdefault(token.email, []).append(token)
    keys = {email: emails.student_dedup_key(campaign.pk, mailing, email) for email in students}
    done = used_dedup_keys(list(keys.values()))
    waiting = [email for email in students if keys[email] not in done]
    written = 0
    for start in range(0, len(waiting), MAILING_BATCH):
        with transaction.atomic():
            secrets = []
            for email in waiting[start : start + MAILING_BATCH]:
                links = []
                for token in students[email]:
                    secret, hashed = make_token()
                    secrets.append(TokenSecret(hash=hashed, token=token))
                    links.append({"label": token.target.label, "url": emails.answer_url(secret)})
                language = next((token.language for token in students[email] if token.language), "")
                if emails.send_student_email(
                    campaign=campaign,
                    email=email,
                    language=language,
                    links=links,
                    reminder=reminder,
                    dedup_key=keys[email],
                ):
                    written += 1
            TokenSecret.objects.bulk_create(secrets)
    logger.info("Survey campaign %s, mailing %s: %s email(s) written.", campaign.pk, mailing, written)
    return written


# --- Anonymity: rewriting the token rows, and the retention purge ---------------------------------------------


def tokens_rewrite(*, campaigns: Iterable[Campaign] | None = None) -> int:
    """Write the token rows of the open campaigns (or of ``campaigns``) again, in one statement: each row gets a
    new version stamped by this transaction, so that no token shares its transaction id with its response any
    more. Returns the number of rows written."""
    tokens = SurveyToken.objects.all()
    if campaigns is None:
        tokens = tokens.filter(campaign__status=S.OPEN)
    else:
        tokens = tokens.filter(campaign__in=[campaign.pk for campaign in campaigns])
    with transaction.atomic():
        return tokens.update(used=F("used"))


@transaction.atomic
def roster_purge(*, campaign: Campaign, by: Any = None, actor: str = Actor.SYSTEM) -> bool:
    """Delete the roster and the tokens of a closed campaign, keeping per target the number invited and the
    number who answered. False when already purged."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.roster_purged_at is not None:
        return False
    if campaign.status not in (S.CLOSED, S.PUBLISHED):
        raise SurveyError(_("The roster is kept until the campaign is closed."))
    invited = dict(
        SurveyToken.objects.filter(campaign=campaign).values_list("target_id").annotate(n=Count("id")).order_by()
    )
    answered = dict(
        Response.objects.filter(target__campaign=campaign).values_list("target_id").annotate(n=Count("id")).order_by()
    )
    for target in campaign.targets.all():
        CampaignTarget.objects.filter(pk=target.pk).update(
            invited_count=invited.get(target.pk, 0), answered_count=answered.get(target.pk, 0)
        )
    deleted, _by_model = SurveyToken.objects.filter(campaign=campaign).delete()
    RosterImport.objects.filter(campaign=campaign).delete()
    campaign.roster_purged_at = timezone.now()
    campaign.save(update_fields=["roster_purged_at"])
    log_activity(
        obj=campaign,
        verb="survey_campaign.roster_purged",
        by=by,
        actor=actor,
        details={"invited": sum(invited.values()), "answered": sum(answered.values())},
    )
    return True


def rosters_purge(*, now: datetime.datetime | None = None) -> int:
    """Purge the rosters whose retention after publication is over. Returns how many were purged."""
    now = now or timezone.now()
    delay = datetime.timedelta(days=SurveySettings.get().retention_days_after_publication)
    due = Campaign.objects.filter(
        status=S.PUBLISHED, roster_purged_at__isnull=True, published_at__lte=now - delay
    ).order_by("pk")
    return sum(1 for campaign in due if roster_purge(campaign=campaign))


def roster_imports_purge(*, now: datetime.datetime | None = None) -> int:
    """Delete the roster previews left unconfirmed past their hour."""
    deleted, _by_model = RosterImport.objects.filter(Q(expires_at__lte=now or timezone.now())).delete()
    return deleted

"""Writes of the roster: importing a file (kept an hour at most, until confirmed or abandoned), and correcting
the roster line by line while the campaign is open. The log counts lines; it names no student."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from qms.core.services import log_activity
from qms.core.spreadsheets import SpreadsheetError
from surveys import roster
from surveys.choices import CampaignStatus
from surveys.models import Campaign, CampaignTarget, RosterImport, SurveyToken
from surveys.services.base import SurveyError
from surveys.services.campaigns import queue_mailing

EDITABLE_STATUSES = (CampaignStatus.DRAFT, CampaignStatus.OPEN)


def _check_roster_editable(campaign: Campaign) -> None:
    if campaign.status not in EDITABLE_STATUSES:
        raise SurveyError(_("The roster can no longer change: the campaign is closed."))


def _read(content: bytes) -> roster.Table:
    try:
        return roster.read_roster(content)
    except SpreadsheetError as error:
        raise SurveyError(error.message, field="file") from error


@transaction.atomic
def roster_import_start(*, campaign: Campaign, by: Any, source: Any, filename: str = "") -> RosterImport:
    """Keep an uploaded roster for its preview. An unreadable file is refused at once; the sender's earlier
    preview for this campaign is dropped."""
    campaign = Campaign.objects.get(pk=campaign.pk)
    _check_roster_editable(campaign)
    if hasattr(source, "seek"):
        source.seek(0)
    content = source.read(roster.MAX_BYTES + 1) if hasattr(source, "read") else bytes(source)
    _read(content)
    RosterImport.objects.filter(campaign=campaign, created_by=by).delete()
    return RosterImport.objects.create(
        campaign=campaign, created_by=by, filename=(filename or "")[:250], content=content
    )


def roster_import_preview(roster_import: RosterImport) -> roster.RosterPreview:
    """What confirming ``roster_import`` would do (it writes nothing)."""
    campaign = Campaign.objects.get(pk=roster_import.campaign_id)
    return roster.analyse(campaign, _read(bytes(roster_import.content)))


@dataclass
class RosterResult:
    created: int
    kept: int
    removed: int
    duplicates: int
    students: int


def roster_import_confirm(*, roster_import: RosterImport, by: Any) -> RosterResult:
    """Apply a previewed roster, all or nothing: each new (student, target) pair gets its token; a draft's roster
    becomes exactly the file's; an open campaign's new lines get their invitation (one email per student). An
    expired preview is deleted, and refused."""
    current = RosterImport.objects.filter(pk=roster_import.pk).first()
    if current is None or current.is_expired:
        RosterImport.objects.filter(pk=roster_import.pk).delete()
        raise SurveyError(_("This import has expired: send the file again."))
    return _roster_import_apply(roster_import=current, by=by)


@transaction.atomic
def _roster_import_apply(*, roster_import: RosterImport, by: Any) -> RosterResult:
    roster_import = RosterImport.objects.select_for_update().get(pk=roster_import.pk)
    campaign = Campaign.objects.select_for_update().get(pk=roster_import.campaign_id)
    _check_roster_editable(campaign)
    preview = roster.analyse(campaign, _read(bytes(roster_import.content)))
    if preview.has_errors:
        raise SurveyError(_("The file has errors: nothing was imported. Correct them and send it again."))
    removed = 0
    if preview.replace and preview.removed:
        removed, _by_model = SurveyToken.objects.filter(pk__in=[token.pk for token in preview.removed]).delete()
    tokens = SurveyToken.objects.bulk_create(
        [
            SurveyToken(campaign=campaign, target=line.target, email=line.email, language=line.language)
            for line in preview.new
        ],
        batch_size=2000,
    )
    if campaign.status == CampaignStatus.OPEN and tokens:
        queue_mailing(campaign=campaign, reminder=False, token_ids=[str(token.pk) for token in tokens])
    roster_import.delete()
    result = RosterResult(
        created=len(tokens),
        kept=preview.kept,
        removed=removed,
        duplicates=len(preview.duplicates),
        students=preview.students,
    )
    log_activity(obj=campaign, verb="survey_campaign.roster_imported", by=by, details=vars(result))
    return result


@transaction.atomic
def roster_import_abandon(*, roster_import: RosterImport, by: Any) -> None:
    RosterImport.objects.filter(pk=roster_import.pk).delete()


@transaction.atomic
def roster_add_line(
    *, campaign: Campaign, by: Any, target: CampaignTarget, email: str, language: str = ""
) -> SurveyToken:
    """Add one (student, target) pair; while the campaign is open, the student gets an invitation for it."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    _check_roster_editable(campaign)
    if target.campaign_id != campaign.pk:
        raise SurveyError(_("This target belongs to another campaign."), field="target")
    email = roster.normalise_email(email)
    token = SurveyToken.objects.filter(target=target, email=email).first()
    if token is not None and not token.removed:
        raise SurveyError(_("This student is already on the roster for this target."), field="email")
    if token is not None:
        # Taken off after answering, now put back: it stays the one (used) token of the pair.
        SurveyToken.objects.filter(pk=token.pk).update(removed=False)
    else:
        token = SurveyToken.objects.create(campaign=campaign, target=target, email=email, language=language)
        if campaign.status == CampaignStatus.OPEN:
            queue_mailing(campaign=campaign, reminder=False, token_ids=[str(token.pk)])
    log_activity(obj=campaign, verb="survey_campaign.roster_line_added", by=by, details={"target": target.code})
    return token


@transaction.atomic
def roster_remove_line(*, token: SurveyToken, by: Any) -> None:
    """Take a line off the roster: its unused token is revoked (deleted); a used one stays, out of the roster,
    so that the counts hold. Nothing tells the two apart."""
    campaign = Campaign.objects.select_for_update().get(pk=token.campaign_id)
    _check_roster_editable(campaign)
    target_code = token.target.code
    deleted, _by_model = SurveyToken.objects.filter(pk=token.pk, used=False).delete()
    if not deleted:
        SurveyToken.objects.filter(pk=token.pk).update(removed=True)
    log_activity(obj=campaign, verb="survey_campaign.roster_line_removed", by=by, details={"target": target_code})

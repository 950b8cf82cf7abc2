"""Writes about published results: teachers' replies, and the moderation of free-text comments (logged against
the campaign, with the answer's UUID in the details)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from qms.core.services import log_activity
from surveys.models import Answer, CampaignTarget, TeacherReply
from surveys.services.base import SurveyError

MAX_REPLY_LENGTH = 5000


@transaction.atomic
def teacher_reply_save(*, target: CampaignTarget, author: Any, text: str) -> TeacherReply | None:
    """Write (or change) ``author``'s reply to the students of ``target``; an empty text removes it."""
    text = (text or "").strip()
    if len(text) > MAX_REPLY_LENGTH:
        raise SurveyError(
            _("The reply is too long (at most %(limit)s characters).") % {"limit": MAX_REPLY_LENGTH}, field="text"
        )
    if not target.campaign.is_published:
        raise SurveyError(_("A reply is written once the results are published."))
    if not text:
        TeacherReply.objects.filter(target=target, author=author).delete()
        return None
    reply, created = TeacherReply.objects.update_or_create(target=target, author=author, defaults={"text": text})
    log_activity(
        obj=target.campaign,
        verb="survey.reply_written" if created else "survey.reply_changed",
        by=author,
        details={"target": target.code},
    )
    return reply


@transaction.atomic
def comment_set_hidden(*, answer: Answer, by: Any, hidden: bool, reason: str = "") -> Answer:
    """Hide an abusive free-text comment (or show it again); logged against the campaign."""
    answer = (
        Answer.objects.select_for_update().select_related("response__target__campaign", "question").get(pk=answer.pk)
    )
    if not answer.question.is_text:
        raise SurveyError(_("Only free-text comments can be hidden."))
    if answer.hidden == hidden:
        return answer
    answer.hidden = hidden
    answer.save(update_fields=["hidden"])
    target = answer.response.target
    log_activity(
        obj=target.campaign,
        verb="survey.comment_hidden" if hidden else "survey.comment_shown",
        by=by,
        details={"answer": str(answer.pk), "target": target.code, "question": answer.question.code, "reason": reason},
    )
    return answer

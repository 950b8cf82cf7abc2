"""The anonymous submission: claim the token, insert the response, in one transaction.

``SurveyToken.objects.filter(pk=…, used=False).update(used=True)`` claims the token; the response is inserted only
when that changed exactly one row. Two submissions of one token at the same moment store one response, on SQLite
too (where ``select_for_update`` does nothing): the second update finds the row used. A submission writes no
activity log, no status change and no log line naming the token; the response carries no link to the token, no
date and no serial key.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from qms.core.tokens import hash_token, looks_like_token
from surveys.models import Answer, Response, SurveyToken, TokenSecret


@dataclass(frozen=True)
class AnswerInput:
    """One answer as the form read it: a value (a bit mask for a multiple choice), "not applicable", or text."""

    question_id: int
    value: int | None = None
    not_applicable: bool = False
    text: str = ""


def token_for_secret(secret: str) -> SurveyToken | None:
    """The token a personal link opens, or None. Looked up by the secret's hash: the secret is never stored."""
    if not looks_like_token(secret):
        return None
    found = (
        TokenSecret.objects.select_related(
            "token__campaign__template", "token__target__course", "token__target__programme", "token__target__unit"
        )
        .filter(hash=hash_token(secret), token__removed=False)
        .first()
    )
    return found.token if found else None


def response_submit(*, token: SurveyToken, answers: list[AnswerInput]) -> bool:
    """Store an anonymous response for ``token``'s target. False, with nothing written, when the token was
    already used (by this submission's twin, say)."""
    with transaction.atomic():
        claimed = SurveyToken.objects.filter(pk=token.pk, used=False).update(used=True)
        if claimed != 1:
            return False
        response = Response.objects.create(target_id=token.target_id)
        Answer.objects.bulk_create(
            [
                Answer(
                    response=response,
                    question_id=answer.question_id,
                    value=None if answer.not_applicable else answer.value,
                    not_applicable=answer.not_applicable,
                    text="" if answer.not_applicable else answer.text,
                )
                for answer in answers
            ]
        )
    return True

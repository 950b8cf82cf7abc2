"""The surveys' emails, one function for each kind; they go through the outbox with ``notify``.

Invitations and reminders go on the bulk queue, carry secret links (their body is wiped once sent) and hide
their recipient (outbox pages count them; the address is erased once sent). They are written in the roster's
language, or in French and English when the roster gives none.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils.crypto import salted_hmac

from qms.core.models import SiteSettings
from qms.notifications.models import OutboxEmail
from qms.notifications.services import notify

INVITATION = "survey-invitation"
REMINDER = "survey-reminder"
RESULTS_PUBLISHED = "survey-results-published"


def answer_url(secret: str) -> str:
    """The full address of a personal link, for an email built with no request at hand."""
    return SiteSettings.get().absolute_url(reverse("surveys:public-answer", args=[secret]))


def student_dedup_key(campaign_id: int, mailing: int, email: str) -> str:
    """The outbox's deduplication key of one student's email of one mailing. The address is keyed, not written:
    the key outlives the erasure of the recipient."""
    digest = salted_hmac("surveys.student", email.lower()).hexdigest()[:40]
    return f"surveys:{campaign_id}:m{mailing}:{digest}"


def send_student_email(
    *,
    campaign: Any,
    email: str,
    language: str,
    links: list[dict[str, str]],
    reminder: bool,
    dedup_key: str,
) -> OutboxEmail | None:
    """One student's invitation (or reminder): a personal link for each of their targets, in one email."""
    return notify(
        email,
        REMINDER if reminder else INVITATION,
        campaign,
        urgent=False,
        secret=True,
        hide_recipient=True,
        language=language or settings.LANGUAGE_CODE,
        dedup_key=dedup_key,
        context={"campaign": campaign, "links": links, "bilingual": not language, "reminder": reminder},
    )


def send_results_published(*, campaign: Any, teacher: Any, targets: list[Any]) -> OutboxEmail | None:
    """Tell a teacher that the results of their courses are out."""
    site = SiteSettings.get()
    return notify(
        teacher,
        RESULTS_PUBLISHED,
        campaign,
        urgent=False,
        dedup_key=f"surveys:{campaign.pk}:published:user:{teacher.pk}",
        context={
            "campaign": campaign,
            "targets": [
                {"label": target.label, "url": site.absolute_url(target.get_absolute_url())} for target in targets
            ],
        },
    )

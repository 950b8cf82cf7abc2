"""The outgoing-email outbox, and ``notify``: the one way apps reach people.

Every email is a row of ``OutboxEmail`` written inside the caller's transaction, so an email exists if and only
if what caused it was committed. After commit, a Celery task on the ``urgent`` or ``bulk`` queue sends it; a
periodic sweep sends whatever is due (emails whose task was lost because the broker was down, and failed
emails whose retry time has come). Retries are scheduled in the database (``next_attempt_at``, with a backoff),
never as delayed broker messages.

How an email is never sent twice: a sender first *claims* the row with one conditional UPDATE (queued or failed
and due, or sending with an expired lease → sending, with a lease) and goes on only when exactly one row changed.
The sweep selects its batch with ``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL, so that concurrent sweeps
share the work instead of queueing on each other's rows. A sent row is never claimed again.

The one gap, which SMTP leaves and no outbox can close: if the process dies after the mail server accepted the
message but before the row is marked sent, the lease expires and the email is sent a second time. Both copies
carry the same Message-ID (made once, when the row is written), so mail clients fold the duplicate.
"""

from __future__ import annotations

import dataclasses
import datetime
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.validators import validate_email
from django.db import IntegrityError, connection, models, transaction
from django.db.models import Case, F, Q, Value, When
from django.template import Context, TemplateDoesNotExist
from django.template.loader import get_template, render_to_string
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.html import escape
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from qms.core import sources
from qms.core.models import User
from qms.notifications.choices import Delivery, DigestMode, OutboxQueue, OutboxState
from qms.notifications.models import DailyCount, OutboxEmail, make_message_id
from qms.notifications.selectors import SiteInfo, sendable_q, site_info

logger = logging.getLogger(__name__)

# Minutes to wait after the 1st, 2nd, … failed attempt; the last value repeats.
BACKOFF_MINUTES = (1, 5, 15, 60, 240)
# How long a sender holds a claimed email. It must outlast one SMTP exchange (EMAIL_TIMEOUT) by far.
LEASE = datetime.timedelta(minutes=5)
# The sweep leaves emails younger than this to the task queued at commit, so that they go through their queue.
SWEEP_GRACE = datetime.timedelta(minutes=2)
SWEEP_BATCH = 100
# The sweep stops after this many failures in a row: the mail server is down, and the rest can wait.
SWEEP_FAILURE_BREAKER = 3
DEFAULT_MAX_ATTEMPTS = 6
ERROR_MAX_LENGTH = 2000


class NotificationError(Exception):
    """An outbox email cannot be written or sent."""


def max_attempts() -> int:
    """Attempts before an email is given up (setting OUTBOX_MAX_ATTEMPTS, default 6)."""
    return max(1, int(getattr(settings, "OUTBOX_MAX_ATTEMPTS", DEFAULT_MAX_ATTEMPTS)))


def backoff(attempts: int) -> datetime.timedelta:
    """The wait before the next attempt, after ``attempts`` failed attempts."""
    index = min(max(attempts, 1), len(BACKOFF_MINUTES)) - 1
    return datetime.timedelta(minutes=BACKOFF_MINUTES[index])


# --- Writing: notify ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Recipient:
    """Who an email goes to: an address, the user behind it when known, and the language to write in."""

    email: str
    language: str
    user: User | None = None

    @property
    def key(self) -> str:
        return f"user:{self.user.pk}" if self.user else f"email:{self.email.lower()}"


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    body_text: str
    body_html: str


def _language(*candidates: str | None) -> str:
    known = {code for code, _name in settings.LANGUAGES}
    for candidate in candidates:
        if candidate:
            code = candidate.lower().split("-")[0]
            if code in known:
                return code
    return settings.LANGUAGE_CODE


def resolve_recipient(recipient: User | str, language: str | None = None) -> Recipient | None:
    """A ``Recipient`` for a user (their address and preferred language) or a plain address (with ``language``).

    None for a user who is inactive or has no address, and for a malformed address: there is no one to write to.
    """
    if isinstance(recipient, User):
        if not recipient.is_active or not recipient.email:
            return None
        return Recipient(email=recipient.email, language=_language(recipient.language, language), user=recipient)
    if isinstance(recipient, str):
        address = recipient.strip()
        try:
            validate_email(address)
        except ValidationError:
            logger.warning("Not writing to a malformed address.")
            return None
        return Recipient(email=address, language=_language(language))
    raise TypeError(f"A recipient is a User or an email address, not {type(recipient).__name__}.")


def reminder_mode(user: User | None) -> str:
    """How ``user`` receives reminders (``DigestMode``): their preference, or the daily digest by default."""
    if user is None:
        return DigestMode.DAILY
    from qms.notifications.models import ReminderPreference

    preference = ReminderPreference.objects.filter(user=user).only("mode").first()
    return preference.mode if preference else DigestMode.DAILY


def delivery_for(recipient: Recipient, event: str, *, urgent: bool, delivery: str, sensitive: bool = False) -> str:
    """Where each person's preferences plug in: how an email asked for with ``delivery`` goes (``Delivery``).

    Every email is immediate unless its caller asks for the digest, which only reminders do. Then an urgent
    item, an item about a sensitive case (never in a digest) and an email to a bare address (no preferences)
    still go at once; otherwise the person's preference decides: a digest, or nothing by email (urgent only).
    """
    if delivery == Delivery.IMMEDIATE or urgent or sensitive or recipient.user is None:
        return Delivery.IMMEDIATE
    if reminder_mode(recipient.user) == DigestMode.URGENT_ONLY:
        return Delivery.NONE
    return Delivery.DIGEST


_BLANK_LINES = re.compile(r"\n{3,}")


def _tidy_text(text: str) -> str:
    # Template tags leave blank lines and trailing spaces behind; keep at most one empty line in a row.
    lines = [line.rstrip() for line in text.strip().splitlines()]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)) + "\n"


def _render_plain(template_name: str, context: dict[str, Any]) -> str:
    """Render a text template without HTML escaping: "&" stays "&" in a subject or a text body."""
    template = get_template(template_name)
    engine_template = getattr(template, "template", None)
    if engine_template is None:  # not the Django template engine
        return template.render(context)
    return engine_template.render(Context(context, autoescape=False))


def _wording_for(context: dict[str, Any], language: str) -> Any:
    """The quality manager's wording of a reminder's kind in ``language`` (``ReminderWording``), if any: only
    reminders carry a ``reminder_kind``, so other emails cost no query."""
    kind = context.get("reminder_kind")
    if not kind:
        return None
    from qms.notifications.models import ReminderWording

    return ReminderWording.objects.filter(kind=kind, language=language).first()


def _wording_values(wording: Any, context: dict[str, Any], language: str) -> dict[str, str]:
    from qms.notifications.reminders import COMMON_PLACEHOLDERS, reminder_kind
    from qms.notifications.wording import placeholder_values

    kind = reminder_kind(wording.kind)
    allowed = kind.allowed_placeholders if kind is not None else COMMON_PLACEHOLDERS
    return placeholder_values(context, allowed, language=language)


def _render_subject(event: str, *, language: str, context: dict[str, Any], wording: Any) -> str:
    if wording is not None and wording.subject:
        from qms.notifications.wording import fill

        subject = " ".join(fill(wording.subject, _wording_values(wording, context, language)).split())
    else:
        with translation.override(language):
            subject = " ".join(_render_plain(f"emails/{event}-subject.txt", context).split())
    return Truncator(subject).chars(OutboxEmail._meta.get_field("subject").max_length)


def render_subject(event: str, *, language: str, context: dict[str, Any]) -> str:
    """Render ``emails/<event>-subject.txt`` in ``language``, on one line, cut to the column's length; for a
    reminder whose kind the quality manager worded, their subject (``qms.notifications.wording``)."""
    return _render_subject(event, language=language, context=context, wording=_wording_for(context, language))


_LOOK_UP = object()


def render_email(event: str, *, language: str, context: dict[str, Any], wording: Any = _LOOK_UP) -> RenderedEmail:
    """Render ``emails/<event>-subject.txt``, ``-body.txt`` and ``-body.html`` in ``language``.

    The HTML template is optional: without it, the text body is laid out in ``emails/base.html``. A reminder whose
    kind the quality manager worded in ``language`` takes their subject and body instead (filled by plain
    substitution, laid out in ``emails/reminder-wording-body.*``). ``wording``: the one to use instead of the
    stored one (a preview), or None for the default.
    """
    if wording is _LOOK_UP:
        wording = _wording_for(context, language)
    subject = _render_subject(event, language=language, context=context, wording=wording)
    with translation.override(language):
        if wording is not None and wording.body:
            from qms.notifications.wording import fill

            text = fill(wording.body, _wording_values(wording, context, language))
            worded = {**context, "wording_body": text}
            body_text = _tidy_text(_render_plain("emails/reminder-wording-body.txt", worded))
            body_html = render_to_string("emails/reminder-wording-body.html", worded)
            return RenderedEmail(subject, body_text, body_html.strip())
        body_text = _tidy_text(_render_plain(f"emails/{event}-body.txt", context))
        try:
            html_template = get_template(f"emails/{event}-body.html")
        except TemplateDoesNotExist:
            body_html = render_to_string("emails/fallback-body.html", {**context, "body_text": body_text})
        else:
            body_html = html_template.render(context)
    return RenderedEmail(subject, body_text, body_html.strip())


def _preferences_url(site: SiteInfo) -> str:
    from django.urls import reverse

    return f"{site.site_url}{reverse('notifications:profile')}"


def email_context(
    recipient: Recipient, event: str, obj: models.Model | None, site: SiteInfo, extra: dict[str, Any] | None
) -> dict[str, Any]:
    """What every email template sees, then the caller's own context (which may override it)."""
    return {
        "event": event,
        "obj": obj,
        # The user, or the address for someone without an account.
        "recipient": recipient.user or recipient.email,
        "recipient_user": recipient.user,
        "recipient_email": recipient.email,
        "language": recipient.language,
        "site": site.record or site,
        "site_url": site.site_url,
        "institution_name": site.institution_name,
        # The footer of emails/base.* links to the person's preferences; a bare address has none.
        "preferences_url": _preferences_url(site) if recipient.user is not None else "",
        **(extra or {}),
    }


# --- The stored context: primary keys, not objects ----------------------------------------------------------
# An email's body is rendered when it is sent, from the context its row keeps: plain values as they are, model
# instances as their label and primary key (read again at sending), translatable text in the recipient's language.
_MODEL, _DATE, _DATETIME = "$model", "$date", "$datetime"


class ObjectGone(NotificationError):
    """The object an email is about no longer exists (a request purged or deleted before the email left)."""


def store_context(value: Any, *, language: str) -> Any:
    """``value`` as JSON for ``OutboxEmail.context``; raises ``TypeError`` for what cannot be kept that way."""
    if value is None or isinstance(value, str | bool | int | float):
        return value
    if isinstance(value, models.Model):
        if value.pk is None:
            raise TypeError(f"An unsaved {type(value).__name__} cannot go into an email's context.")
        return {_MODEL: value._meta.label_lower, "pk": value.pk}
    if isinstance(value, Promise):
        with translation.override(language):
            return str(value)
    if isinstance(value, datetime.datetime):
        return {_DATETIME: value.isoformat()}
    if isinstance(value, datetime.date):
        return {_DATE: value.isoformat()}
    if isinstance(value, dict):
        return {str(key): store_context(item, language=language) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [store_context(item, language=language) for item in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        # A plain record (a digest's entry): kept as the mapping of its fields, which templates read alike.
        fields = {field.name: getattr(value, field.name) for field in dataclasses.fields(value)}
        return store_context(fields, language=language)
    raise TypeError(f"A {type(value).__name__} cannot go into an email's context: pass a model, text or a number.")


def restore_context(stored: Any, *, found: dict[tuple[str, Any], Any] | None = None) -> Any:
    """The context as the templates see it: model instances read again (None when gone), dates parsed."""
    found = {} if found is None else found
    if isinstance(stored, list):
        return [restore_context(item, found=found) for item in stored]
    if not isinstance(stored, dict):
        return stored
    if _MODEL in stored:
        key = (stored[_MODEL], stored["pk"])
        if key not in found:
            model = apps.get_model(stored[_MODEL])
            found[key] = model._default_manager.filter(pk=stored["pk"]).first()
        return found[key]
    if _DATETIME in stored:
        return datetime.datetime.fromisoformat(stored[_DATETIME])
    if _DATE in stored:
        return datetime.date.fromisoformat(stored[_DATE])
    return {key: restore_context(item, found=found) for key, item in stored.items()}


def render_outbox_email(email: OutboxEmail) -> RenderedEmail:
    """The subject and bodies of ``email``: rendered now from its stored context, in the recipient's language, or
    as stored when it has none (written before bodies were rendered at sending, or sent already).

    Raises ``ObjectGone`` when the object the email is about no longer exists."""
    if email.context is None:
        return RenderedEmail(email.subject, email.body_text, email.body_html)
    obj = None
    found: dict[tuple[str, Any], Any] = {}
    if email.content_type_id is not None:
        model = email.content_type.model_class()
        obj = model._default_manager.filter(pk=email.object_id).first() if model is not None else None
        if obj is None:
            raise ObjectGone(f"The {email.content_type} this email is about no longer exists.")
        found[(obj._meta.label_lower, obj.pk)] = obj
    recipient = Recipient(email=email.recipient_email, language=email.language, user=email.recipient_user)
    context = email_context(recipient, email.kind, obj, site_info(), restore_context(email.context, found=found))
    rendered = render_email(email.kind, language=email.language, context=context)
    # The subject stays as written (it was rendered with the row, and logs and timelines show it).
    return RenderedEmail(email.subject or rendered.subject, rendered.body_text, rendered.body_html)


# --- Writing the rows --------------------------------------------------------------------------------------
def prepare_email(
    recipient: User | str,
    event: str,
    obj: models.Model | None = None,
    *,
    urgent: bool = False,
    context: dict[str, Any] | None = None,
    dedup_key: str | None = None,
    secret: bool = False,
    language: str | None = None,
    reply_to: str | None = None,
    sensitive: bool = False,
    hide_recipient: bool = False,
    delivery: str = Delivery.IMMEDIATE,
) -> OutboxEmail | None:
    """The outbox row of ``event`` to ``recipient`` about ``obj``, not written yet: ``write_emails`` writes it.

    The arguments are ``notify``'s. The context is kept as primary keys and plain values (``store_context``); the
    body is rendered from it when the email is sent, the subject when the row is written. Returns None when there
    is no one to write to."""
    target = resolve_recipient(recipient, language)
    if target is None:
        return None
    is_sensitive = bool(sensitive or (obj is not None and sources.is_sensitive(obj)))
    if delivery_for(target, event, urgent=urgent, delivery=delivery, sensitive=is_sensitive) != Delivery.IMMEDIATE:
        return None
    # A missing body template is the caller's error: said now, not when the email is sent.
    get_template(f"emails/{event}-body.txt")
    email = OutboxEmail(
        kind=event,
        recipient_email=target.email,
        recipient_user=target.user,
        language=target.language,
        reply_to=reply_to or "",
        content_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
        object_id=obj.pk if obj is not None else None,
        dedup_key=dedup_key or None,
        queue=OutboxQueue.URGENT if urgent else OutboxQueue.BULK,
        contains_secret=secret,
        hide_recipient=hide_recipient,
        is_sensitive=is_sensitive,
        context=store_context(context or {}, language=target.language),
    )
    # What the subject is rendered with, when the row is written (not stored).
    email._subject_context = (target, obj, context or {})
    return email


def write_emails(emails: Iterable[OutboxEmail | None], *, keys_are_new: bool = False) -> list[OutboxEmail]:
    """Write prepared ``emails`` to the outbox in the caller's transaction, in one INSERT, with their subjects
    rendered now; they are queued after commit, one broker message per queue.

    An email whose ``dedup_key`` is already used is not written: the existing row is returned in its place.
    ``keys_are_new``: the caller knows that no row holds these keys yet (they name objects created in this very
    transaction), so they are not looked up first; the unique constraint still holds. Returns the rows, in order.
    """
    emails = [email for email in emails if email is not None]
    if not emails:
        return []
    keys = [email.dedup_key for email in emails if email.dedup_key]
    existing: dict[str, OutboxEmail] = {}
    if keys and not keys_are_new:
        existing = {row.dedup_key: row for row in OutboxEmail.objects.filter(dedup_key__in=keys)}
    fresh = [email for email in emails if not email.dedup_key or email.dedup_key not in existing]
    site = site_info()
    for email in fresh:
        target, obj, context = email._subject_context
        email.subject = render_subject(
            email.kind, language=email.language, context=email_context(target, email.kind, obj, site, context)
        )
        email.message_id = make_message_id(site.domain)
    if fresh:
        if keys and not keys_are_new:
            try:
                with transaction.atomic():
                    OutboxEmail.objects.bulk_create(fresh)
            except IntegrityError:
                # Another transaction wrote one of the keys first: write one at a time, theirs wins.
                return [_write_one(email) for email in emails]
        else:
            OutboxEmail.objects.bulk_create(fresh)
        transaction.on_commit(partial(enqueue_many, [(email.pk, email.queue) for email in fresh]), robust=True)
        for email in fresh:
            logger.info("Outbox email %s written (%s, %s queue).", email.pk, email.kind, email.queue)
    return [existing.get(email.dedup_key, email) if email.dedup_key else email for email in emails]


def _write_one(email: OutboxEmail) -> OutboxEmail:
    if email.pk is not None:
        return email
    try:
        with transaction.atomic():
            email.save(force_insert=True)
    except IntegrityError:
        existing = OutboxEmail.objects.filter(dedup_key=email.dedup_key).first() if email.dedup_key else None
        if existing is None:
            raise
        return existing
    transaction.on_commit(partial(enqueue, email.pk, email.queue), robust=True)
    return email


def notify(
    recipient: User | str,
    event: str,
    obj: models.Model | None = None,
    *,
    urgent: bool = False,
    context: dict[str, Any] | None = None,
    dedup_key: str | None = None,
    secret: bool = False,
    language: str | None = None,
    reply_to: str | None = None,
    hide_recipient: bool = False,
    sensitive: bool = False,
    delivery: str = Delivery.IMMEDIATE,
) -> OutboxEmail | None:
    """Write the email of ``event`` to ``recipient`` about ``obj`` to the outbox; it is sent after commit.

    ``recipient`` is a User (skipped when inactive or without an address; written to in their preferred
    language) or an address, for someone without an account (written to in ``language``). The email is
    rendered from ``emails/<event>-subject.txt``, ``-body.txt`` and ``-body.html``, with ``obj``,
    ``recipient``, ``site``, ``site_url`` and ``institution_name`` in the context, plus ``context``: the subject
    when the row is written, the body when the email is sent (so ``context`` holds model instances, text, numbers
    and dates, kept as primary keys and values until then).

    The row is written in the caller's transaction: rolled back, it is gone and nothing is sent. ``urgent``
    sends it through the urgent queue (acknowledgements, one-to-one notices) instead of the bulk one. With a
    ``dedup_key`` already used, the existing row is returned and nothing is written. ``secret`` marks a body
    carrying a secret link: it is wiped once sent, with the context that carried it. ``hide_recipient`` keeps the
    recipient off every outbox page (they count such emails instead) and erases the address once the email is
    sent. ``sensitive`` marks an email
    about a sensitive case (harassment, discrimination …), shown only to the sensitive-cases group in every outbox
    page; an email about a source that the sources registry calls sensitive is marked whatever the caller says.
    ``delivery`` is immediate (the default) or, for reminders only, digest: then the person's preferences may
    keep it for their digest or leave it out of email (``delivery_for``), and nothing is written here. Returns
    None when there is no one to write to, or when the email is not to go out at once.
    """
    email = prepare_email(
        recipient,
        event,
        obj,
        urgent=urgent,
        context=context,
        dedup_key=dedup_key,
        secret=secret,
        language=language,
        reply_to=reply_to,
        sensitive=sensitive,
        hide_recipient=hide_recipient,
        delivery=delivery,
    )
    written = write_emails([email])
    return written[0] if written else None


def prepare_many(
    recipients: Iterable[User | str],
    event: str,
    obj: models.Model | None = None,
    *,
    dedup_key: str | None = None,
    **options: Any,
) -> list[OutboxEmail]:
    """``prepare_email`` for each of ``recipients`` once (a person listed twice gets one email).

    A ``dedup_key`` is made personal: ``<dedup_key>:user:<pk>`` or ``<dedup_key>:email:<address>``."""
    emails: list[OutboxEmail] = []
    seen: set[str] = set()
    for recipient in recipients:
        target = resolve_recipient(recipient, options.get("language"))
        if target is None or target.key in seen or target.email.lower() in seen:
            continue
        seen.update({target.key, target.email.lower()})
        key = f"{dedup_key}:{target.key}" if dedup_key else None
        email = prepare_email(recipient, event, obj, dedup_key=key, **options)
        if email is not None:
            emails.append(email)
    return emails


def notify_many(
    recipients: Iterable[User | str],
    event: str,
    obj: models.Model | None = None,
    *,
    dedup_key: str | None = None,
    **options: Any,
) -> list[OutboxEmail]:
    """``notify`` each of ``recipients`` once (a person listed twice gets one email), in one INSERT.

    A ``dedup_key`` is made personal: ``<dedup_key>:user:<pk>`` or ``<dedup_key>:email:<address>``.
    Returns the rows written (or found through the key); those with no one to write to are left out.
    """
    return write_emails(prepare_many(recipients, event, obj, dedup_key=dedup_key, **options))


# --- Sending --------------------------------------------------------------------------------------------


def enqueue(pk: int, queue: str) -> None:
    """Queue the sending task of one email. Never raises: when the broker is down, the sweep sends it later."""
    from qms.celery import app
    from qms.notifications.tasks import send_email_task

    try:
        send_email_task.apply_async(args=[pk], queue=queue)
    except Exception as exc:  # noqa: BLE001 - the caller's work is committed; the sweep is the safety net
        logger.warning(
            "Could not queue outbox email %s on the %s queue (%s); the sweep will send it.",
            pk,
            queue,
            type(exc).__name__,
            # When tasks run in-process, the error is the task's own, not the broker's: show it.
            exc_info=bool(app.conf.task_always_eager),
        )


def enqueue_many(emails: list[tuple[int, str]]) -> None:
    """Queue the sending of ``(pk, queue)`` emails: one broker message per queue. Never raises: when the broker is
    down, the sweep sends them later."""
    from qms.celery import app
    from qms.notifications.tasks import send_email_task, send_emails_task

    by_queue: dict[str, list[int]] = {}
    for pk, queue in emails:
        by_queue.setdefault(queue, []).append(pk)
    for queue, pks in by_queue.items():
        try:
            if len(pks) == 1:
                send_email_task.apply_async(args=[pks[0]], queue=queue)
            else:
                send_emails_task.apply_async(args=[pks], queue=queue)
        except Exception as exc:  # noqa: BLE001 - the caller's work is committed; the sweep is the safety net
            logger.warning(
                "Could not queue outbox email %s on the %s queue (%s); the sweep will send it."
                if len(pks) == 1
                else "Could not queue outbox emails %s on the %s queue (%s); the sweep will send them.",
                ", ".join(map(str, pks)),
                queue,
                type(exc).__name__,
                exc_info=bool(app.conf.task_always_eager),
            )


def _claim(pk: int, now: datetime.datetime, condition: Q) -> bool:
    """Take ``pk`` for sending if ``condition`` still holds; True when this caller got it.

    A row taken over from a sender whose lease ran out counts that sender's attempt: it died trying.
    """
    changed = OutboxEmail.objects.filter(condition, pk=pk).update(
        attempts=Case(
            When(state=OutboxState.SENDING, then=F("attempts") + 1),
            default=F("attempts"),
            output_field=models.PositiveSmallIntegerField(),
        ),
        state=OutboxState.SENDING,
        lease_until=now + LEASE,
    )
    return changed == 1


def _claimable(now: datetime.datetime, *, fresh_after: datetime.datetime | None = None) -> Q:
    # A row whose sender died on its last allowed attempt is given up by the sweep, not taken over.
    return sendable_q(now, fresh_after=fresh_after) & ~Q(state=OutboxState.SENDING, attempts__gte=max_attempts())


def build_message(
    email: OutboxEmail, *, connection: Any = None, rendered: RenderedEmail | None = None
) -> EmailMultiAlternatives:
    """The message of an outbox row, with its stored Message-ID (the same at every attempt). ``rendered``: its
    subject and bodies when rendered already (``render_outbox_email``)."""
    rendered = rendered or render_outbox_email(email)
    message = EmailMultiAlternatives(
        subject=rendered.subject,
        body=rendered.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.recipient_email] if email.recipient_email else [],
        reply_to=[email.reply_to] if email.reply_to else None,
        headers={"Message-ID": email.message_id, "Auto-Submitted": "auto-generated"},
        connection=connection,
    )
    if rendered.body_html:
        message.attach_alternative(rendered.body_html, "text/html")
    return message


def _error_text(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:ERROR_MAX_LENGTH]


def _secret_wipe_fields(email: OutboxEmail, now: datetime.datetime) -> dict[str, Any]:
    with translation.override(email.language or settings.LANGUAGE_CODE):
        note = _("This message contained a secret link. Its body was removed once it was sent.")
    return {"body_text": note, "body_html": f"<p>{escape(note)}</p>", "wiped_at": now}


def _held(email: OutboxEmail) -> models.QuerySet[OutboxEmail]:
    """The row of ``email`` while this sender still holds it: its own claim, not a later one.

    A sender whose lease ran out (a process frozen for minutes) may have been overtaken; its outcome must not
    overwrite the state that the new holder is about to record.
    """
    return OutboxEmail.objects.filter(pk=email.pk, state=OutboxState.SENDING, lease_until=email.lease_until)


def _record_sent(email: OutboxEmail, rendered: RenderedEmail) -> None:
    now = timezone.now()
    values: dict[str, Any] = {"state": OutboxState.SENT, "sent_at": now, "lease_until": None, "last_error": ""}
    if email.context is not None:
        # Rendered at sending: the bodies are kept as the record of what went out; the context is not needed any
        # more (and may hold a secret link).
        values.update(body_text=rendered.body_text, body_html=rendered.body_html, context=None)
    if email.contains_secret:
        values.update(_secret_wipe_fields(email, now))
    if email.hide_recipient:
        # Once out, nothing says who it went to.
        values.update(recipient_email="", recipient_user=None)
    if not _held(email).update(**values):
        # Overtaken after its lease ran out: the email went out all the same, so it must not stay pending (the
        # new holder's duplicate carries the same Message-ID). A row given up or wiped meanwhile is left alone.
        OutboxEmail.objects.filter(pk=email.pk, state=OutboxState.SENDING).update(**values)
    logger.info("Outbox email %s sent (%s).", email.pk, email.kind)


def _record_failure(email: OutboxEmail, exc: BaseException) -> str:
    """Schedule the next attempt of a failed email, or give it up after the limit. Returns the new state."""
    now = timezone.now()
    attempts = email.attempts + 1
    error = _error_text(exc)
    if attempts >= max_attempts():
        state = OutboxState.GIVEN_UP
        values: dict[str, Any] = {}
        logger.error(
            "Outbox email %s (%s) given up after %s attempts: %s", email.pk, email.kind, attempts, type(exc).__name__
        )
    else:
        state = OutboxState.FAILED
        values = {"next_attempt_at": now + backoff(attempts)}
        logger.warning(
            "Outbox email %s (%s) failed, attempt %s of %s: %s; retried at %s.",
            email.pk,
            email.kind,
            attempts,
            max_attempts(),
            type(exc).__name__,
            values["next_attempt_at"].isoformat(),
        )
    _held(email).update(state=state, attempts=attempts, last_error=error, lease_until=None, **values)
    return state


def _record_gone(email: OutboxEmail, exc: ObjectGone) -> str:
    """Give up an email whose object was removed before it left: there is nothing left to tell."""
    logger.warning("Outbox email %s (%s) given up: its object no longer exists.", email.pk, email.kind)
    _held(email).update(
        state=OutboxState.GIVEN_UP, attempts=email.attempts + 1, last_error=_error_text(exc), lease_until=None,
        context=None,
    )  # fmt: skip
    return OutboxState.GIVEN_UP


def _deliver(pk: int, *, connection: Any = None) -> str:
    """Render (when written with its context) and send a row this caller has claimed, and record the outcome.
    Returns the new state."""
    email = OutboxEmail.objects.select_related("recipient_user", "content_type").get(pk=pk)
    try:
        rendered = render_outbox_email(email)
        if not build_message(email, connection=connection, rendered=rendered).send():
            raise NotificationError("The email has no recipient address.")
    except ObjectGone as exc:
        return _record_gone(email, exc)
    except Exception as exc:  # noqa: BLE001 - any failure is recorded and retried; the row must not stay claimed
        return _record_failure(email, exc)
    _record_sent(email, rendered)
    return OutboxState.SENT


def send_outbox_email(pk: int, *, connection: Any = None) -> bool:
    """Claim and send one outbox email if it is due; True when this call sent it.

    Safe to call any number of times, from any number of processes: a sent email is never sent again, and
    an email being sent by someone else (whose lease has not run out) is left alone.
    """
    now = timezone.now()
    if not _claim(pk, now, _claimable(now)):
        return False
    return _deliver(pk, connection=connection) == OutboxState.SENT


@dataclass
class SweepResult:
    """What one sweep did."""

    sent: int = 0
    failed: int = 0
    given_up: int = 0
    released: int = 0  # claimed, then handed back untried when the sweep stopped on a dead mail server
    states: dict[int, str] = field(default_factory=dict)

    @property
    def attempted(self) -> int:
        return self.sent + self.failed + self.given_up


def _give_up_abandoned(now: datetime.datetime) -> int:
    """Give up the rows whose sender died during their last allowed attempt."""
    rows = OutboxEmail.objects.filter(state=OutboxState.SENDING, lease_until__lt=now, attempts__gte=max_attempts())
    count = rows.update(
        state=OutboxState.GIVEN_UP, lease_until=None, last_error="The sender stopped before finishing its attempt."
    )
    if count:
        logger.error("%s outbox email(s) given up: their sender stopped during the last attempt.", count)
    return count


def _claim_batch(now: datetime.datetime, *, batch_size: int, grace: datetime.timedelta) -> list[int]:
    condition = _claimable(now, fresh_after=now - grace)
    with transaction.atomic():
        candidates = OutboxEmail.objects.filter(condition).order_by(
            Case(When(queue=OutboxQueue.URGENT, then=Value(0)), default=Value(1)), "next_attempt_at", "pk"
        )
        if connection.features.has_select_for_update_skip_locked:
            # Concurrent sweeps take different rows instead of waiting on each other's.
            candidates = candidates.select_for_update(skip_locked=True)
        pks = list(candidates.values_list("pk", flat=True)[:batch_size])
        return [pk for pk in pks if _claim(pk, now, condition)]


def _release(pks: list[int]) -> int:
    """Hand claimed rows back untried: due at once, for the next sweep."""
    if not pks:
        return 0
    return OutboxEmail.objects.filter(pk__in=pks, state=OutboxState.SENDING).update(
        state=Case(When(attempts=0, then=Value(OutboxState.QUEUED)), default=Value(OutboxState.FAILED)),
        lease_until=None,
    )


def sweep_outbox(
    *,
    batch_size: int = SWEEP_BATCH,
    max_batches: int | None = None,
    grace: datetime.timedelta = SWEEP_GRACE,
) -> SweepResult:
    """Send every outbox email that is due, in batches, urgent ones first.

    Due: failed emails whose retry time has come, queued emails older than ``grace`` (their task was lost,
    say, because the broker was down), and emails whose sender's lease ran out. Running two sweeps at once, or
    a sweep beside the tasks, sends each email once. After ``SWEEP_FAILURE_BREAKER`` failures in a row the mail
    server is taken to be down: the sweep hands the rest of its batch back and stops.
    """
    result = SweepResult()
    result.given_up += _give_up_abandoned(timezone.now())
    batches = 0
    while max_batches is None or batches < max_batches:
        batches += 1
        pks = _claim_batch(timezone.now(), batch_size=batch_size, grace=grace)
        if not pks:
            break
        mail_connection = get_connection()
        failures_in_a_row = 0
        try:
            for index, pk in enumerate(pks):
                state = _deliver(pk, connection=mail_connection)
                result.states[pk] = state
                if state == OutboxState.SENT:
                    result.sent += 1
                    failures_in_a_row = 0
                    continue
                result.failed += state == OutboxState.FAILED
                result.given_up += state == OutboxState.GIVEN_UP
                failures_in_a_row += 1
                # The connection may be broken: the next message opens a new one.
                mail_connection.close()
                if failures_in_a_row >= SWEEP_FAILURE_BREAKER:
                    result.released += _release(pks[index + 1 :])
                    logger.warning(
                        "Outbox sweep stopped after %s failures in a row; %s email(s) left for the next sweep.",
                        failures_in_a_row,
                        result.released,
                    )
                    return result
        finally:
            mail_connection.close()
        if len(pks) < batch_size:
            break
    return result


# --- By hand, and data protection ----------------------------------------------------------------------


def retry_now(*, emails: models.QuerySet[OutboxEmail]) -> int:
    """Make ``emails`` due at once and queue them (sent and currently claimed ones are left alone).

    A given-up email gets a fresh allowance of attempts. Returns how many were queued again.
    """
    now = timezone.now()
    retryable = Q(state__in=[OutboxState.QUEUED, OutboxState.FAILED, OutboxState.GIVEN_UP]) | Q(
        state=OutboxState.SENDING, lease_until__lt=now
    )
    with transaction.atomic():
        pks = list(emails.filter(retryable).values_list("pk", "queue"))
        # The UPDATE checks the state again: a row a sender claimed since the read above must stay its own, or a
        # second sender would take it and send it twice.
        OutboxEmail.objects.filter(retryable, pk__in=[pk for pk, _queue in pks]).update(
            attempts=Case(
                When(state=OutboxState.GIVEN_UP, then=Value(0)),
                default=F("attempts"),
                output_field=models.PositiveSmallIntegerField(),
            ),
            state=OutboxState.QUEUED,
            next_attempt_at=now,
            lease_until=None,
        )
        for pk, queue in pks:
            transaction.on_commit(partial(enqueue, pk, queue), robust=True)
    logger.info("%s outbox email(s) queued again by hand.", len(pks))
    return len(pks)


def give_up(*, emails: models.QuerySet[OutboxEmail]) -> int:
    """Stop trying ``emails`` that are not sent yet (those being sent right now are left alone)."""
    count = emails.filter(state__in=[OutboxState.QUEUED, OutboxState.FAILED]).update(
        state=OutboxState.GIVEN_UP, lease_until=None
    )
    logger.info("%s outbox email(s) given up by hand.", count)
    return count


def wipe_emails_about(obj: models.Model, *, include_subject: bool = False) -> int:
    """Blank the bodies and the addresses of the emails about ``obj`` (the data-protection purge).

    The kind, the language, the dates and the state stay, so that the log still shows that an email went out;
    the subject too, unless ``include_subject``. Emails not sent yet are given up: there is no one left to
    send them to. Running it twice changes nothing more. Returns the number of rows changed.
    """
    rows = OutboxEmail.objects.filter(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk)
    now = timezone.now()
    with transaction.atomic():
        # Also those whose sender died (lease run out): a sweep would take them over with a blank address.
        rows.filter(
            Q(state__in=[OutboxState.QUEUED, OutboxState.FAILED]) | Q(state=OutboxState.SENDING, lease_until__lt=now)
        ).update(state=OutboxState.GIVEN_UP, lease_until=None)
        blank = Q(body_text="", body_html="", recipient_email="", reply_to="", last_error="", context=None)
        if include_subject:
            blank &= Q(subject="")
        values: dict[str, Any] = {
            "body_text": "",
            "body_html": "",
            "recipient_email": "",
            "reply_to": "",
            "last_error": "",
            "context": None,
            "wiped_at": now,
        }
        if include_subject:
            values["subject"] = ""
        count = rows.exclude(blank).update(**values)
    if count:
        logger.info("Wiped %s outbox email(s) about %s #%s.", count, obj._meta.label, obj.pk)
    return count


def delete_emails_about(obj: models.Model) -> int:
    """Delete the emails about ``obj``, keeping how many of each kind went out each day (``DailyCount``).

    For mail that must leave no trace of its recipients once its purpose is over (survey invitations and
    reminders, when their campaign closes). Sent emails count under their kind on the day they went out; the
    others, which will now never go, under ``<kind>:not_sent`` on the day they were written. Returns the number of
    rows deleted; running it again deletes and counts nothing more.
    """
    content_type = ContentType.objects.get_for_model(obj)
    with transaction.atomic():
        rows = OutboxEmail.objects.select_for_update().filter(content_type=content_type, object_id=obj.pk)
        tally: dict[tuple[str, datetime.date], int] = {}
        for kind, state, created_at, sent_at in rows.values_list("kind", "state", "created_at", "sent_at"):
            if state == OutboxState.SENT and sent_at is not None:
                key = (kind, timezone.localdate(sent_at))
            else:
                key = (f"{kind}:not_sent", timezone.localdate(created_at))
            tally[key] = tally.get(key, 0) + 1
        for (kind, day), count in sorted(tally.items()):
            counter, _created = DailyCount.objects.get_or_create(
                content_type=content_type, object_id=obj.pk, kind=kind, date=day
            )
            DailyCount.objects.filter(pk=counter.pk).update(count=F("count") + count)
        deleted, _by_model = OutboxEmail.objects.filter(content_type=content_type, object_id=obj.pk).delete()
    if deleted:
        logger.info("Deleted %s outbox email(s) about %s #%s; daily counts kept.", deleted, obj._meta.label, obj.pk)
    return deleted


# --- Reminders: the daily scan ---------------------------------------------------------------------------


@dataclass
class ReminderLine:
    """One reminder the scan sent (or, in a dry run, would send): what, for whom, and why."""

    provider: str
    kind: str
    recipient: User
    obj: models.Model
    due_date: datetime.date
    threshold: int
    delivery: str = Delivery.IMMEDIATE

    def __str__(self) -> str:
        from qms.notifications.reminders import threshold_label

        return (
            f"{self.kind}: {self.obj._meta.label} #{self.obj.pk} to {self.recipient.get_username()} "
            f"({threshold_label(self.threshold)}, due {self.due_date.isoformat()}; {self.delivery}) "
            f"[{self.provider}]"
        )


@dataclass
class ScanResult:
    today: datetime.date
    sent: list[ReminderLine] = field(default_factory=list)
    already_claimed: int = 0
    errors: list[str] = field(default_factory=list)
    digests: list[User] = field(default_factory=list)


def _item_recipients(item: Any) -> list[User]:
    from qms.core.selectors import role_holders

    if item.recipient is not None:
        users = [item.recipient]
    elif item.role:
        users = list(role_holders(item.unit, item.role).order_by("pk"))
    else:
        users = []
    return [user for user in users if user.is_active and user.email]


def _reminder_context(item: Any, site: SiteInfo, today: datetime.date, threshold: int) -> dict[str, Any]:
    return {
        **item.context,
        "reference": item.reference or str(item.obj.pk),
        "title": "" if item.sensitive else (item.title or str(item.obj)),
        "link": f"{site.site_url}{item.url}" if item.url else site.site_url,
        "due_date": item.due_date,
        "threshold": threshold,
        "days_left": item.days_left(today),
        "overdue": threshold < 0,
        "sensitive": item.sensitive,
        # Which reminder this is: the quality manager's wording of that kind, if any, replaces the default one.
        "reminder_kind": item.claim_kind,
    }


OVERDUE_WEEKDAY = 0  # Monday: the default of the setting REMINDER_OVERDUE_WEEKDAY


def overdue_weekday() -> int:
    """The weekday (0 = Monday) on which digests repeat the overdue section and weekly digests go out."""
    return int(getattr(settings, "REMINDER_OVERDUE_WEEKDAY", OVERDUE_WEEKDAY)) % 7


def _item_label(item: Any) -> str:
    reference = item.reference or str(item.obj.pk)
    return (
        reference if item.sensitive or not (item.title or str(item.obj)) else f"{reference} — {item.title or item.obj}"
    )


def _label_for(item: Any, target: Recipient | None) -> str:
    """The item's label as its digest shows it, in the recipient's language (a title may be translatable text)."""
    with translation.override(target.language if target is not None else settings.LANGUAGE_CODE):
        return _item_label(item)


def claim_reminder(*, item: Any, recipient: User, threshold: int, today: datetime.date) -> ReminderLine | None:
    """Claim one reminder and deliver it, in one transaction; None when it was claimed already.

    The claim row is inserted first: a concurrent scan inserting the same one waits on it (PostgreSQL) and then
    fails on the unique constraint, so only one email (or digest item) is written. The person's preferences
    decide whether it goes at once (urgent and sensitive items always do), waits for their digest, or stays
    out of email (urgent-only).
    """
    from qms.notifications.models import ReminderClaim

    target = resolve_recipient(recipient)
    if target is None:
        return None
    delivery = delivery_for(target, item.event, urgent=item.urgent, delivery=Delivery.DIGEST, sensitive=item.sensitive)
    try:
        with transaction.atomic():
            claim = ReminderClaim.objects.create(
                recipient=recipient,
                content_type=ContentType.objects.get_for_model(item.obj),
                object_id=item.obj.pk,
                kind=item.claim_kind,
                threshold=threshold,
                due_date=item.due_date,
                in_digest=delivery == Delivery.DIGEST,
                urgent=item.urgent,
                module=str(item.module)[:100],
                label=_label_for(item, target)[:300],
                url=item.url[:300],
            )
            if delivery == Delivery.IMMEDIATE:
                claim.email = notify(
                    recipient,
                    item.event,
                    item.obj,
                    urgent=item.urgent,
                    sensitive=item.sensitive,
                    context=_reminder_context(item, site_info(), today, threshold),
                )
                claim.save(update_fields=["email"])
    except IntegrityError:
        return None
    return ReminderLine("", item.claim_kind, recipient, item.obj, item.due_date, threshold, delivery)


@dataclass
class DigestEntry:
    label: str
    link: str
    due_date: datetime.date
    overdue: bool


def _module_name(label: str) -> str:
    """The name of a module (an app label, such as ``actionplans``) in the current language."""
    from django.apps import apps

    try:
        return str(apps.get_app_config(label).verbose_name)
    except LookupError:
        return label


def _digest_sections(entries: list[tuple[bool, str, DigestEntry]]) -> list[dict[str, Any]]:
    """Entries (urgent, module, entry) grouped by urgency (urgent first), then by module, then by due date."""
    sections = []
    for urgent, title in ((True, _("Urgent")), (False, _("To do"))):
        modules: dict[str, list[DigestEntry]] = {}
        for is_urgent, module, entry in entries:
            if is_urgent == urgent:
                modules.setdefault(module, []).append(entry)
        if modules:
            sections.append(
                {
                    "title": title,
                    "modules": [
                        {"name": _module_name(name), "entries": sorted(found, key=lambda e: (e.due_date, e.label))}
                        for name, found in sorted(modules.items())
                    ],
                }
            )
    return sections


def send_digests(
    *, today: datetime.date, overdue: dict[int, list[Any]] | None = None, dry_run: bool = False
) -> list[User]:
    """Write today's digests: for each person, the reminders newly crossed since their previous digest and, on
    the overdue weekday, everything still overdue for them (``overdue``: user pk → items, from today's scan).

    A weekly digest goes out on the overdue weekday only. A digest with nothing in it is not written. Its
    deduplication key is (person, date): a rerun writes nothing more. Returns the people written to.
    """
    from qms.notifications.models import ReminderClaim

    overdue = overdue or {}
    weekday = today.weekday() == overdue_weekday()
    pending: dict[int, list[ReminderClaim]] = {}
    for claim in (
        ReminderClaim.objects.filter(in_digest=True, digested_at__isnull=True, recipient__is_active=True)
        .select_related("recipient")
        .order_by("pk")
    ):
        pending.setdefault(claim.recipient_id, []).append(claim)
    user_ids = set(pending) | (set(overdue) if weekday else set())
    users = User.objects.filter(pk__in=user_ids, is_active=True).exclude(email="").order_by("pk")
    site = site_info()
    written: list[User] = []
    for user in users:
        mode = reminder_mode(user)
        if mode == DigestMode.URGENT_ONLY or (mode == DigestMode.WEEKLY and not weekday):
            continue
        new = pending.get(user.pk, [])
        fresh = [
            (
                claim.urgent,
                claim.module,
                DigestEntry(claim.label, f"{site.site_url}{claim.url}", claim.due_date, claim.threshold < 0),
            )
            for claim in new
        ]
        late = []
        if weekday:
            late = [
                (
                    False,
                    str(item.module),
                    DigestEntry(
                        _label_for(item, resolve_recipient(user)), f"{site.site_url}{item.url}", item.due_date, True
                    ),
                )
                for item in overdue.get(user.pk, [])
                if not item.sensitive
            ]
        if not fresh and not late:
            continue
        written.append(user)
        if dry_run:
            continue
        with transaction.atomic():
            language = _language(user.language)
            with translation.override(language):
                context = {
                    "new_sections": _digest_sections(fresh),
                    "overdue_sections": _digest_sections(late),
                    "digest_date": today,
                }
            email = notify(
                user, "reminder-digest", None, context=context, dedup_key=f"digest:{user.pk}:{today.isoformat()}"
            )
            ReminderClaim.objects.filter(pk__in=[claim.pk for claim in new], digested_at__isnull=True).update(
                digested_at=timezone.now(), email=email
            )
    return written


def send_reminders(*, today: datetime.date | None = None, dry_run: bool = False) -> ScanResult:
    """The daily scan: ask every provider for its items, send each reminder due today once, then the digests.

    ``dry_run`` lists what would be sent and writes nothing. A provider that fails is logged and skipped: the
    others still run.
    """
    from qms.notifications.models import ReminderClaim
    from qms.notifications.reminders import providers

    today = today or timezone.localdate()
    result = ScanResult(today=today)
    overdue: dict[int, list[Any]] = {}
    for name, provider in sorted(providers().items()):
        try:
            items = list(provider(today))
        except Exception as exc:  # noqa: BLE001 - one broken provider must not stop the others
            logger.exception("Reminder provider %s failed.", name)
            result.errors.append(f"{name}: {type(exc).__name__}")
            continue
        for item in items:
            threshold = item.threshold_crossed(today)
            if threshold is None:
                continue
            for recipient in _item_recipients(item):
                if threshold < 0:
                    overdue.setdefault(recipient.pk, []).append(item)
                if dry_run:
                    claimed = ReminderClaim.objects.filter(
                        recipient=recipient,
                        content_type=ContentType.objects.get_for_model(item.obj),
                        object_id=item.obj.pk,
                        kind=item.claim_kind,
                        threshold=threshold,
                        due_date=item.due_date,
                    ).exists()
                    if claimed:
                        result.already_claimed += 1
                    else:
                        target = resolve_recipient(recipient)
                        delivery = delivery_for(
                            target, item.event, urgent=item.urgent, delivery=Delivery.DIGEST, sensitive=item.sensitive
                        )
                        result.sent.append(
                            ReminderLine(name, item.claim_kind, recipient, item.obj, item.due_date, threshold, delivery)
                        )
                    continue
                line = claim_reminder(item=item, recipient=recipient, threshold=threshold, today=today)
                if line is None:
                    result.already_claimed += 1
                else:
                    line.provider = name
                    result.sent.append(line)
    result.digests = send_digests(today=today, overdue=overdue, dry_run=dry_run)
    logger.info(
        "Reminder scan of %s: %s reminder(s), %s already claimed, %s digest(s)%s.",
        today.isoformat(),
        len(result.sent),
        result.already_claimed,
        len(result.digests),
        " (dry run)" if dry_run else "",
    )
    return result


# --- Profile: preferences and the calendar link --------------------------------------------------------


@transaction.atomic
def update_profile(*, user: User, language: str, mode: str) -> None:
    """Record ``user``'s language and how they receive reminders."""
    from qms.notifications.models import ReminderPreference

    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    ReminderPreference.objects.update_or_create(user=user, defaults={"mode": mode})


@transaction.atomic
def regenerate_calendar_token(*, user: User) -> str:
    """Make ``user`` a new calendar token and return it (to show once); the previous link stops working."""
    from qms.core.tokens import make_token
    from qms.notifications.models import ReminderPreference

    token, token_hash = make_token()
    ReminderPreference.objects.update_or_create(
        user=user, defaults={"calendar_token_hash": token_hash, "calendar_token_created_at": timezone.now()}
    )
    logger.info("Calendar link of user %s made anew.", user.pk)
    return token


@transaction.atomic
def revoke_calendar_token(*, user: User) -> None:
    """Stop ``user``'s calendar link."""
    from qms.notifications.models import ReminderPreference

    ReminderPreference.objects.filter(user=user).update(calendar_token_hash="", calendar_token_created_at=None)


def calendar_feed(user: User) -> bytes:
    """``user``'s deadlines as an iCalendar file (all-day events, one per deadline)."""
    import icalendar

    from qms.notifications.reminders import calendar_entries

    site = site_info()
    calendar = icalendar.Calendar()
    calendar.add("prodid", f"-//{site.institution_name}//QMS//FR")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"{site.institution_name} — {user.get_full_name() or user.get_username()}")
    stamp = timezone.now()
    for entry in calendar_entries(user):
        event = icalendar.Event()
        event.add("uid", f"{entry.uid}@{site.domain}")
        event.add("dtstamp", stamp)
        event.add("dtstart", entry.due_date)
        event.add("dtend", entry.due_date + datetime.timedelta(days=1))
        event.add("summary", entry.summary)
        if entry.url:
            event.add("url", f"{site.site_url}{entry.url}")
        calendar.add_component(event)
    return calendar.to_ical()


# --- The quality manager's wording of reminders ------------------------------------------------------------------


def _check_wording(kind: Any, subject: str, body: str) -> None:
    from qms.notifications.wording import unknown_placeholders

    unknown = unknown_placeholders(f"{subject}\n{body}", kind.allowed_placeholders)
    if unknown:
        raise NotificationError(
            _("Unknown placeholder(s): %(names)s.") % {"names": ", ".join(f"{{{name}}}" for name in unknown)}
        )


def _wording_kind(kind: str) -> Any:
    from qms.notifications.reminders import reminder_kind

    found = reminder_kind(kind)
    if found is None:
        raise NotificationError(_("There is no kind of reminder “%(kind)s”.") % {"kind": kind})
    return found


@transaction.atomic
def reminder_wording_save(*, kind: str, language: str, subject: str, body: str, by: User | None) -> Any:
    """Record the quality manager's wording of ``kind`` in ``language`` (a blank part keeps the default one).

    Raises ``NotificationError`` for an unknown kind or language, a placeholder the kind does not have, or nothing
    written at all."""
    from qms.core.services import log_activity
    from qms.notifications.models import ReminderWording

    found = _wording_kind(kind)
    if language not in dict(settings.LANGUAGES):
        raise NotificationError(_("“%(language)s” is not a language of the site.") % {"language": language})
    subject, body = subject.strip(), body.strip()
    if not subject and not body:
        raise NotificationError(_("Write a subject, a body or both; to go back to the default wording, revert it."))
    _check_wording(found, subject, body)
    wording, created = ReminderWording.objects.update_or_create(
        kind=kind, language=language, defaults={"subject": subject, "body": body, "updated_by": by}
    )
    log_activity(
        obj=wording,
        verb="reminder_wording.created" if created else "reminder_wording.updated",
        by=by,
        details={"kind": kind, "language": language},
    )
    return wording


@transaction.atomic
def reminder_wording_revert(*, kind: str, language: str, by: User | None) -> bool:
    """Go back to the default wording of ``kind`` in ``language``; False when it had none of its own."""
    from qms.core.services import log_activity
    from qms.notifications.models import ReminderWording

    wording = ReminderWording.objects.select_for_update().filter(kind=kind, language=language).first()
    if wording is None:
        return False
    log_activity(obj=wording, verb="reminder_wording.reverted", by=by, details={"kind": kind, "language": language})
    wording.delete()
    return True


def sample_reminder_context(kind: Any, *, today: datetime.date | None = None) -> dict[str, Any]:
    """What a preview of ``kind`` is rendered with: a made-up item due in 7 days, with the kind's own samples."""
    today = today or timezone.localdate()
    due = today + datetime.timedelta(days=7)
    site = site_info()
    return {
        "reference": "REF-2026-001",
        "title": _("Title of the item"),
        "item_label": str(kind.label),
        "link": f"{site.site_url}/",
        "due_date": due,
        "threshold": 7,
        "days_left": 7,
        "overdue": False,
        "sensitive": False,
        **kind.sample,
        "reminder_kind": kind.key,
    }


def preview_reminder(*, kind: str, language: str, user: User, wording: Any = None) -> RenderedEmail:
    """The email of ``kind`` in ``language`` as ``user`` would receive it for a sample item: with ``wording`` (an
    unsaved ``ReminderWording``, the text being edited), else the default. Nothing is written."""
    found = _wording_kind(kind)
    recipient = Recipient(email=user.email or "preview@example.invalid", language=language, user=user)
    with translation.override(language):
        sample = sample_reminder_context(found)
    context = email_context(recipient, "reminder", None, site_info(), sample)
    return render_email("reminder", language=language, context=context, wording=wording)

"""Public forms and token pages: what every page open without an account shares.

There are two kinds of public page, and an app builds them from the pieces below instead of copying another
app's:

- **A public form** (the helpdesk's form, "Lost your link?", a tracking-code lookup): a ``PublicForm`` carries a
  honeypot and a signed fill-time stamp; its view refuses an oversized body before reading it
  (``body_too_large``), peeks at its rate limit and counts only the submissions that go through
  (``rate_reached``/``count_attempt``, so that a mistyped form costs nothing), and stores a submission once
  (``single_submission``: the stamp is spent in the same transaction as what it creates, and an identical
  submission within minutes gets the first one's answer). The view mixes in ``RefillAfterCsrfFailure``: when a
  post fails the CSRF check (a form left open past the cookie's life, cookies cleared), the project's CSRF
  failure page (``qms.core.errors.csrf_failure``) gives the form back with what was typed, files excepted.
- **A token page** (a tracking page, a survey answer page): reached through a secret link. ``token_page``
  resolves the token (``find_by_token``: looked up by its hash, compared in constant time), limits the rate by
  address and by token, answers a bare 404 for a wrong token, and sends the private headers (``private_page``:
  no referrer, no cache, no indexing). Its templates extend ``public/private_base.html``.

Why token pages are exempt from Django's CSRF check
    A token page is sent with ``Referrer-Policy: no-referrer``, so that its address (the secret) never leaks
    to another site through the ``Referer`` header. Chromium then posts that page's own forms with
    ``Origin: null``, which Django's origin check refuses: the page's forms would never work. The check is not
    needed there: a forged cross-site form must name the page's address, and only the holder of the link knows
    it. So a token page is ``csrf_exempt``, and the secret link does the job of the CSRF token. Public forms
    at a well-known address (the helpdesk's form, the lookup) keep the CSRF check. The language switcher of a
    no-referrer page posts to Django's ``set_language``, which keeps its check: the page includes
    ``public/_no_referrer_language.html``, which posts it with a same-origin referrer policy.

Sessions and time
    Nothing here writes a session row, a message or anything that dates a visit: the CSRF token lives in its
    cookie, the stamp in the form, the rate-limit counters in the cache. A spent stamp is a row keyed by a hash
    of the stamp; it records when the *form was shown* (for its expiry), never when it was sent, and nothing
    that links it to what was stored unless the view asks (``Claim.record``) for the duplicate answer. An
    anonymous survey answer page calls ``single_submission`` without a fingerprint and never records.

The limits are settings (environment variables listed in ``.env.example``): the views name the setting of their
rate (``"COMPLAINTS_SUBMIT_RATE"``), read at each request; the fill time, the stamp's life and the window of
identical submissions are ``PUBLIC_FORM_MIN_FILL_SECONDS``, ``PUBLIC_FORM_MAX_AGE_HOURS`` and
``PUBLIC_FORM_REPEAT_MINUTES``.
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import secrets
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import Any, ClassVar

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.db.models import Case, Q, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django_ratelimit.core import get_usage

from qms.core.text import SafeTextMixin
from qms.core.tokens import hash_token, looks_like_token, token_matches

# --- Private headers ---------------------------------------------------------------------------------------------
PRIVATE_HEADERS = {
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex, nofollow",
    "Cache-Control": "no-store, private",
}


def private_headers(response: HttpResponse) -> HttpResponse:
    """Mark ``response`` private: no referrer (its address may be a secret), no caching, no indexing."""
    for header, value in PRIVATE_HEADERS.items():
        response[header] = value
    return response


def private_page(view: Callable) -> Callable:
    """A view decorator: every response of ``view`` gets the private headers."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        return private_headers(view(*args, **kwargs))

    return wrapper


# --- Body size -----------------------------------------------------------------------------------------------
def body_too_large(request: HttpRequest, max_bytes: int) -> bool:
    """Whether the request announces a body above ``max_bytes`` (or a malformed length): refuse it without
    reading it. (On a CSRF-protected form Django's CSRF check has read the body already; the refusal still
    comes before any validation or storage.)"""
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0) > max_bytes
    except ValueError:
        return True


# --- Rate limits ---------------------------------------------------------------------------------------------
# Counters live in the cache (Redis in production, shared by every process); the address is read through
# RATELIMIT_IP_META_KEY (qms.core.net.client_ip), behind trusted proxies only.
BY_ADDRESS = "ip"
POST_ONLY = ("POST",)
EVERY_METHOD = ("GET", "HEAD", "POST")


def by_secret(value: str) -> Callable[[str, HttpRequest], str]:
    """A rate-limit key for a secret (a token, an email address): its hash, so the secret never reaches the
    cache."""
    digest = hash_token(value)
    return lambda group, request: digest


def _usage(request, setting, *, key, group, methods, increment) -> dict | None:
    rate = getattr(settings, setting)
    return get_usage(request, group=group or setting, key=key, rate=rate, method=list(methods), increment=increment)


def rate_exceeded(
    request: HttpRequest, setting: str, *, key=BY_ADDRESS, group: str | None = None, methods=POST_ONLY
) -> bool:
    """Count this request against the rate in ``settings.<setting>`` (such as ``"10/h"``) and say whether it
    goes over. For limits where every request counts (a token page, a lookup)."""
    usage = _usage(request, setting, key=key, group=group, methods=methods, increment=True)
    return bool(usage and usage["should_limit"])


def rate_reached(
    request: HttpRequest, setting: str, *, key=BY_ADDRESS, group: str | None = None, methods=POST_ONLY
) -> bool:
    """Whether one more counted request would go over the rate, without counting this one: a form peeks
    first, and counts with ``count_attempt`` only what went through."""
    usage = _usage(request, setting, key=key, group=group, methods=methods, increment=False)
    if usage is None:
        return False
    return usage["should_limit"] or usage["count"] >= usage["limit"]


def count_attempt(
    request: HttpRequest, setting: str, *, key=BY_ADDRESS, group: str | None = None, methods=POST_ONLY
) -> None:
    """Count this request against the rate (after it went through)."""
    _usage(request, setting, key=key, group=group, methods=methods, increment=True)


def too_many_requests(request: HttpRequest, message: str | None = None) -> HttpResponse:
    """The translated 429 page, in the site layout; ``message`` says which limit, if it helps."""
    message = message or _("Too many attempts from your connection. Please wait a few minutes and try again.")
    return render(request, "429.html", {"message": message}, status=429)


def not_found(request: HttpRequest) -> HttpResponse:
    """A 404 that says nothing of whether anything exists."""
    return render(request, "404.html", status=404)


# --- Tokens ----------------------------------------------------------------------------------------------------
def find_by_token(queryset: models.QuerySet, token: str, *, field: str = "token_hash") -> models.Model | None:
    """The row of ``queryset`` whose ``field`` holds the hash of ``token``, or None (malformed, unknown). The
    database finds it by its hash; the final comparison is made in constant time all the same."""
    if not looks_like_token(token):
        return None
    found = queryset.filter(**{field: hash_token(token)}).first()
    if found is None or not token_matches(token, getattr(found, field) or ""):
        return None
    return found


def token_page(
    *,
    lookup: Callable[[str], Any | None],
    rate_by_address: str,
    rate_by_token: str,
    group: str,
) -> Callable[[Callable], Callable]:
    """Decorate a view reached through a secret link: ``view(request, obj, token, *args, **kwargs)``.

    ``lookup(token)`` returns the object or None (a bare 404). Every request, whatever its method, counts
    against ``settings.<rate_by_address>`` for the address and ``settings.<rate_by_token>`` for the token (which
    follows the link from any address). The view is public, never cached, sent with the private headers and
    exempt from the CSRF check (see the module's docstring for why that is safe)."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request: HttpRequest, token: str, *args, **kwargs) -> HttpResponse:
            by_address = rate_exceeded(request, rate_by_address, group=f"{group}:address", methods=EVERY_METHOD)
            by_token = rate_exceeded(
                request, rate_by_token, key=by_secret(token), group=f"{group}:token", methods=EVERY_METHOD
            )
            if by_address or by_token:
                return too_many_requests(request)
            obj = lookup(token)
            if obj is None:
                return not_found(request)
            return view(request, obj, token, *args, **kwargs)

        return csrf_exempt(login_not_required(never_cache(private_page(wrapper))))

    return decorator


# --- The fill-time stamp -------------------------------------------------------------------------------------
_STAMP_SALT = "qms.core.public.stamp"
# Clocks of two servers may differ a little: a stamp from a few seconds in the future is not a forgery.
_CLOCK_SKEW = 30


@dataclasses.dataclass(frozen=True)
class Stamp:
    """When a public form was shown (signed, carried by the form), for which form, and a random nonce that
    makes it single-use."""

    form: str
    issued_at: float
    nonce: str

    @property
    def key(self) -> str:
        return hash_token(f"{self.form}:{self.nonce}")

    @property
    def expires_at(self) -> datetime.datetime:
        return datetime.datetime.fromtimestamp(self.issued_at, tz=datetime.UTC) + max_age()


def max_age() -> datetime.timedelta:
    return datetime.timedelta(hours=settings.PUBLIC_FORM_MAX_AGE_HOURS)


def sign_stamp(form: str, *, at: float | None = None) -> str:
    """A signed stamp of form ``form`` shown at ``at`` (now by default)."""
    issued = round(at if at is not None else time.time(), 3)
    return signing.dumps({"f": form, "t": issued, "n": secrets.token_urlsafe(16)}, salt=_STAMP_SALT)


def read_stamp(form: str, value: str) -> Stamp | None:
    """The stamp in ``value`` if it is genuine, of form ``form`` and not expired; else None."""
    try:
        data = signing.loads(value or "", salt=_STAMP_SALT)
        stamp = Stamp(form=str(data["f"]), issued_at=float(data["t"]), nonce=str(data["n"]))
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    age = time.time() - stamp.issued_at
    if stamp.form != form or age > max_age().total_seconds() or age < -_CLOCK_SKEW:
        return None
    return stamp


STAMP_FIELD = "started"
HONEYPOT_FIELD = "website"


class PublicForm(SafeTextMixin, forms.Form):
    """The base of a public form: bidirectional controls removed from its text, a honeypot (hidden from people,
    filled by robots) and a signed fill-time stamp, refused when missing, altered, expired or too recent.

    Subclasses name their stamp: ``stamp_name = "complaints.public-form"``. A form shown again after an error
    keeps its stamp (so that the next try can go through); a missing or refused one is replaced by a fresh one.
    ``self.stamp`` is the stamp read (None when refused), for ``single_submission``."""

    stamp_name: ClassVar[str] = ""

    website = forms.CharField(
        label=gettext_lazy("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    started = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.stamp_name:
            raise TypeError(f"{type(self).__name__} must name its stamp (stamp_name).")
        self.stamp: Stamp | None = None
        if self.is_bound:
            self.stamp = read_stamp(self.stamp_name, self.data.get(self.add_prefix(STAMP_FIELD), ""))
            if self.stamp is None:
                # Shown again with a fresh stamp, so that the next try can go through.
                self.data = self.data.copy()
                self.data[self.add_prefix(STAMP_FIELD)] = sign_stamp(self.stamp_name)
        else:
            self.initial[STAMP_FIELD] = sign_stamp(self.stamp_name)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get(HONEYPOT_FIELD):
            # Said vaguely, on purpose: a robot learns nothing from it.
            raise ValidationError(gettext_lazy("Your request could not be sent. Please try again."), code="honeypot")
        if self.stamp is None:
            raise ValidationError(
                gettext_lazy("The form has expired or was altered. Please check your entries and send it again."),
                code="no_timestamp",
            )
        if time.time() - self.stamp.issued_at < settings.PUBLIC_FORM_MIN_FILL_SECONDS:
            raise ValidationError(
                gettext_lazy("The form was sent too quickly. Please check your entries and send it again."),
                code="too_fast",
            )
        return cleaned


# --- An empty form's page, from the cache ------------------------------------------------------------------------
# Written where each visitor's own values go in a page kept in the cache: letters only, so that no escaping
# changes them.
CSRF_PLACEHOLDER = "qmsCsrfTokenPlaceholder"
STAMP_PLACEHOLDER = "qmsFillTimeStampPlaceholder"
EMPTY_PAGE_SECONDS = 600
# Part of the page's key: each process (a deployment restarts them) makes its own, so that a page cached before a
# deployment, with the templates and static files of the code before, is never served after it.
_PROCESS_KEY = secrets.token_hex(4)


def empty_form_page(
    request: HttpRequest, *, name: str, stamp_name: str, render_page: Callable[[dict[str, str]], HttpResponse]
) -> HttpResponse:
    """The page of an empty public form, the same for every visitor but for its CSRF token and fill-time stamp:
    rendered once per language, version of the configuration (``qms.core.config_cache``: units, settings …) and
    process, kept in the shared cache, and given each visitor's own token and stamp: every submission fetches a
    form first.

    ``render_page(values)`` renders the page as usual; ``values`` (the placeholders, when the page is made for the
    cache) are its context's ``csrf_token`` and the form's initial stamp. A signed-in visitor, a query string or a
    message waiting gets the page rendered for them alone."""
    from django.contrib import messages
    from django.core.cache import cache
    from django.middleware.csrf import get_token
    from django.utils import translation

    from qms.core import config_cache

    if request.user.is_authenticated or request.GET or len(messages.get_messages(request)):
        return render_page({})
    key = f"public:empty-page:{name}:{translation.get_language()}:{config_cache.version()}:{_PROCESS_KEY}"
    page = cache.get(key)
    if page is None:
        made = render_page({"csrf_token": CSRF_PLACEHOLDER, "stamp": STAMP_PLACEHOLDER})
        page = made.content.decode(made.charset)
        if made.status_code != 200 or STAMP_PLACEHOLDER not in page:
            return render_page({})
        cache.set(key, page, EMPTY_PAGE_SECONDS)
    page = page.replace(CSRF_PLACEHOLDER, get_token(request)).replace(STAMP_PLACEHOLDER, sign_stamp(stamp_name))
    return HttpResponse(page)


class EmptyFormFromCache:
    """A public form view whose empty page comes from the cache (``empty_form_page``). The view names its
    ``form_class`` (a ``PublicForm``) and renders its page with ``form_page(request, form, **context)``."""

    def get(self, request: HttpRequest) -> HttpResponse:
        view = type(self)
        return empty_form_page(
            request,
            name=f"{view.__module__}.{view.__qualname__}",
            stamp_name=self.form_class.stamp_name,
            render_page=self._empty_page,
        )

    def _empty_page(self, values: dict[str, str]) -> HttpResponse:
        form = self.form_class()
        if "stamp" in values:
            form.initial[STAMP_FIELD] = values["stamp"]
        context = {"csrf_token": values["csrf_token"]} if "csrf_token" in values else {}
        return self.form_page(self.request, form, **context)


# --- One submission per stamp --------------------------------------------------------------------------------
def submission_fingerprint(request: HttpRequest, form: str, values: Iterable[Any]) -> str:
    """What makes two submissions "the same": the same browser (its CSRF cookie), the same form and the same
    values. Two people who send the same text from two browsers are two submissions, even behind one address.
    Without the cookie (a CSRF-exempt form) nothing tells the browser: "" (only the stamp makes a repeat)."""
    browser = request.COOKIES.get(settings.CSRF_COOKIE_NAME, "")
    if not browser:
        return ""
    digest = hashlib.sha256()
    for part in (browser, form, *values):
        digest.update(repr(part).encode("utf-8"))
        digest.update(b"\x00")
    return digest.hexdigest()


class Claim:
    """The outcome of claiming a stamp in ``single_submission``: either a first submission (``is_repeat`` is
    False: create what the form asks, then ``record(obj)`` if a repeat should be answered with it), or a
    repeat of an earlier one (``earlier``: what it recorded, or None)."""

    def __init__(self, row, *, earlier_row=None) -> None:
        self._row = row
        self.is_repeat = earlier_row is not None
        self._earlier_row = earlier_row

    @property
    def earlier(self) -> models.Model | None:
        row = self._earlier_row
        if row is None or row.content_type_id is None or row.object_id is None:
            return None
        model = ContentType.objects.get_for_id(row.content_type_id).model_class()
        return model._default_manager.filter(pk=row.object_id).first() if model else None

    def record(self, obj: models.Model) -> None:
        """Remember ``obj`` as what this submission created, so that a repeat is answered with it."""
        if self.is_repeat:
            raise RuntimeError("A repeated submission records nothing.")
        self._row.content_type = ContentType.objects.get_for_model(obj)
        self._row.object_id = obj.pk
        self._row.save(update_fields=["content_type", "object_id"])


@contextmanager
def single_submission(stamp: Stamp, *, fingerprint: str = "") -> Iterator[Claim]:
    """Spend ``stamp`` in a transaction with what the block creates.

    The block runs in ``transaction.atomic()``. The stamp is spent (a row keyed by its hash) before the block,
    in the same transaction: if the block fails, nothing is spent; if two requests carry the same stamp (a
    double click, a browser retry, a replay), one commits and the other gets ``claim.is_repeat``, with what
    the first recorded. With a ``fingerprint`` (``submission_fingerprint``), an identical submission from the
    same browser within ``PUBLIC_FORM_REPEAT_MINUTES``, on a fresh form, is a repeat too.

    One statement before the block when the submission is new (the usual case): the stamp is spent unless it
    is spent already or an identical submission is still answered. Only then is the earlier one looked up.
    Expired rows are removed by a periodic job (``purge_spent_stamps``), not here."""
    from qms.core.models import SpentStamp

    now = timezone.now()
    with transaction.atomic():
        repeat_until = now + datetime.timedelta(minutes=settings.PUBLIC_FORM_REPEAT_MINUTES) if fingerprint else None
        row = SpentStamp(
            key=stamp.key,
            form=stamp.form[:100],
            fingerprint=fingerprint,
            repeat_until=repeat_until,
            expires_at=max(stamp.expires_at, repeat_until or stamp.expires_at),
        )
        if _spend(row, identical_since=now if fingerprint else None):
            yield Claim(row)
            return
        # Spent already (a double click; or a twin request, whose commit PostgreSQL waited for), or identical to
        # a recent submission: the stamp itself first, else the latest identical submission.
        lookup = Q(key=stamp.key)
        if fingerprint:
            lookup |= Q(fingerprint=fingerprint, repeat_until__gte=now)
        earlier = (
            SpentStamp.objects.filter(lookup).order_by(Case(When(key=stamp.key, then=0), default=1), "-pk").first()
        )
        if earlier is None and _spend(row):
            # What stood in its way is gone meanwhile (purged): a first submission after all.
            yield Claim(row)
            return
        yield Claim(None, earlier_row=earlier or SpentStamp.objects.get(key=stamp.key))


def _spend(row, *, identical_since: datetime.datetime | None = None) -> bool:
    """Insert ``row`` unless its key is taken or, with ``identical_since``, a row with its fingerprint is answered
    as a repeat at that time (one statement, no savepoint); True when inserted."""
    quote = connection.ops.quote_name
    table = quote(row._meta.db_table)
    columns = ("key", "form", "fingerprint", "repeat_until", "expires_at")
    adapt = connection.ops.adapt_datetimefield_value
    values = [row.key, row.form, row.fingerprint, adapt(row.repeat_until), adapt(row.expires_at)]
    names = ", ".join(quote(column) for column in columns)
    placeholders = ", ".join(["%s"] * len(columns))
    # PostgreSQL and SQLite (3.35 and later) both read INSERT … SELECT … WHERE … ON CONFLICT DO NOTHING …
    # RETURNING (SQLite needs the WHERE to tell the upsert from a join).
    condition = "1 = 1"
    if identical_since is not None:
        condition = (
            f"NOT EXISTS (SELECT 1 FROM {table} WHERE {quote('fingerprint')} = %s AND {quote('repeat_until')} >= %s)"
        )
        values += [row.fingerprint, adapt(identical_since)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({names}) SELECT {placeholders} WHERE {condition} "
            f"ON CONFLICT ({quote('key')}) DO NOTHING RETURNING {quote('id')}",
            values,
        )
        inserted = cursor.fetchone()
    if inserted is None:
        return False
    row.pk = inserted[0]
    row._state.adding = False
    return True


def purge_spent_stamps(*, now: datetime.datetime | None = None) -> int:
    """Remove the spent stamps whose form has expired (and whose repeat window is over): a periodic job
    (``core-purge-spent-stamps``, ``manage.py purge_spent_stamps``). Returns the number removed."""
    from qms.core.models import SpentStamp

    deleted, _by_model = SpentStamp.objects.filter(expires_at__lt=now or timezone.now()).delete()
    return deleted


# --- The form back after a CSRF failure ----------------------------------------------------------------------
def refilled_form(form_class: type[forms.BaseForm], data, *, exclude: Iterable[str] = (), **kwargs) -> forms.BaseForm:
    """A fresh, unbound ``form_class`` showing what ``data`` holds (files, the honeypot and the stamp excepted:
    a fresh stamp comes with the fresh form), without any error message."""
    bound = form_class(data=data, **kwargs)
    skipped = {*exclude, STAMP_FIELD, HONEYPOT_FIELD}
    initial = {}
    for name, field in bound.fields.items():
        if name in skipped or isinstance(field, forms.FileField):
            continue
        if field.widget.value_omitted_from_data(bound.data, {}, bound.add_prefix(name)):
            continue
        initial[name] = bound[name].value()
    kwargs.pop("initial", None)
    return form_class(initial=initial, **kwargs)


class RefillAfterCsrfFailure:
    """Mix into a public form view (a class-based view with ``form_class`` and ``template_name``) so that a post
    refused by the CSRF check comes back as the form, filled with what was typed, ready to send again.

    ``qms.core.errors.csrf_failure`` (the project's ``CSRF_FAILURE_VIEW``) finds the view by the failing path and
    calls ``refill_after_csrf_failure``. Override ``form_page`` to render with the view's own context."""

    form_class: type[forms.BaseForm]
    template_name: str

    def get_refill_kwargs(self) -> dict:
        return {}

    def refill_after_csrf_failure(self, request: HttpRequest) -> HttpResponse:
        form = refilled_form(self.form_class, request.POST, **self.get_refill_kwargs())
        return self.form_page(request, form, status=403, csrf_refilled=True, files_lost=bool(request.FILES))

    def form_page(self, request: HttpRequest, form, *, status: int = 200, **context) -> HttpResponse:
        return render(request, self.template_name, {"form": form, **context}, status=status)


def refillable_view(request: HttpRequest) -> RefillAfterCsrfFailure | None:
    """The view that ``request`` was posted to, set up, when it gives its form back after a CSRF failure."""
    if request.method != "POST":
        return None
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None
    view_class = getattr(match.func, "view_class", None)
    if view_class is None or not issubclass(view_class, RefillAfterCsrfFailure):
        return None
    view = view_class(**getattr(match.func, "view_initkwargs", {}))
    view.setup(request, *match.args, **match.kwargs)
    return view

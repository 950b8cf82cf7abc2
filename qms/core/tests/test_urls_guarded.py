"""Deny by default: walk every URL of the project and open it as an anonymous visitor, then as a signed-in user
who holds no role and no membership.

A view is public when its URL name starts with ``public-`` (the convention for the complaints form and tracking
pages and any later public page) or when it is in the PUBLIC allow-list below. Every other view must send an
anonymous visitor to a login page, or answer 403, 404 or 405: never 200, and never a server error.

Signed in with no role, a user may open only the pages declared open to every signed-in person
(``qms.core.access``: core's list, and each app's ``<app>/access.py``); every other back-office page refuses them
with 403 or 404 (or 405 for a method it does not take), and never sends them to a login page they have already
passed. The Django admin keeps its own rule: staff with a second factor, others sent to its login.

New URLs are picked up without touching this test; a new public page needs a ``public-`` name or an entry in
PUBLIC, a new page open to all signed-in people an entry in its app's ``access.py``.
"""

from __future__ import annotations

import re
from re import _constants as sre
from re import _parser as sre_parse
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse, HttpResponseForbidden, HttpResponseRedirect
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls import path as route
from django.urls.exceptions import Resolver404
from django.views.generic import RedirectView

from qms.core.access import is_open_to_signed_in, open_to_signed_in
from qms.core.factories import UserFactory

# Public views that do not follow the ``public-`` naming convention: the landing and legal pages, the health
# check, the language switch and translations, and the pages of signing in.
PUBLIC = frozenset(
    {
        "core:landing",
        "core:accessibility",
        "core:legal",
        "core:privacy",
        "healthz",
        "set_language",
        "javascript-catalog",
        "two_factor:login",
        "login",
        "password_reset",
        "password_reset_done",
        "password_reset_confirm",
        "password_reset_complete",
        "admin:login",
    }
)

# Where a guarded view may send an anonymous visitor.
LOGIN_VIEWS = frozenset({"two_factor:login", "login", "admin:login"})
GUARDED_STATUSES = frozenset({301, 302, 303, 307, 403, 404, 405})


def is_public(view_name: str | None) -> bool:
    if not view_name:
        return False
    return view_name in PUBLIC or view_name.rsplit(":", 1)[-1].startswith("public-")


# --- Walking the URLconf -------------------------------------------------------------------------------------


def _sample(parsed) -> str:
    """A string that matches the parsed regular expression: the first branch, one repetition, a plain value."""
    out = []
    for op, arg in parsed:
        if op is sre.LITERAL:
            out.append(chr(arg))
        elif op is sre.NOT_LITERAL:
            out.append("x" if chr(arg) != "x" else "y")
        elif op is sre.ANY:
            out.append("x")
        elif op is sre.IN:
            out.append(_sample_set(arg))
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT):
            low, high, sub = arg
            out.append(_sample(sub) * (min(max(low, 1), high) if high else 0))
        elif op is sre.SUBPATTERN:
            out.append(_sample(arg[-1]))
        elif op is sre.BRANCH:
            out.append(_sample(arg[1][0]))
        elif op in (sre.AT, sre.ASSERT, sre.ASSERT_NOT):
            continue
        else:
            raise ValueError(f"cannot build a sample for {op}")
    return "".join(out)


def _sample_set(items) -> str:
    if items and items[0][0] is sre.NEGATE:
        return "x"  # the negated sets of URL patterns ([^/] and the like) never exclude a plain letter
    op, arg = items[0]
    if op is sre.LITERAL:
        return chr(arg)
    if op is sre.RANGE:
        low, high = arg
        return "1" if low <= ord("1") <= high else chr(low)
    if op is sre.CATEGORY:
        return "1" if arg is sre.CATEGORY_DIGIT else "x"
    raise ValueError(f"cannot build a sample for {op}")


def sample_path(regex: str) -> str:
    return _sample(sre_parse.parse(regex))


def walk(patterns, prefix: str = "") -> list[tuple[str, str]]:
    """(path, pattern description) for every URL pattern, nested includes resolved, converters filled in."""
    found = []
    for pattern in patterns:
        path = prefix + sample_path(pattern.pattern.regex.pattern)
        if isinstance(pattern, URLResolver):
            found.extend(walk(pattern.url_patterns, path))
        elif isinstance(pattern, URLPattern):
            found.append(("/" + path, f"{prefix}{pattern.pattern} ({pattern.name or pattern.lookup_str})"))
    return found


def project_urls() -> list[tuple[str, str]]:
    unique: dict[str, str] = {}
    for path, description in walk(get_resolver().url_patterns):
        unique.setdefault(path, description)
    return sorted(unique.items())


URLS = project_urls()


def resolves(path: str) -> bool:
    try:
        resolve(path)
    except Resolver404:
        return False
    return True


def test_every_generated_path_resolves():
    """A converter that refuses the sample value would hide its view from the checks below: give it a value."""
    assert [f"{path} ({description})" for path, description in URLS if not resolves(path)] == []


def test_the_walk_finds_the_urls_of_every_part_of_the_project():
    names = {resolve(path).view_name for path, _description in URLS}
    assert {"core:landing", "core:home", "healthz", "two_factor:login", "admin:index"} <= names
    assert len(URLS) > 50


def test_the_walk_fills_path_converters():
    assert sample_path(r"^plans/(?P<pk>[0-9]+)/\Z") == "plans/1/"
    assert sample_path(r"^suivi/(?P<token>[^/]+)/\Z") == "suivi/x/"
    assert re.fullmatch(
        r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
        sample_path(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"),
    )
    assert sample_path(r"^(?P<app_label>auth|core)/$") == "auth/"


# --- Anonymous visits --------------------------------------------------------------------------------------

REDIRECTS = (301, 302, 303, 307)


def redirects_to_login(response) -> bool:
    location = response.get("Location", "")
    try:
        return resolve(urlsplit(location).path).view_name in LOGIN_VIEWS
    except Resolver404:
        return False


def anonymous_problems(path: str, description: str = "") -> list[str]:
    """What is wrong with ``path`` for an anonymous visitor: nothing for a guarded or a public view."""
    match = resolve(path)
    label = f"{path} ({description or match.view_name or match._func_path})"
    client = Client(raise_request_exception=True)
    methods = ["get"] if is_public(match.view_name) else ["get", "post"]
    problems = []
    for method in methods:
        try:
            response = getattr(client, method)(path)
        except Exception as exc:  # noqa: BLE001 - a crash is a finding, reported with the path
            problems.append(f"{method.upper()} {label} raised {exc.__class__.__name__}: {exc}")
            continue
        if response.status_code >= 500:
            problems.append(f"{method.upper()} {label} answered {response.status_code}")
        elif is_public(match.view_name):
            continue
        elif response.status_code not in GUARDED_STATUSES:
            problems.append(
                f"{method.upper()} {label} answered {response.status_code} to an anonymous visitor: guard the view, "
                "or name it public-… if it is meant to be public"
            )
        elif response.status_code in REDIRECTS and not redirects_to_login(response):
            problems.append(f"{method.upper()} {label} redirected to {response['Location']}, not to a login page")
    return problems


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "description"), [url for url in URLS if resolves(url[0])], ids=str)
def test_an_anonymous_visitor_cannot_open_a_non_public_view(path, description):
    assert anonymous_problems(path, description) == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [path for path, _ in URLS if resolves(path) and is_public(resolve(path).view_name) and not resolve(path).kwargs],
)
def test_public_pages_open_without_signing_in(client, path):
    response = client.get(path)
    assert response.status_code < 500
    # A login page may hand over to another one (the admin's sends to the two-factor login).
    if response.status_code in REDIRECTS and resolve(path).view_name not in LOGIN_VIEWS:
        assert not redirects_to_login(response), f"{path} is meant to be public but asks to sign in"


def test_public_means_a_public_name_or_the_allow_list():
    assert is_public("complaints:public-create")
    assert is_public("surveys:public-answer")
    assert is_public("core:landing")
    assert not is_public("complaints:inbox")
    assert not is_public("complaints:staff-public-notes")
    assert not is_public(None)


# --- Signed in, with no role and no membership ---------------------------------------------------------------

REFUSED = frozenset({403, 404, 405})
MOVED = frozenset({301, 308})


def redirects_within_admin_or_to_login(response) -> bool:
    try:
        match = resolve(urlsplit(response.get("Location", "")).path)
    except Resolver404:
        return False
    return "admin" in match.namespaces or match.view_name in LOGIN_VIEWS


def no_role_user():
    return UserFactory(username="no-role", roles=[])


def moved_to(response) -> str | None:
    """The new address of a page that moved within the site (a permanent redirect to one of its URLs), or None."""
    if response.status_code not in MOVED:
        return None
    location = urlsplit(response["Location"])
    if location.scheme or location.netloc or not resolves(location.path):
        return None
    return location.path


def no_role_problems(path: str, user, description: str = "") -> list[str]:
    """What is wrong with ``path`` for a signed-in ``user`` with no role: nothing when it refuses them, or when it is
    public or declared open to every signed-in person. A page that moved is judged by its new address (its old one
    answers with a permanent redirect to it)."""
    match = resolve(path)
    if is_public(match.view_name) or getattr(match.func, "login_required", True) is False:
        return []  # public pages and the pages of signing in: checked anonymously above
    label = f"{path} ({description or match.view_name or match._func_path})"
    client = Client(raise_request_exception=True)
    client.force_login(user)
    problems = []
    for method in ("get", "post"):
        view_name = match.view_name
        try:
            response = getattr(client, method)(path)
            for _hop in range(3):
                target = moved_to(response)
                if target is None:
                    break
                view_name = resolve(target).view_name
                response = getattr(client, method)(target)
        except Exception as exc:  # noqa: BLE001 - a crash is a finding, reported with the path
            problems.append(f"{method.upper()} {label} raised {exc.__class__.__name__}: {exc}")
            continue
        status = response.status_code
        if status >= 500:
            problems.append(f"{method.upper()} {label} answered {status}")
        elif is_open_to_signed_in(view_name) or status in REFUSED:
            continue
        elif "admin" in match.namespaces and status in REDIRECTS and redirects_within_admin_or_to_login(response):
            continue  # the Django admin asks for an administrator with a second factor
        else:
            where = f" to {response['Location']}" if status in REDIRECTS else ""
            problems.append(
                f"{method.upper()} {label} answered {status}{where} to a signed-in user with no role: refuse them "
                "(403 or 404), or declare the page open to every signed-in person in its app's access.py"
            )
    return problems


@pytest.mark.django_db
def test_a_signed_in_user_with_no_role_is_refused_every_back_office_page():
    # One walk with one user (the anonymous walk above is one test per URL): the same findings, each with its path.
    user = no_role_user()
    problems = [
        problem for path, description in URLS if resolves(path) for problem in no_role_problems(path, user, description)
    ]
    assert problems == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        path
        for path, _ in URLS
        if resolves(path) and is_open_to_signed_in(resolve(path).view_name) and not resolve(path).kwargs
    ],
)
def test_the_pages_open_to_every_signed_in_person_do_not_refuse_a_user_with_no_role(client, path):
    client.force_login(no_role_user())
    response = client.get(path)
    # Some account pages need more than a role (a device being set up, a second factor): those may send on.
    assert response.status_code < 500 and response.status_code != 403, path


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["core:home", "actionplans:my-actions", "two_factor:profile", "password_change"])
def test_a_user_with_no_role_opens_their_home_actions_and_account(client, name):
    from django.urls import reverse

    client.force_login(no_role_user())
    assert client.get(reverse(name)).status_code == 200


def test_the_open_pages_are_one_list_that_apps_extend():
    names = open_to_signed_in()
    assert {"core:home", "logout", "password_change", "two_factor:profile"} <= names  # core's own
    assert "actionplans:my-actions" in names  # declared by action plans
    assert not names & {"core:site-settings", "complaints:inbox", "actionplans:plan-list"}
    unknown = sorted(name for name in names if name not in {resolve(path).view_name for path, _ in URLS})
    assert unknown == [], f"declared open but no such URL: {unknown}"


# --- The check itself catches what it should: a small URLconf of its own ----------------------------------------


# login_not_required marks the function itself, so each route gets a function of its own.
def _unguarded(request):
    return HttpResponse("ok")


def _public(request):
    return HttpResponse("ok")


def _guarded(request):
    return HttpResponse("ok")


def _crash(request):
    raise RuntimeError("boom")


def _elsewhere(request):
    return HttpResponseRedirect("/")


def _signed_in_only(request):
    return HttpResponse("ok")


def _to_login(request):
    return HttpResponseRedirect("/account/login/")


def _crash_signed_in(request):
    raise RuntimeError("boom")


def _refuses(request):
    return HttpResponseForbidden("no")


urlpatterns = [
    route("self-test/signed-in-only/", _signed_in_only, name="self-test-signed-in-only"),
    route("self-test/to-login/", _to_login, name="self-test-to-login"),
    route("self-test/crash-signed-in/", _crash_signed_in, name="self-test-crash-signed-in"),
    route("self-test/refuses/", _refuses, name="self-test-refuses"),
    route("self-test/moved-to-refusing/", RedirectView.as_view(url="/self-test/refuses/", permanent=True)),
    route("self-test/moved-to-open/", RedirectView.as_view(url="/self-test/signed-in-only/", permanent=True)),
    route("self-test/unguarded/", login_not_required(_unguarded), name="self-test-unguarded"),
    route("self-test/public-page/", login_not_required(_public), name="public-self-test"),
    route("self-test/guarded/", _guarded, name="self-test-guarded"),
    route("self-test/crash/", login_not_required(_crash), name="self-test-crash"),
    route("self-test/elsewhere/", login_not_required(_elsewhere), name="self-test-elsewhere"),
    *get_resolver("qms.urls").url_patterns,
]


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_the_check_fails_an_unguarded_view_and_passes_guarded_and_public_ones():
    assert anonymous_problems("/self-test/guarded/") == []
    assert anonymous_problems("/self-test/public-page/") == []
    unguarded = anonymous_problems("/self-test/unguarded/")
    assert len(unguarded) == 2  # GET and POST
    assert "answered 200 to an anonymous visitor" in unguarded[0]
    assert "raised RuntimeError" in anonymous_problems("/self-test/crash/")[0]
    assert "not to a login page" in anonymous_problems("/self-test/elsewhere/")[0]


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_the_check_fails_a_page_that_lets_a_user_with_no_role_in_or_sends_them_to_sign_in():
    user = no_role_user()
    assert anonymous_problems("/self-test/signed-in-only/") == []  # the login middleware guards it from visitors
    let_in = no_role_problems("/self-test/signed-in-only/", user)
    assert len(let_in) == 2 and "answered 200 to a signed-in user with no role" in let_in[0]
    sent_away = no_role_problems("/self-test/to-login/", user)
    assert len(sent_away) == 2 and "answered 302 to /account/login/" in sent_away[0]
    assert no_role_problems("/self-test/public-page/", user) == []
    assert "raised RuntimeError" in no_role_problems("/self-test/crash-signed-in/", user)[0]
    assert no_role_problems("/accueil/", user) == []  # declared open
    # A page that moved is judged at its new address.
    assert no_role_problems("/self-test/moved-to-refusing/", user) == []
    moved_open = no_role_problems("/self-test/moved-to-open/", user)
    assert len(moved_open) == 2 and "answered 200 to a signed-in user with no role" in moved_open[0]

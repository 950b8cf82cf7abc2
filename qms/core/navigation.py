"""The modules of the navigation bar and of the home page: each app declares its own in ``<app>/menu.py``.

Each entry names its page by URL name and says who may open it. An entry whose URL name does not resolve (its
app has not built that page yet) is left out, so the menu never links to a page that does not exist. Checks
use permissions rather than app imports: ``qms.core`` imports no other app of the project.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise

from qms.core.selectors import has_role

UserCheck = Callable[[object], bool]


def signed_in(user) -> bool:
    return bool(user is not None and user.is_authenticated)


def with_perm(*perms: str) -> UserCheck:
    """A check passed by a signed-in, active user holding any of ``perms`` (``app_label.codename``)."""

    def check(user) -> bool:
        return signed_in(user) and user.is_active and any(user.has_perm(perm) for perm in perms)

    return check


def with_role(*roles: str) -> UserCheck:
    """A check passed by a signed-in user in any of the ``roles`` groups."""

    def check(user) -> bool:
        return has_role(user, *roles)

    return check


def any_of(*checks: UserCheck) -> UserCheck:
    def check(user) -> bool:
        return any(one(user) for one in checks)

    return check


@dataclass(frozen=True)
class NavEntry:
    """A module of the navigation: its label, the URL name of its page and who may open it."""

    key: str
    label: str | Promise
    url_name: str
    check: UserCheck
    description: str | Promise = ""
    # Position in the menu: lower first. Apps space theirs by tens (processes 10, action plans 20 …).
    order: int = 100

    def url(self) -> str | None:
        """The entry's address, or None while its page does not exist."""
        try:
            return reverse(self.url_name)
        except NoReverseMatch:
            return None


@dataclass(frozen=True)
class NavItem:
    """A navigation entry resolved for one request: its address and whether it is the current section."""

    entry: NavEntry
    url: str
    active: bool = False

    @property
    def key(self) -> str:
        return self.entry.key

    @property
    def label(self) -> str | Promise:
        return self.entry.label

    @property
    def description(self) -> str | Promise:
        return self.entry.description


def declared_entries() -> list[NavEntry]:
    """Every app's declared entries (``<app>/menu.py: ENTRIES``), by their ``order``, then app order."""
    from qms.core.registry import declared

    collected = [entry for _config, app_entries in declared("menu", "ENTRIES") for entry in app_entries]
    return sorted(collected, key=lambda entry: entry.order)


def nav_items(user, path: str = "", entries: list[NavEntry] | None = None) -> list[NavItem]:
    """The entries ``user`` may open, with their address; the one whose address is the longest prefix of
    ``path`` is marked active (so /plans/mes-actions/ lights "My actions", not "Action plans")."""
    if not signed_in(user):
        return []
    resolved = []
    for entry in declared_entries() if entries is None else entries:
        url = entry.url()
        if url is not None and entry.check(user):
            resolved.append((entry, url))
    matching = [url for _entry, url in resolved if path and path.startswith(url)]
    active_url = max(matching, key=len) if matching else None
    return [NavItem(entry=entry, url=url, active=url == active_url) for entry, url in resolved]

"""The pages open to every signed-in person, whatever their roles and memberships: one list, by URL name.

Every other back-office page refuses a signed-in user who holds no role, no membership and no object of their own
(403 or 404); ``qms/core/tests/test_urls_guarded.py`` walks every URL as such a user to check it. Core's pages are
listed here; an app adds its own in ``<app>/access.py: OPEN_TO_SIGNED_IN``, collected by ``open_to_signed_in()``.
Public pages (``public-…``, ``@login_not_required``) are another matter: they are open to everyone.
"""

from __future__ import annotations

OPEN_TO_SIGNED_IN = [
    # The staff home page: each person's own work.
    "core:home",
    # The account: signing out, the password, and two-factor authentication.
    "logout",
    "password_change",
    "password_change_done",
    "two_factor:profile",
    "two_factor:setup",
    "two_factor:setup_complete",
    "two_factor:qr",
    "two_factor:backup_tokens",
    "two_factor:disable",
]


def open_to_signed_in() -> frozenset[str]:
    """The URL names that every app declares open to every signed-in person (core's list included)."""
    from qms.core.registry import declared

    return frozenset(name for _config, names in declared("access", "OPEN_TO_SIGNED_IN") for name in names)


def is_open_to_signed_in(view_name: str | None) -> bool:
    return bool(view_name) and view_name in open_to_signed_in()

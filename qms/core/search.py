"""Searching names and references the way people type them: whatever the case and the accents, the same on SQLite
and PostgreSQL, without a search column; and the signed scopes of the people picker (who a form may offer)."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.core import signing
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Coalesce, Concat

# At most this many results in a picker, whatever the number of matches.
SEARCH_LIMIT = 20
# Longer queries are cut: nobody types eight words to find a colleague.
MAX_TERMS = 6

# Accented letters of the Latin alphabets used in France and Belgium (and the neighbours' names). Both cases are
# replaced in SQL: SQLite's LOWER() only knows ASCII.
_ACCENTED = "àáâãäåāăąçćĉčďèéêëēĕėęěìíîïĩīįñńňòóôõöōőøùúûüũūůűųýÿźżžśšşţťŕřĺľł"
# Letters that Unicode does not decompose into a base letter and an accent.
_UNDECOMPOSED = {"ø": "o", "ł": "l"}
_LIGATURES = {"œ": "oe", "æ": "ae", "ß": "ss"}


def _base(char: str) -> str:
    return _UNDECOMPOSED.get(char) or unicodedata.normalize("NFKD", char)[0]


_PLAIN = "".join(_base(char) for char in _ACCENTED)


def normalise(text: str) -> str:
    """Lower case, accents stripped, spaces collapsed: what both the text typed and the stored values become."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()
    for special, plain in (_UNDECOMPOSED | _LIGATURES).items():
        stripped = stripped.replace(special, plain)
    return " ".join(stripped.split())


def search_terms(text: str) -> list[str]:
    """The words of ``text``, normalised, at most MAX_TERMS."""
    return normalise(text).split()[:MAX_TERMS]


_SQLITE_FUNCTION = "qms_normalise"


def _normalise_or_null(text: str | None) -> str | None:
    return None if text is None else normalise(str(text))


class Unaccent(models.Func):
    """``expression`` in lower case without accents, in SQL, matching ``normalise`` for the letters above."""

    output_field = models.TextField()
    arity = 1

    def as_sql(self, compiler, connection, **extra_context):
        # Nested REPLACE() with literal characters (constants of this module, never user input): the query keeps
        # as many parameters as the expression itself, however many letters are replaced.
        sql, params = compiler.compile(self.source_expressions[0])
        sql = f"LOWER({sql})"
        pairs = list(zip(_ACCENTED + _ACCENTED.upper(), _PLAIN + _PLAIN, strict=True))
        pairs += list(_LIGATURES.items()) + [(key.upper(), value) for key, value in _LIGATURES.items() if key != "ß"]
        for accented, plain in pairs:
            sql = f"REPLACE({sql}, '{accented}', '{plain}')"
        return sql, params

    def as_sqlite(self, compiler, connection, **extra_context):
        # SQLite's parser cannot nest a hundred REPLACE(): the function is Python's ``normalise``, registered on
        # the connection (deterministic, so that SQLite may cache it), hence exactly the same as the typed text.
        connection.ensure_connection()
        connection.connection.create_function(_SQLITE_FUNCTION, 1, _normalise_or_null, deterministic=True)
        sql, params = compiler.compile(self.source_expressions[0])
        return f"{_SQLITE_FUNCTION}({sql})", params

    def as_postgresql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        sql = f"TRANSLATE(LOWER({sql}), '{_ACCENTED}', '{_PLAIN}')"
        for ligature, plain in _LIGATURES.items():
            sql = f"REPLACE({sql}, '{ligature}', '{plain}')"
        return sql, params


def search(queryset: models.QuerySet, text: str, fields: Iterable[str]) -> models.QuerySet:
    """``queryset`` narrowed to the rows where every word of ``text`` appears in one of ``fields``, ignoring case
    and accents. An empty text narrows nothing."""
    terms = search_terms(text)
    if not terms:
        return queryset
    parts: list = []
    for name in fields:
        # Text output whatever the field (CharField or TextField): PostgreSQL refuses mixed types otherwise.
        parts += [Coalesce(name, Value(""), output_field=models.TextField()), Value(" ")]
    queryset = queryset.annotate(_searched=Unaccent(Concat(*parts, output_field=models.TextField())))
    query = Q()
    for term in terms:
        query &= Q(_searched__contains=term)
    return queryset.filter(query)


# --- Scopes of the people picker ---------------------------------------------------------------------------------
# A form says which people its picker offers ("assignable to request X"); the browser carries that choice to the
# search endpoint as a signed token, bound to the person it was issued to, so that a client can neither widen it
# nor hand it to someone else; the endpoint asks the scope's resolver again whether the user may use it, and for
# which people. There is no search without a scope: the people search is no staff directory.

_SCOPE_SALT = "qms.core.people-picker-scope"


@dataclass(frozen=True)
class UserScope:
    """A named set of people a picker may offer. ``resolve(user, argument)`` returns those people, or None when
    ``user`` may not search them."""

    name: str
    resolve: Callable[[object, str], models.QuerySet | None]


USER_SCOPES: dict[str, UserScope] = {}


def register_user_scope(name: str, resolve: Callable[[object, str], models.QuerySet | None]) -> None:
    """Declare a scope of the people picker (apps call it from ``AppConfig.ready``)."""
    USER_SCOPES[name] = UserScope(name, resolve)


def _user_key(user) -> int | None:
    return getattr(user, "pk", None) if getattr(user, "is_authenticated", False) else None


def sign_scope(name: str, argument: str = "", *, user) -> str:
    """The token a form passes to the people search for scope ``name`` (and its argument, such as a reference),
    valid for ``user`` alone."""
    if name not in USER_SCOPES:
        raise KeyError(name)
    return signing.dumps([name, str(argument), _user_key(user)], salt=_SCOPE_SALT, compress=True)


def read_scope(token: str, *, user) -> tuple[UserScope, str]:
    """The scope and argument of a signed token presented by ``user``. Raises ``signing.BadSignature`` for a
    forged or altered token, or one issued to someone else; ``KeyError`` for an unknown scope."""
    name, argument, owner = signing.loads(token, salt=_SCOPE_SALT)
    if owner is None or owner != _user_key(user):
        raise signing.BadSignature("This scope was issued to someone else.")
    return USER_SCOPES[name], argument

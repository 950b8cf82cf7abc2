"""Reads shared by every app: who holds which role, and which units and objects fall in a user's scope."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q

from qms.core.choices import MembershipRole, Role
from qms.core.models import AccessGrant, Membership, OrgUnit, User
from qms.core.search import search

_CACHE_ATTR = "_qms_scope_cache"


def _cache(user) -> dict:
    cache = getattr(user, _CACHE_ATTR, None)
    if cache is None:
        cache = {}
        setattr(user, _CACHE_ATTR, cache)
    return cache


def role_names(user) -> frozenset[str]:
    """The names of the role groups ``user`` belongs to (cached on the user object for the request)."""
    if user is None or not user.is_authenticated:
        return frozenset()
    cache = _cache(user)
    if "roles" not in cache:
        cache["roles"] = frozenset(user.groups.values_list("name", flat=True))
    return cache["roles"]


def has_role(user, *roles: str) -> bool:
    if user is None or not user.is_authenticated:
        return False
    if user.is_superuser and Role.QUALITY_MANAGER in roles:
        return True
    return bool(role_names(user) & set(roles))


def is_quality_manager(user) -> bool:
    """Quality managers see and do everything, everywhere."""
    return has_role(user, Role.QUALITY_MANAGER)


def sees_everything(user) -> bool:
    """Quality managers and directors read everything."""
    return has_role(user, Role.QUALITY_MANAGER, Role.DIRECTOR)


def units_in_scope(user, roles: Iterable[str] | None = None) -> list[int]:
    """Ids of the units where ``user`` holds a membership (of one of ``roles`` if given), sub-units included."""
    if user is None or not user.is_authenticated:
        return []
    key = ("units", tuple(sorted(roles)) if roles is not None else None)
    cache = _cache(user)
    if key not in cache:
        memberships = Membership.objects.filter(user=user)
        if roles is not None:
            memberships = memberships.filter(role__in=list(roles))
        paths = list(memberships.values_list("org_unit__path", flat=True))
        if not paths:
            cache[key] = []
        else:
            query = Q()
            for path in paths:
                query |= Q(path__startswith=path)
            cache[key] = list(OrgUnit.objects.filter(query).values_list("pk", flat=True))
    return cache[key]


def referent_units(user) -> list[int]:
    """Units (with sub-units) where ``user`` is a quality referent."""
    return units_in_scope(user, [MembershipRole.QUALITY_REFERENT])


def granted_ids(user, model: type[models.Model]) -> list[int]:
    """Ids of the ``model`` objects that ``user`` holds a current access grant to."""
    if user is None or not user.is_authenticated:
        return []
    content_type = ContentType.objects.get_for_model(model)
    key = ("grants", content_type.pk)
    cache = _cache(user)
    if key not in cache:
        cache[key] = list(
            AccessGrant.objects.active()
            .filter(user=user, content_type=content_type)
            .values_list("object_id", flat=True)
        )
    return cache[key]


def scope_q(
    user,
    model: type[models.Model],
    *,
    unit_field: str | None = "org_unit",
    owner_fields: Iterable[str] = (),
    unit_roles: Iterable[str] | None = None,
) -> Q | None:
    """A filter for the ``model`` rows that ``user`` may see, or None when they may see them all.

    Rows are in scope when their unit is one of the user's units (or a sub-unit), when the user owns them
    through one of ``owner_fields``, or when the user holds a current access grant to them.
    """
    if sees_everything(user):
        return None
    query = Q(pk__in=[])
    if unit_field:
        unit_ids = units_in_scope(user, unit_roles)
        if unit_ids:
            query |= Q(**{f"{unit_field}__in": unit_ids})
    for owner_field in owner_fields:
        query |= Q(**{owner_field: user})
    grants = granted_ids(user, model)
    if grants:
        query |= Q(pk__in=grants)
    return query


def narrow_to_scope(queryset: models.QuerySet, user, **kwargs) -> models.QuerySet:
    """``queryset`` narrowed by ``scope_q``; nothing at all for an anonymous user."""
    if user is None or isinstance(user, AnonymousUser) or not user.is_authenticated:
        return queryset.none()
    query = scope_q(user, queryset.model, **kwargs)
    return queryset if query is None else queryset.filter(query).distinct()


def role_holders(unit: OrgUnit | None, role: str, *, inherit: bool = True) -> models.QuerySet[User]:
    """Active users holding membership ``role`` for ``unit``; when none, those of the nearest parent unit.

    The nearest unit with holders is found in one query (the unit's ancestors are read off its path)."""
    if unit is None:
        return User.objects.none()
    candidates = unit.ancestor_ids() if inherit else [unit.pk]
    held = set(
        Membership.objects.filter(org_unit__in=candidates, role=role, user__is_active=True)
        .values_list("org_unit_id", flat=True)
        .distinct()
    )
    nearest = next((pk for pk in reversed(candidates) if pk in held), None)
    if nearest is None:
        return User.objects.none()
    return User.objects.filter(is_active=True, memberships__org_unit=nearest, memberships__role=role).distinct()


def users_with_role(role: str) -> models.QuerySet[User]:
    """Active users in the group of ``role`` (a value of ``Role``)."""
    return User.objects.filter(is_active=True, groups__name=role).distinct()


# --- The people picker ---------------------------------------------------------------------------------------------
_PEOPLE_ORDER = ("last_name", "first_name", "username")


def holds_back_office_role(user) -> bool:
    """Whether ``user`` works in the back office (holds one of the roles): who may look people up.

    ``is_staff`` does not count: it only opens the Django admin.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or has_role(user, *Role.values)


def active_people() -> models.QuerySet[User]:
    """Everyone who can sign in, in the order of a directory."""
    return User.objects.filter(is_active=True).order_by(*_PEOPLE_ORDER)


def search_users(queryset: models.QuerySet[User], text: str) -> models.QuerySet[User]:
    """``queryset`` narrowed to the people whose name, username or email contains every word of ``text``,
    whatever the case and the accents."""
    return search(queryset, text, ("first_name", "last_name", "username", "email")).order_by(*_PEOPLE_ORDER)


def users_matching_exactly(queryset: models.QuerySet[User], text: str) -> models.QuerySet[User]:
    """The people of ``queryset`` whose username or email is ``text`` (any case)."""
    return queryset.filter(Q(username__iexact=text) | Q(email__iexact=text))

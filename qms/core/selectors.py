"""Reads shared by every app: who holds which role, and which units and objects fall in a user's scope."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q

from qms.core import auth_cache
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
        if user.pk is None or user.is_superuser:
            cache["roles"] = frozenset(user.groups.values_list("name", flat=True)) if user.pk else frozenset()
        else:
            # From the shared cache, with the permissions (qms.core.auth_cache): no query on most requests.
            cache["roles"] = auth_cache.principal(user).roles
    return cache["roles"]


def has_role(user, *roles: str) -> bool:
    """Whether ``user`` belongs to one of the role groups. A superuser holds no role of their own: the flag
    opens the Django admin (with a second factor), not the back office."""
    if user is None or not user.is_authenticated:
        return False
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
    unit_fields: Iterable[str] | None = None,
    owner_fields: Iterable[str] = (),
    unit_roles: Iterable[str] | None = None,
    unit_perm: str | None = None,
    grants_through: dict[str, type[models.Model]] | None = None,
    extra: Q | None = None,
) -> Q | None:
    """The one filter of "who sees what": the ``model`` rows that ``user`` may see, or None when they may see
    them all (quality managers and directors).

    A row is in scope when
    - its unit (``unit_field``, or any of ``unit_fields``) is one of the user's units or a sub-unit, counting
      only the memberships of ``unit_roles`` when given, and only when the user holds ``unit_perm`` when given;
    - or the user owns it through one of ``owner_fields`` (``"owner"``, ``"plan__owner"`` …);
    - or the user holds a current access grant to it, or to the object it hangs from through one of
      ``grants_through`` (``{"plan": ActionPlan}``: a grant on a plan opens its actions);
    - or it matches ``extra``, the app's own further rule (the actions answering a source the user was granted).

    Apps add their own rules on top, never beside it: the helpdesk keeps sensitive requests for the
    sensitive-cases group whatever this filter says.
    """
    if sees_everything(user):
        return None
    query = Q(pk__in=[])
    if user is None or not user.is_authenticated:
        return query
    fields = list(unit_fields) if unit_fields is not None else ([unit_field] if unit_field else [])
    if fields and (unit_perm is None or user.has_perm(unit_perm)):
        unit_ids = units_in_scope(user, unit_roles)
        if unit_ids:
            for field in fields:
                query |= Q(**{f"{field}__in": unit_ids})
    for owner_field in owner_fields:
        query |= Q(**{owner_field: user})
    grants = granted_ids(user, model)
    if grants:
        query |= Q(pk__in=grants)
    for path, related_model in (grants_through or {}).items():
        related = granted_ids(user, related_model)
        if related:
            query |= Q(**{f"{path}__in": related})
    if extra is not None:
        query |= extra
    return query


def narrow_to_scope(queryset: models.QuerySet, user, **kwargs) -> models.QuerySet:
    """``queryset`` narrowed by ``scope_q``; nothing at all for an anonymous user."""
    if user is None or isinstance(user, AnonymousUser) or not user.is_authenticated:
        return queryset.none()
    query = scope_q(user, queryset.model, **kwargs)
    return queryset if query is None else queryset.filter(query).distinct()


def has_scope(user, model: type[models.Model], **kwargs) -> bool:
    """Whether anything at all was opened to ``user`` for ``model``: everything, a unit, or a grant (an auditor
    with no grant yet has none). Ownership is not counted: it is seen on the rows themselves."""
    if sees_everything(user):
        return True
    if user is None or not user.is_authenticated:
        return False
    unit_perm = kwargs.get("unit_perm")
    if (unit_perm is None or user.has_perm(unit_perm)) and units_in_scope(user, kwargs.get("unit_roles")):
        return True
    models_granted = [model, *(kwargs.get("grants_through") or {}).values()]
    return any(granted_ids(user, granted) for granted in models_granted)


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

    ``is_staff`` and ``is_superuser`` do not count: they only open the Django admin.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return has_role(user, *Role.values)


def active_people() -> models.QuerySet[User]:
    """Everyone who can sign in, in the order of a directory."""
    return User.objects.filter(is_active=True).order_by(*_PEOPLE_ORDER)


def search_users(queryset: models.QuerySet[User], text: str) -> models.QuerySet[User]:
    """``queryset`` narrowed to the people whose name or username contains every word of ``text``, whatever the
    case and the accents. Not their email: a picker is no way to learn who has which address."""
    return search(queryset, text, ("first_name", "last_name", "username")).order_by(*_PEOPLE_ORDER)


def with_units(queryset: models.QuerySet[User]) -> models.QuerySet[User]:
    """``queryset`` with each person's memberships and units fetched in one more query (for ``unit_label``)."""
    return queryset.prefetch_related(
        models.Prefetch("memberships", queryset=Membership.objects.select_related("org_unit").order_by("pk"))
    )


def unit_label(user: User) -> str:
    """The units a person belongs to, as a picker shows them beside the name (prefetch with ``with_units``)."""
    names: list[str] = []
    for membership in user.memberships.all():
        if membership.org_unit.name not in names:
            names.append(membership.org_unit.name)
    return ", ".join(names[:2]) + (" …" if len(names) > 2 else "")


def users_matching_exactly(queryset: models.QuerySet[User], text: str) -> models.QuerySet[User]:
    """The people of ``queryset`` whose username or email is ``text`` (any case)."""
    return queryset.filter(Q(username__iexact=text) | Q(email__iexact=text))


def users_named(texts: Iterable[str]) -> dict[str, list[User]]:
    """Active users matching each text by email, username or full name ("first last" or "last first"), in one
    query, for imports that name people: ``{folded text: [users]}`` (several when the name is ambiguous)."""
    from django.db.models import Value
    from django.db.models.functions import Concat, Lower

    lowered = {text.casefold() for text in texts if text}
    if not lowered:
        return {}
    users = (
        User.objects.filter(is_active=True)
        .annotate(
            email_l=Lower("email"),
            username_l=Lower("username"),
            first_last=Lower(Concat("first_name", Value(" "), "last_name")),
            last_first=Lower(Concat("last_name", Value(" "), "first_name")),
        )
        .filter(
            Q(email_l__in=lowered) | Q(username_l__in=lowered) | Q(first_last__in=lowered) | Q(last_first__in=lowered)
        )
    )
    found: dict[str, list[User]] = {}
    for user in users:
        for key in ("email_l", "username_l", "first_last", "last_first"):
            value = getattr(user, key)
            if value in lowered and user not in found.setdefault(value, []):
                found[value].append(user)
    return found

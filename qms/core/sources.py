"""The registry of action sources: what can cause an action, told without importing the app that owns it.

An action records what caused it (a request, a risk, a finding, a council decision …) as generic links. Pages,
reminders and the dashboard must say something about such a source for a given viewer without importing its
app. Each app registers its source models in ``AppConfig.ready()``::

    from qms.core import sources

    sources.register(
        Risk,
        reference=lambda risk: risk.reference,               # shown to anyone who sees the action
        label=lambda risk: f"{risk.reference} — {risk.title}",  # shown only to those who may open it
        can_open=lambda user, risk: can_view_risk(user, risk),
        default_unit=lambda risk: risk.process.org_unit,     # whose plan receives its actions by default
        is_sensitive=lambda risk: False,
        granted_ids=None,                                    # see below
        can_attach=None,                                     # see below
        refuse_actions=None,                                 # see below
        default_process=lambda risk: risk.process,           # the process its actions concern, if any
        default_programme=None,                              # see below
        on_answered=None,                                    # see below
        related=("process",),                                # see below
        visible=risks_visible_to,                            # see below
    )

``granted_ids(user) -> Iterable[int] | None``, when given, names the source objects through which ``user``
may read the actions that answer them (an auditor's grant on an audit opens its findings' actions). It may
return a ``values_list`` queryset: it is then used as a subquery.

``can_attach(user, obj) -> bool``, when given, says whether ``user`` may create actions answering ``obj`` or
link existing ones to it (the helpdesk: whoever handles the request); by default, whoever may open it.
Action-plan rights are checked on top by the action plans.

``default_programme(obj) -> Programme | None``, when given, names the programme whose plan (``ActionPlan.programme``,
of kind "programme") receives the actions of ``obj`` by default, made when first needed, instead of the
continuous-improvement plan of its unit (a council decision: its programme's plan).

``refuse_actions(obj) -> str | None``, when given, is the source's own rule: a translated reason why no action
may answer ``obj`` now (a request marked as spam), or None. The action plans' services enforce it.

``on_answered(obj, by) -> None``, when given, is the source's own follow-up once an action answers ``obj``
(created for it, or linked to it for the first time), called by the action plans' services inside their
transaction with the person who did it: an audit finding moves to "action planned". A ``DomainError`` it raises
undoes the whole.

``related`` names what describing one reads of its relations (``select_related`` paths), and ``visible(user) ->
QuerySet`` the objects ``user`` may open, agreeing with ``can_open``: with them, a page of actions describes its
sources with one query per kind of source (``source_querysets``, ``describe_many``), however many rows it shows.
Without ``visible``, ``can_open`` is asked of each object.

A sensitive source is never shown, not even by its reference, to a viewer who may not open it: ``describe``
marks it ``hidden``, and pages leave it out.

Action plans open their "create or link actions" page for any registered source at
``reverse("actionplans:source-actions", args=[sources.key(obj), obj.pk])``, and render an "Actions" panel
on the source's page (``{% load panels %}{% object_panels obj %}``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


def _never(obj) -> bool:
    return False


def _no_unit(obj):
    return None


@dataclass(frozen=True)
class SourceType:
    """How an app's model behaves as the source of an action."""

    model: type[models.Model]
    reference: Callable[[models.Model], str]
    label: Callable[[models.Model], str]
    can_open: Callable[[object, models.Model], bool]
    is_sensitive: Callable[[models.Model], bool] = _never
    default_unit: Callable[[models.Model], object] = _no_unit
    granted_ids: Callable[[object], Iterable[int]] | None = None
    verbose_name: str | None = None
    can_attach: Callable[[object, models.Model], bool] | None = None
    refuse_actions: Callable[[models.Model], str | None] | None = None
    # The process its actions concern by default (a ``processes.Process``), when the source knows one.
    default_process: Callable[[models.Model], object] | None = None
    # The programme (a ``qms.core.Programme``) whose plan receives its actions by default, instead of its unit's
    # continuous-improvement plan.
    default_programme: Callable[[models.Model], object] | None = None
    # The source's own follow-up once an action answers it (see above).
    on_answered: Callable[[models.Model, object], None] | None = None
    # What describing one reads of its relations, loaded with a page's sources (``source_querysets``).
    related: tuple[str, ...] = ()
    # The objects a user may open, as a queryset agreeing with ``can_open``: a page is checked in one query.
    visible: Callable[[object], models.QuerySet] | None = None

    @property
    def name(self) -> str:
        return self.verbose_name or str(self.model._meta.verbose_name)

    @property
    def key(self) -> str:
        return self.model._meta.label_lower

    def may_attach(self, user, obj: models.Model) -> bool:
        """Whether ``user`` may create or link actions for ``obj`` (action-plan rights aside)."""
        if user is None or not user.is_authenticated:
            return False
        check = self.can_attach or self.can_open
        return bool(check(user, obj))

    def refusal(self, obj: models.Model) -> str | None:
        """Why no action may answer ``obj`` now, or None."""
        return self.refuse_actions(obj) if self.refuse_actions else None

    def answered(self, obj: models.Model, by) -> None:
        """Tell the source that an action now answers ``obj`` (``on_answered``), if it wants to know."""
        if self.on_answered is not None:
            self.on_answered(obj, by)


@dataclass(frozen=True)
class SourceDescription:
    """What one viewer may be told of one source: its text, and its address only if they may open it."""

    text: str
    url: str | None
    sensitive: bool
    kind: str
    # A sensitive source the viewer may not open: not to be shown at all.
    hidden: bool = False


_REGISTRY: dict[str, SourceType] = {}


def _key(model_or_obj) -> str:
    return model_or_obj._meta.label_lower


def key(model_or_obj) -> str:
    """The key of a source model in URLs and logs: its ``app_label.model_name``."""
    return _key(model_or_obj)


def get_by_key(source_key: str) -> SourceType | None:
    """The declaration registered under ``source_key`` (``"complaints.complaint"``), or None."""
    return _REGISTRY.get((source_key or "").lower())


def register(model: type[models.Model], **kwargs) -> SourceType:
    """Declare ``model`` an action source (idempotent: registering again replaces the declaration)."""
    source_type = SourceType(model=model, **kwargs)
    _REGISTRY[_key(model)] = source_type
    return source_type


def unregister(model: type[models.Model]) -> None:
    _REGISTRY.pop(_key(model), None)


def get(model_or_obj) -> SourceType | None:
    """The declaration of a model (or of an object's model), or None when it is not a source."""
    if model_or_obj is None:
        return None
    return _REGISTRY.get(_key(model_or_obj))


def is_source(model_or_obj) -> bool:
    return get(model_or_obj) is not None


def registered() -> list[SourceType]:
    return list(_REGISTRY.values())


def describe(obj, user) -> SourceDescription:
    """The source as ``user`` may see it: the full label and a link if they may open it, else its reference."""
    source_type = get(obj)
    may_open = bool(source_type is not None and _signed_in(user) and source_type.can_open(user, obj))
    return _describe(obj, source_type, may_open)


def describe_many(objs: Iterable, user) -> dict[tuple[str, int], SourceDescription]:
    """``describe`` for each of ``objs`` (a page's sources), by ``(key, pk)``: whether ``user`` may open them is
    asked once per kind of source that declares ``visible``, not once per object."""
    by_type: dict[str, list] = {}
    for obj in objs:
        if obj is not None:
            by_type.setdefault(_key(obj), []).append(obj)
    described: dict[tuple[str, int], SourceDescription] = {}
    for source_key, items in by_type.items():
        source_type = _REGISTRY.get(source_key)
        if source_type is None or not _signed_in(user):
            openable = set()
        elif source_type.visible is not None:
            pks = {obj.pk for obj in items}
            openable = set(source_type.visible(user).filter(pk__in=pks).order_by().values_list("pk", flat=True))
        else:
            openable = {obj.pk for obj in items if source_type.can_open(user, obj)}
        for obj in items:
            described[(source_key, obj.pk)] = _describe(obj, source_type, obj.pk in openable)
    return described


def source_querysets() -> list[models.QuerySet]:
    """Each source model's objects with what describing them reads (``related``), for ``GenericPrefetch``."""
    return [source_type.model._default_manager.select_related(*source_type.related) for source_type in registered()]


def _signed_in(user) -> bool:
    return bool(user is not None and user.is_authenticated)


def _describe(obj, source_type: SourceType | None, may_open: bool) -> SourceDescription:
    if obj is None:
        return SourceDescription(text=str(_("(deleted)")), url=None, sensitive=False, kind="")
    if source_type is None:
        return SourceDescription(text=str(obj), url=None, sensitive=False, kind=str(obj._meta.verbose_name))
    sensitive = bool(source_type.is_sensitive(obj))
    if sensitive and not may_open:
        return SourceDescription(
            text=str(_("A confidential source")), url=None, sensitive=True, kind=source_type.name, hidden=True
        )
    url = None
    if may_open:
        get_url = getattr(obj, "get_absolute_url", None)
        url = get_url() if get_url else None
    return SourceDescription(
        text=source_type.label(obj) if may_open else source_type.reference(obj),
        url=url,
        sensitive=sensitive,
        kind=source_type.name,
    )


def is_sensitive(obj) -> bool:
    source_type = get(obj)
    return bool(source_type and source_type.is_sensitive(obj))


def default_unit(obj):
    """The unit whose plan receives ``obj``'s actions by default (None: the caller chooses)."""
    source_type = get(obj)
    return source_type.default_unit(obj) if source_type else None


def default_programme(obj):
    """The programme whose plan receives ``obj``'s actions by default (None: its unit's continuous-improvement
    plan)."""
    source_type = get(obj)
    if source_type is None or source_type.default_programme is None:
        return None
    return source_type.default_programme(obj)

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
    )

``granted_ids(user) -> Iterable[int] | None``, when given, names the source objects through which ``user``
may read the actions that answer them (an auditor's grant on an audit opens its findings' actions).
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

    @property
    def name(self) -> str:
        return self.verbose_name or str(self.model._meta.verbose_name)


@dataclass(frozen=True)
class SourceDescription:
    """What one viewer may be told of one source: its text, and its address only if they may open it."""

    text: str
    url: str | None
    sensitive: bool
    kind: str


_REGISTRY: dict[str, SourceType] = {}


def _key(model_or_obj) -> str:
    return model_or_obj._meta.label_lower


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
    if obj is None:
        return SourceDescription(text=str(_("(deleted)")), url=None, sensitive=False, kind="")
    source_type = get(obj)
    if source_type is None:
        return SourceDescription(text=str(obj), url=None, sensitive=False, kind=str(obj._meta.verbose_name))
    may_open = bool(user is not None and source_type.can_open(user, obj))
    url = None
    if may_open:
        get_url = getattr(obj, "get_absolute_url", None)
        url = get_url() if get_url else None
    return SourceDescription(
        text=source_type.label(obj) if may_open else source_type.reference(obj),
        url=url,
        sensitive=source_type.is_sensitive(obj),
        kind=source_type.name,
    )


def is_sensitive(obj) -> bool:
    source_type = get(obj)
    return bool(source_type and source_type.is_sensitive(obj))


def default_unit(obj):
    """The unit whose plan receives ``obj``'s actions by default (None: the caller chooses)."""
    source_type = get(obj)
    return source_type.default_unit(obj) if source_type else None

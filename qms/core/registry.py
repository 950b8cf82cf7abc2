"""How apps declare themselves: core keeps no list of them.

Each installed app of the project may hold a small module per concern; core finds them by name, in
``INSTALLED_APPS`` order, and collects what they declare:

=====================  ===========================================================================================
``<app>/roles.py``     ``PERMISSIONS``: ``{role name: [app_label.codename, ...]}`` merged into the role groups;
                       optional ``ROLES``: ``{name: label}`` for roles the app adds (the internal auditors, say).
``<app>/menu.py``      ``ENTRIES``: a list of ``qms.core.navigation.NavEntry`` (each with its ``order``).
``<app>/schedule.py``  ``SCHEDULE``: Celery beat entries ``{name: {"task", "schedule", "options": {"expires"}}}``.
``<app>/app_settings.py``  ``SECTIONS``: ``qms.core.app_settings.SettingsSection`` list, the app's part of the
                       "Paramètres" page, each editing a singleton record of the app's own.
``<app>/dependencies.py``  ``MAY_IMPORT``: the project packages the app may import (the architecture test reads
                       it; an app absent from every other app's list is never imported by them).
``<app>/access.py``    ``OPEN_TO_SIGNED_IN``: URL names of the app's pages open to every signed-in person, whatever
                       their roles (``qms.core.access``); every other back-office page refuses a user without one.
=====================  ===========================================================================================

Object-level registries (sources of actions, object panels, metrics, stored-report kinds) are filled by
explicit ``register(...)`` calls in ``AppConfig.ready()``: see ``qms.core.sources``, ``qms.core.panels``,
``qms.core.metrics``.
"""

from __future__ import annotations

import importlib
import sys
from functools import cache
from pathlib import Path
from types import ModuleType

from django.apps import AppConfig, apps

CONCERNS = ("roles", "menu", "schedule", "app_settings", "dependencies", "access")


def project_apps() -> list[AppConfig]:
    """The installed apps that belong to the project: every app not installed as a library (Django's own and
    third parties' live in the interpreter's or the virtual environment's directories)."""
    roots = _library_roots()
    return [config for config in apps.get_app_configs() if _is_project_path(Path(config.path).resolve(), roots)]


def _library_roots() -> tuple[Path, ...]:
    prefixes = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix}
    return tuple(Path(prefix).resolve() for prefix in prefixes)


def _is_project_path(path: Path, library_roots: tuple[Path, ...]) -> bool:
    if {"site-packages", "dist-packages"} & set(path.parts):
        return False
    return not any(path.is_relative_to(root) for root in library_roots)


def _import_optional(module_name: str) -> ModuleType | None:
    try:
        return importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        # Only a missing declaration module is optional: an import error inside it must surface.
        if error.name == module_name:
            return None
        raise


@cache
def app_modules(concern: str) -> tuple[tuple[AppConfig, ModuleType], ...]:
    """``(app config, module)`` for every project app that holds ``<app>/<concern>.py``, in app order."""
    if concern not in CONCERNS:
        raise ValueError(f"Unknown concern {concern!r}: one of {', '.join(CONCERNS)}.")
    found = []
    for config in project_apps():
        module = _import_optional(f"{config.name}.{concern}")
        if module is not None:
            found.append((config, module))
    return tuple(found)


def declared(concern: str, attribute: str) -> list[tuple[AppConfig, object]]:
    """``(app config, value)`` of ``attribute`` in each app's ``<concern>`` module that defines it."""
    return [
        (config, getattr(module, attribute)) for config, module in app_modules(concern) if hasattr(module, attribute)
    ]


def clear() -> None:
    """Forget what was collected (tests that add a throwaway app)."""
    app_modules.cache_clear()

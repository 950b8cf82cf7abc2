"""Settings an officer changes, one record per app, one section each on the "Paramètres" page.

``SiteSettings`` keeps what is institution-wide. An app keeps its own settings in a singleton model that
subclasses ``AppSettings`` and declares the section that edits it in ``<app>/app_settings.py``::

    # complaints/models.py
    class HelpdeskSettings(AppSettings):
        take_charge_deadline_days = models.PositiveSmallIntegerField(...)

        class Meta(AppSettings.Meta):
            verbose_name = _("helpdesk settings")

    # complaints/app_settings.py
    SECTIONS = [SettingsSection(key="helpdesk", label=_("Helpdesk"), model=HelpdeskSettings,
                                form_class=HelpdeskSettingsForm, order=30)]

Read with ``HelpdeskSettings.get()``: cached in the shared cache (several workers run, no process memory)
under a key that saving clears, and read once per request (``qms.core.config_cache``); edit
``HelpdeskSettings.load()``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class AppSettings(models.Model):
    """Base of an app's own settings record: one row, cached, saved by the quality manager."""

    SINGLETON_PK = 1
    CACHE_TIMEOUT = 300  # seconds; saving clears the key at once, the timeout only bounds a missed invalidation

    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return str(self._meta.verbose_name)

    def save(self, *args, **kwargs) -> None:
        self.pk = self.SINGLETON_PK
        super().save(*args, **kwargs)
        self.clear_cache()

    def delete(self, *args, **kwargs):
        raise ValueError("A settings record cannot be deleted.")

    def privacy_retention(self) -> list[str]:
        """How long the app keeps personal data, as sentences for the privacy page (translated when called)."""
        return []

    @classmethod
    def cache_key(cls) -> str:
        return f"settings:{cls._meta.label_lower}"

    @classmethod
    def load(cls):
        """The stored record, created with its defaults on first use: for editing."""
        obj, _created = cls.objects.get_or_create(pk=cls.SINGLETON_PK)
        return obj

    @classmethod
    def get(cls):
        """The settings in force, from the shared cache, read once per request. Treat as read-only."""
        from qms.core.config_cache import memoised

        return memoised(cls.cache_key(), cls._read)

    @classmethod
    def _read(cls):
        from django.core.cache import cache

        stored = cache.get(cls.cache_key())
        if stored is None:
            stored = cls.load()
            cache.set(cls.cache_key(), stored, cls.CACHE_TIMEOUT)
        return stored

    @classmethod
    def clear_cache(cls) -> None:
        from django.core.cache import cache

        from qms.core import config_cache

        key = cls.cache_key()
        cache.delete(key)
        # Again after commit, so that a read made inside the saving transaction is not kept.
        transaction.on_commit(lambda: cache.delete(key))
        # What is built from the settings (deadlines, say) is built again.
        config_cache.bump()


@dataclass(frozen=True)
class SettingsSection:
    """One app's section of the settings page: the record it edits and the form that edits it."""

    key: str
    label: str | Promise
    model: type[AppSettings]
    form_class: type
    permission: str = "core.change_sitesettings"
    order: int = 100


def settings_models() -> list[type[AppSettings]]:
    """The apps' settings records, each once, in the order of their sections."""
    return list(dict.fromkeys(section.model for section in declared_sections()))


def declared_sections() -> list[SettingsSection]:
    """Every app's sections (``<app>/app_settings.py: SECTIONS``), by order."""
    from qms.core.registry import declared

    sections = [section for _config, app_sections in declared("app_settings", "SECTIONS") for section in app_sections]
    keys = [section.key for section in sections]
    # Each section's key prefixes its fields and names it in the page's posts: "site" is the site's own.
    clashing = sorted({key for key in keys if keys.count(key) > 1 or key == "site"})
    if clashing:
        raise ImproperlyConfigured(f"Settings sections declared twice (or named 'site'): {', '.join(clashing)}.")
    return sorted(sections, key=lambda section: section.order)

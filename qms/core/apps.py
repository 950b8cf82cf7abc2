from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "qms.core"
    label = "core"
    verbose_name = _("Organisation and people")

    def ready(self) -> None:
        from django.apps import apps

        from qms.core import auth_cache, calendar, model_choices  # noqa: F401 - calendar registers a settings check
        from qms.core.models import User
        from qms.core.roles import sync_roles_after_migrate

        # post_migrate is sent once per app; sync once, after the last app with models, when every
        # permission exists.
        last = [config for config in apps.get_app_configs() if config.models_module is not None][-1]
        post_migrate.connect(sync_roles_after_migrate, sender=last, dispatch_uid="qms.core.sync_roles")
        # Roles and permissions are read from the shared cache; a change to them replaces its version.
        auth_cache.connect_signals(User)
        # Drop-downs of model choices read in one plain query, not through a server-side cursor.
        model_choices.install()

        # Periodic jobs come from each app's schedule.py (qms.core.schedule).
        from qms.celery import app as celery_app
        from qms.core.schedule import beat_schedule

        celery_app.conf.beat_schedule = beat_schedule()

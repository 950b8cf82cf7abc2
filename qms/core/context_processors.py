from django.db import DatabaseError
from django.utils.functional import SimpleLazyObject, lazy

from qms.core.models import SiteSettings
from qms.core.navigation import nav_items
from qms.core.selectors import has_role, is_quality_manager


def _site_settings() -> SiteSettings:
    try:
        return SiteSettings.get()
    except DatabaseError:
        # An error page must still render when the database is down or not migrated yet.
        return SiteSettings.defaults()


def site(request):
    """What every page needs: the institution's name and which modules the user may open.

    The navigation is computed only when a template reads it, so a page that does not show it pays nothing.
    """
    user = getattr(request, "user", None)
    site_settings = SimpleLazyObject(_site_settings)
    return {
        # The site settings are read (from the cache) only when a template uses them.
        "site_settings": site_settings,
        "INSTITUTION_NAME": lazy(lambda: site_settings.institution_name, str)(),
        "is_quality_manager": is_quality_manager(user) if user else False,
        "has_role": lambda *roles: has_role(user, *roles),
        "nav_items": SimpleLazyObject(lambda: nav_items(user, request.path)),
    }

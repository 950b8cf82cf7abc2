from django.conf import settings

from qms.core.selectors import has_role, is_quality_manager


def site(request):
    """What every page needs: the institution's name and which modules the user may open."""
    user = getattr(request, "user", None)
    return {
        "INSTITUTION_NAME": settings.INSTITUTION_NAME,
        "is_quality_manager": is_quality_manager(user) if user else False,
        "has_role": lambda *roles: has_role(user, *roles),
    }

"""Where permissions come from: the role groups, and a superuser's blanket powers only with a second factor.

Django gives an active superuser every permission, whatever the session. Here a superuser is an administrator of
the Django admin, which asks for a second factor (``qms.core.otp.OTPAdminSite``); the superuser flag grants every
permission only in a session verified with that second factor. Signed in with a password only, a superuser has
what their groups give, like anyone else, and no back-office role of its own (``qms.core.selectors.has_role``).
"""

from __future__ import annotations

from django.contrib.auth import backends

from qms.core import auth_cache


def has_superuser_powers(user) -> bool:
    """Whether ``user``'s superuser flag is in force: an active superuser in a session verified with a second
    factor (django_otp's ``is_verified``, set on the user of a request). Outside a request, never."""
    if not (getattr(user, "is_active", False) and getattr(user, "is_superuser", False)):
        return False
    is_verified = getattr(user, "is_verified", None)
    return bool(callable(is_verified) and is_verified())


class ModelBackend(backends.ModelBackend):
    """Django's model backend, without the superuser's blanket permissions in an unverified session."""

    def _get_permissions(self, user_obj, obj, from_name):
        if not user_obj.is_superuser:
            # Read from the shared cache (qms.core.auth_cache) and kept on the user object where Django's own
            # method looks for it, which then applies its usual checks (active, anonymous, object).
            cache_name = f"_{from_name}_perm_cache"
            if user_obj.is_active and not user_obj.is_anonymous and obj is None and not hasattr(user_obj, cache_name):
                setattr(user_obj, cache_name, set(getattr(auth_cache.principal(user_obj), f"{from_name}_permissions")))
            return super()._get_permissions(user_obj, obj, from_name)
        if has_superuser_powers(user_obj):
            return super()._get_permissions(user_obj, obj, from_name)
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        # A cache of its own: the verified superuser's cache (every permission) must never be read here.
        cache_name = f"_qms_unverified_{from_name}_perm_cache"
        if not hasattr(user_obj, cache_name):
            perms = getattr(self, f"_get_{from_name}_permissions")(user_obj)
            names = perms.values_list("content_type__app_label", "codename").order_by()
            setattr(user_obj, cache_name, {f"{app_label}.{codename}" for app_label, codename in names})
        return getattr(user_obj, cache_name)

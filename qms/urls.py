from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog, set_language
from two_factor.urls import urlpatterns as two_factor_urls

from qms.core import views as core_views
from qms.core.otp import OTPAdminSite
from qms.notifications.views import PasswordResetView

# The Django admin needs a session verified with a second factor (two-factor authentication).
admin.site.__class__ = OTPAdminSite

urlpatterns = [
    path("", include("qms.core.urls")),
    path("healthz", core_views.healthz, name="healthz"),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("jsi18n/", login_not_required(JavaScriptCatalog.as_view()), name="javascript-catalog"),
    path("", include(two_factor_urls)),
    # Password-only login is replaced by the two-factor login; the rest of the account pages are Django's.
    path("compte/login/", core_views.PasswordLoginRedirectView.as_view()),
    path("compte/password_reset/", PasswordResetView.as_view(), name="password_reset"),
    path("compte/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("processus/", include("processes.urls")),
    path("plans/", include("actionplans.urls")),
    path("", include("complaints.urls")),
    path("enquetes/", include("surveys.urls")),
    path("certifications/", include("certifications.urls")),
    path("revues/", include("qms.reviews.urls")),
    path("notifications/", include("qms.notifications.urls")),
]

handler404 = "qms.core.errors.page_not_found"
handler403 = "qms.core.errors.permission_denied"
handler500 = "qms.core.errors.server_error"

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

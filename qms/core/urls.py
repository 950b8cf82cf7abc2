from django.urls import path

from qms.core import settings_views, views

app_name = "core"

urlpatterns = [
    path("", views.landing, name="landing"),
    path("accueil/", views.HomeView.as_view(), name="home"),
    # The three pages every page's footer links to; public, as the law requires.
    path("accessibilite/", views.accessibility, name="accessibility"),
    path("mentions-legales/", views.legal, name="legal"),
    path("donnees-personnelles/", views.privacy, name="privacy"),
    # The people picker's search (qms.core.widgets), for back-office forms.
    path("personnes/recherche/", views.UserSearchView.as_view(), name="user-search"),
    # Site settings and closure days (quality manager)
    path("parametres/", settings_views.SiteSettingsView.as_view(), name="site-settings"),
    path("parametres/fermetures/", settings_views.ClosureDayListView.as_view(), name="closure-list"),
    path("parametres/fermetures/ajouter/", settings_views.ClosureDayCreateView.as_view(), name="closure-create"),
    path("parametres/fermetures/<int:pk>/", settings_views.ClosureDayUpdateView.as_view(), name="closure-update"),
    path(
        "parametres/fermetures/<int:pk>/supprimer/",
        settings_views.ClosureDayDeleteView.as_view(),
        name="closure-delete",
    ),
]

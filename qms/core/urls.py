from django.urls import path

from qms.core import report_views, settings_views, views

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
    # Reports built in the background (qms.core.reports): progress, download, asking again.
    path("rapports/<int:pk>/", report_views.ReportView.as_view(), name="report"),
    path("rapports/<int:pk>/etat/", report_views.ReportStateView.as_view(), name="report-state"),
    path("rapports/<int:pk>/telecharger/", report_views.ReportDownloadView.as_view(), name="report-download"),
    path("rapports/<int:pk>/relancer/", report_views.ReportRetryView.as_view(), name="report-retry"),
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

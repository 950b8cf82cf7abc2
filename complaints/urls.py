from django.urls import include, path
from django.views.generic import RedirectView

from complaints import report_views, views

app_name = "complaints"


def moved(old_route: str, name: str):
    """An address the staff pages had before they moved under ``demandes/``: a permanent redirect to ``name``,
    keeping the query string, so that bookmarks and the links of emails already sent keep working."""
    return path(old_route, RedirectView.as_view(pattern_name=f"complaints:{name}", permanent=True, query_string=True))


# Staff pages, all under the helpdesk's prefix (demandes/). The fixed addresses come before a request's own.
staff_patterns = [
    path("", views.InboxView.as_view(), name="inbox"),
    path("sensibles/", views.SensitiveInboxView.as_view(), name="sensitive-inbox"),
    path("signaler/", views.StaffReportView.as_view(), name="staff-create"),
    # Figures, register and reply templates
    path("statistiques/", report_views.StatisticsView.as_view(), name="stats"),
    path("statistiques/export.csv", report_views.StatisticsCsvView.as_view(), name="stats-csv"),
    path("registre/export.csv", report_views.RegisterExportView.as_view(format="csv"), name="export-csv"),
    path("registre/export.xlsx", report_views.RegisterExportView.as_view(format="xlsx"), name="export-xlsx"),
    path("modeles-de-reponse/", report_views.ReplyTemplateListView.as_view(), name="replytemplate-list"),
    path("modeles-de-reponse/nouveau/", report_views.ReplyTemplateCreateView.as_view(), name="replytemplate-create"),
    path(
        "modeles-de-reponse/<int:pk>/modifier/",
        report_views.ReplyTemplateUpdateView.as_view(),
        name="replytemplate-edit",
    ),
    # One request
    path("<str:reference>/", views.ComplaintDetailView.as_view(), name="detail"),
    path("<str:reference>/pieces/<int:attachment_id>/", views.AttachmentView.as_view(), name="attachment"),
    path("<str:reference>/<slug:action>/", views.ComplaintActionView.as_view(), name="action"),
]

urlpatterns = [
    # Public (no account), at the site's root: these addresses are printed on receipts and posters.
    path("signaler/", views.PublicCreateView.as_view(), name="public-create"),
    path("suivi/", views.PublicLookupView.as_view(), name="public-lookup"),
    path("suivi/lien-perdu/", views.PublicLostLinkView.as_view(), name="public-lost-link"),
    path("suivi/<str:token>/", views.public_track, name="public-track"),
    path("suivi/<str:token>/confirmation/", views.public_confirmation, name="public-confirmation"),
    path("suivi/<str:token>/pieces/<int:attachment_id>/", views.public_attachment, name="public-attachment"),
    # Staff
    path("demandes/", include(staff_patterns)),
    # The staff pages' former addresses at the site's root
    moved("statistiques-demandes/", "stats"),
    moved("statistiques-demandes/export.csv", "stats-csv"),
    moved("registre-demandes/export.csv", "export-csv"),
    moved("registre-demandes/export.xlsx", "export-xlsx"),
    moved("modeles-de-reponse/", "replytemplate-list"),
    moved("modeles-de-reponse/nouveau/", "replytemplate-create"),
    moved("modeles-de-reponse/<int:pk>/modifier/", "replytemplate-edit"),
]

from django.urls import path

from complaints import report_views, views

app_name = "complaints"

urlpatterns = [
    # Public (no account)
    path("signaler/", views.PublicCreateView.as_view(), name="public-create"),
    path("suivi/", views.PublicLookupView.as_view(), name="public-lookup"),
    path("suivi/lien-perdu/", views.PublicLostLinkView.as_view(), name="public-lost-link"),
    path("suivi/<str:token>/", views.public_track, name="public-track"),
    path("suivi/<str:token>/confirmation/", views.public_confirmation, name="public-confirmation"),
    path("suivi/<str:token>/pieces/<int:attachment_id>/", views.public_attachment, name="public-attachment"),
    # Staff
    path("demandes/", views.InboxView.as_view(), name="inbox"),
    path("demandes/sensibles/", views.SensitiveInboxView.as_view(), name="sensitive-inbox"),
    path("demandes/signaler/", views.StaffReportView.as_view(), name="staff-create"),
    path("demandes/<str:reference>/", views.ComplaintDetailView.as_view(), name="detail"),
    path("demandes/<str:reference>/pieces/<int:attachment_id>/", views.AttachmentView.as_view(), name="attachment"),
    path("demandes/<str:reference>/<slug:action>/", views.ComplaintActionView.as_view(), name="action"),
    # Figures, register and reply templates (staff)
    path("statistiques-demandes/", report_views.StatisticsView.as_view(), name="stats"),
    path("statistiques-demandes/export.csv", report_views.StatisticsCsvView.as_view(), name="stats-csv"),
    path("registre-demandes/export.csv", report_views.RegisterExportView.as_view(format="csv"), name="export-csv"),
    path("registre-demandes/export.xlsx", report_views.RegisterExportView.as_view(format="xlsx"), name="export-xlsx"),
    path("modeles-de-reponse/", report_views.ReplyTemplateListView.as_view(), name="replytemplate-list"),
    path("modeles-de-reponse/nouveau/", report_views.ReplyTemplateCreateView.as_view(), name="replytemplate-create"),
    path(
        "modeles-de-reponse/<int:pk>/modifier/",
        report_views.ReplyTemplateUpdateView.as_view(),
        name="replytemplate-edit",
    ),
]

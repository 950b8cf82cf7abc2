from django.urls import path, re_path

from actionplans import views

app_name = "actionplans"

urlpatterns = [
    path("", views.PlanListView.as_view(), name="plan-list"),
    path("nouveau/", views.PlanCreateView.as_view(), name="plan-create"),
    path("<int:pk>/", views.PlanDetailView.as_view(), name="plan-detail"),
    path("<int:pk>/modifier/", views.PlanEditView.as_view(), name="plan-edit"),
    path("<int:pk>/axes/nouveau/", views.AxisCreateView.as_view(), name="axis-create"),
    path("<int:pk>/axes/<int:axis_pk>/modifier/", views.AxisEditView.as_view(), name="axis-edit"),
    path("<int:pk>/objectifs/nouveau/", views.ObjectiveCreateView.as_view(), name="objective-create"),
    path("<int:pk>/objectifs/<int:objective_pk>/modifier/", views.ObjectiveEditView.as_view(), name="objective-edit"),
    path("<int:pk>/import/", views.PlanImportView.as_view(), name="plan-import"),
    path("imports/<uuid:pk>/", views.PlanImportPreviewView.as_view(), name="plan-import-preview"),
    re_path(r"^(?P<pk>[0-9]+)/export\.(?P<fmt>xlsx|csv)$", views.PlanExportView.as_view(), name="plan-export"),
    path("<int:pk>/pdf/", views.PlanPdfView.as_view(), name="plan-pdf"),
    path("<int:pk>/chronologie/", views.PlanTimelineView.as_view(), name="plan-timeline"),
    path("<int:pk>/actions/nouvelle/", views.ActionCreateView.as_view(), name="action-create"),
    path("actions/", views.ActionListView.as_view(), name="action-list"),
    path("actions/recherche/", views.ActionSearchView.as_view(), name="action-search"),
    path("mes-actions/", views.MyActionsView.as_view(), name="my-actions"),
    path("actions/<int:pk>/", views.ActionDetailView.as_view(), name="action-detail"),
    path("actions/<int:pk>/modifier/", views.ActionEditView.as_view(), name="action-edit"),
    path("actions/<int:pk>/statut/", views.ActionTransitionView.as_view(), name="action-transition"),
    path("actions/<int:pk>/suivi/", views.ActionUpdateAddView.as_view(), name="action-update-add"),
    path("actions/<int:pk>/efficacite/", views.ActionEffectivenessView.as_view(), name="action-effectiveness"),
    path("preuves/<int:pk>/", views.EvidenceDownloadView.as_view(), name="evidence-download"),
    # Create or link the actions answering any source (a request, a risk, a finding …), e.g.
    # /plans/sources/complaints.complaint/42/
    path("sources/<str:source_key>/<int:object_id>/", views.SourceActionsView.as_view(), name="source-actions"),
]

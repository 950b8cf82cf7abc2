from django.urls import path, re_path

from actionplans.views import actions, exports, imports, plans, sources

app_name = "actionplans"

urlpatterns = [
    path("", plans.PlanListView.as_view(), name="plan-list"),
    path("nouveau/", plans.PlanCreateView.as_view(), name="plan-create"),
    path("<int:pk>/", plans.PlanDetailView.as_view(), name="plan-detail"),
    path("<int:pk>/modifier/", plans.PlanEditView.as_view(), name="plan-edit"),
    path("<int:pk>/axes/nouveau/", plans.AxisCreateView.as_view(), name="axis-create"),
    path("<int:pk>/axes/<int:axis_pk>/modifier/", plans.AxisEditView.as_view(), name="axis-edit"),
    path("<int:pk>/objectifs/nouveau/", plans.ObjectiveCreateView.as_view(), name="objective-create"),
    path("<int:pk>/objectifs/<int:objective_pk>/modifier/", plans.ObjectiveEditView.as_view(), name="objective-edit"),
    path("<int:pk>/import/", imports.PlanImportView.as_view(), name="plan-import"),
    path("imports/<uuid:pk>/", imports.PlanImportPreviewView.as_view(), name="plan-import-preview"),
    re_path(r"^(?P<pk>[0-9]+)/export\.(?P<fmt>xlsx|csv)$", exports.PlanExportView.as_view(), name="plan-export"),
    path("<int:pk>/pdf/", exports.PlanPdfView.as_view(), name="plan-pdf"),
    path("<int:pk>/chronologie/", plans.PlanTimelineView.as_view(), name="plan-timeline"),
    path("<int:pk>/actions/nouvelle/", actions.ActionCreateView.as_view(), name="action-create"),
    path("actions/", actions.ActionListView.as_view(), name="action-list"),
    path("actions/recherche/", actions.ActionSearchView.as_view(), name="action-search"),
    path("mes-actions/", actions.MyActionsView.as_view(), name="my-actions"),
    path("actions/<int:pk>/", actions.ActionDetailView.as_view(), name="action-detail"),
    path("actions/<int:pk>/modifier/", actions.ActionEditView.as_view(), name="action-edit"),
    path("actions/<int:pk>/statut/", actions.ActionTransitionView.as_view(), name="action-transition"),
    path("actions/<int:pk>/suivi/", actions.ActionUpdateAddView.as_view(), name="action-update-add"),
    path("actions/<int:pk>/efficacite/", actions.ActionEffectivenessView.as_view(), name="action-effectiveness"),
    path("preuves/<int:pk>/", actions.EvidenceDownloadView.as_view(), name="evidence-download"),
    # Create or link the actions answering any source (a request, a risk, a finding …), e.g.
    # /plans/sources/complaints.complaint/42/
    path("sources/<str:source_key>/<int:object_id>/", sources.SourceActionsView.as_view(), name="source-actions"),
]

from django.urls import path, re_path

from processes.views import documents, imports, indicators, processes, reviews, risks

app_name = "processes"

urlpatterns = [
    # Processes and the map
    path("", processes.ProcessListView.as_view(), name="process-list"),
    path("carte/", processes.ProcessMapView.as_view(), name="map"),
    path("carte/pdf/", processes.ProcessMapPdfView.as_view(), name="map-pdf"),
    path("referents/", processes.ReferentsView.as_view(), name="referents"),
    path("nouveau/", processes.ProcessCreateView.as_view(), name="process-create"),
    path("<int:pk>/", processes.ProcessDetailView.as_view(), name="process-detail"),
    path("<int:pk>/pdf/", processes.ProcessPdfView.as_view(), name="process-pdf"),
    path("<int:pk>/modifier/", processes.ProcessEditView.as_view(), name="process-edit"),
    path("<int:pk>/valider/", processes.ProcessValidateView.as_view(), name="process-validate"),
    path("<int:pk>/reviser/", processes.ProcessReviseView.as_view(), name="process-revise"),
    # Indicators
    path("indicateurs/", indicators.IndicatorListView.as_view(), name="indicator-list"),
    path("indicateurs/a-saisir/", indicators.MeasurementsDueView.as_view(), name="measurements-due"),
    path("<int:pk>/indicateurs/nouveau/", indicators.IndicatorCreateView.as_view(), name="indicator-create"),
    path("indicateurs/<int:pk>/", indicators.IndicatorDetailView.as_view(), name="indicator-detail"),
    path("indicateurs/<int:pk>/modifier/", indicators.IndicatorEditView.as_view(), name="indicator-edit"),
    path("indicateurs/<int:pk>/cible/", indicators.TargetSetView.as_view(), name="target-set"),
    path("indicateurs/<int:pk>/mesure/", indicators.MeasurementRecordView.as_view(), name="measurement-record"),
    path("mesures/<int:pk>/recalculer/", indicators.MeasurementRecomputeView.as_view(), name="measurement-recompute"),
    # Risks and opportunities
    path("risques/", risks.RiskListView.as_view(), name="risk-list"),
    path("risques/export.xlsx", risks.RiskExportView.as_view(), name="risk-export"),
    path("risques/carte-de-chaleur/", risks.HeatMapView.as_view(), name="heat-map"),
    path("opportunites/", risks.OpportunityListView.as_view(), name="opportunity-list"),
    path("<int:pk>/risques/nouveau/", risks.RiskCreateView.as_view(), name="risk-create"),
    path("risques/<int:pk>/", risks.RiskDetailView.as_view(), name="risk-detail"),
    path("risques/<int:pk>/modifier/", risks.RiskEditView.as_view(), name="risk-edit"),
    path("risques/<int:pk>/archiver/", risks.RiskArchiveView.as_view(), name="risk-archive"),
    path("risques/<int:pk>/restaurer/", risks.RiskRestoreView.as_view(), name="risk-restore"),
    # Reviews
    path("revues/", reviews.ReviewListView.as_view(), name="review-list"),
    path("<int:pk>/revues/nouvelle/", reviews.ReviewCreateView.as_view(), name="review-create"),
    path("revues/<int:pk>/", reviews.ReviewDetailView.as_view(), name="review-detail"),
    path("revues/<int:pk>/modifier/", reviews.ReviewEditView.as_view(), name="review-edit"),
    path("revues/<int:pk>/recompiler/", reviews.ReviewRecompileView.as_view(), name="review-recompile"),
    path("revues/<int:pk>/tenue/", reviews.ReviewHoldView.as_view(), name="review-hold"),
    path("revues/<int:pk>/decisions/nouvelle/", reviews.DecisionAddView.as_view(), name="decision-add"),
    path("decisions/<int:pk>/modifier/", reviews.DecisionEditView.as_view(), name="decision-edit"),
    path("decisions/<int:pk>/retirer/", reviews.DecisionArchiveView.as_view(), name="decision-archive"),
    # Controlled documents
    path("documents/", documents.DocumentListView.as_view(), name="document-list"),
    path("bibliotheque/", documents.LibraryView.as_view(), name="library"),
    path("documents/nouveau/", documents.DocumentCreateView.as_view(), name="document-create"),
    path("documents/<int:pk>/", documents.DocumentDetailView.as_view(), name="document-detail"),
    path("documents/<int:pk>/modifier/", documents.DocumentEditView.as_view(), name="document-edit"),
    path("documents/<int:pk>/revu/", documents.DocumentReviewedView.as_view(), name="document-reviewed"),
    path("documents/<int:pk>/versions/nouvelle/", documents.VersionCreateView.as_view(), name="version-create"),
    path("versions/<int:pk>/soumettre/", documents.VersionSubmitView.as_view(), name="version-submit"),
    path("versions/<int:pk>/renvoyer/", documents.VersionSendBackView.as_view(), name="version-send-back"),
    path("versions/<int:pk>/approuver/", documents.VersionApproveView.as_view(), name="version-approve"),
    path("versions/<int:pk>/retirer/", documents.VersionWithdrawView.as_view(), name="version-withdraw"),
    path("versions/<int:pk>/fichier/", documents.VersionDownloadView.as_view(), name="version-download"),
    path("versions/<int:pk>/diffuser/", documents.DistributionCreateView.as_view(), name="distribution-create"),
    path("versions/<int:pk>/lu/", documents.ReadConfirmView.as_view(), name="read-confirm"),
    # Imports
    re_path(r"^import/(?P<kind>risks|documents|measurements)/$", imports.ImportView.as_view(), name="import"),
    path("import/apercu/<uuid:pk>/", imports.ImportPreviewView.as_view(), name="import-preview"),
]

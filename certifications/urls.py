from django.urls import path

from certifications import views

app_name = "certifications"

urlpatterns = [
    # The register
    path("", views.CertificationListView.as_view(), name="certification-list"),
    path("nouvelle/", views.CertificationCreateView.as_view(), name="certification-create"),
    path("calendrier/", views.CalendarView.as_view(), name="calendar"),
    path("registre/import/", views.RegisterImportView.as_view(), name="register-import"),
    path("imports/<uuid:pk>/", views.ImportPreviewView.as_view(), name="import-preview"),
    path("nos-certifications/", views.public_list, name="public-list"),
    path("<int:pk>/", views.CertificationDetailView.as_view(), name="certification-detail"),
    path("<int:pk>/modifier/", views.CertificationEditView.as_view(), name="certification-edit"),
    path("<int:pk>/statut/", views.CertificationTransitionView.as_view(), name="certification-transition"),
    path("<int:pk>/version/", views.CertificationVersionView.as_view(), name="certification-version"),
    path("<int:pk>/certificats/nouveau/", views.CertificateCreateView.as_view(), name="certificate-create"),
    path("certificats/<int:pk>/modifier/", views.CertificateEditView.as_view(), name="certificate-edit"),
    path("certificats/<int:pk>/fichier/", views.CertificateDownloadView.as_view(), name="certificate-download"),
    # The compliance matrix
    path("<int:pk>/matrice/", views.MatrixView.as_view(), name="matrix"),
    path("<int:pk>/matrice/export.xlsx", views.MatrixXlsxView.as_view(), name="matrix-xlsx"),
    path("<int:pk>/matrice/export.pdf", views.MatrixPdfView.as_view(), name="matrix-pdf"),
    path("<int:pk>/matrice/preuves.zip", views.EvidenceArchiveView.as_view(), name="evidence-archive"),
    path("<int:pk>/matrice/import/", views.SelfAssessmentImportView.as_view(), name="self-assessment-import"),
    path("<int:pk>/matrice/<int:requirement_pk>/", views.AssessmentEditView.as_view(), name="assessment-edit"),
    path("<int:pk>/matrice/<int:requirement_pk>/preuves/", views.EvidenceAddView.as_view(), name="evidence-add"),
    path("preuves/<int:pk>/", views.EvidenceDownloadView.as_view(), name="evidence-download"),
    path("preuves/<int:pk>/supprimer/", views.EvidenceDeleteView.as_view(), name="evidence-delete"),
    path("<int:pk>/instantanes/nouveau/", views.SnapshotCreateView.as_view(), name="snapshot-create"),
    path("instantanes/<int:pk>/", views.SnapshotDetailView.as_view(), name="snapshot-detail"),
    # Audits and findings
    path("audits/", views.AuditListView.as_view(), name="audit-list"),
    path("audits/nouveau/", views.AuditCreateView.as_view(), name="audit-create"),
    path("audits/<int:pk>/", views.AuditDetailView.as_view(), name="audit-detail"),
    path("audits/<int:pk>/modifier/", views.AuditEditView.as_view(), name="audit-edit"),
    path("audits/<int:pk>/statut/", views.AuditTransitionView.as_view(), name="audit-transition"),
    path("audits/<int:pk>/fichiers/<slug:kind>/", views.AuditFileView.as_view(), name="audit-file"),
    path("audits/<int:pk>/rapport.pdf", views.AuditReportPdfView.as_view(), name="audit-report-pdf"),
    path("audits/<int:pk>/constats/nouveau/", views.FindingCreateView.as_view(), name="finding-create"),
    path("constats/<int:pk>/", views.FindingDetailView.as_view(), name="finding-detail"),
    path("constats/<int:pk>/modifier/", views.FindingEditView.as_view(), name="finding-edit"),
    path("constats/<int:pk>/statut/", views.FindingTransitionView.as_view(), name="finding-transition"),
    path("programmes/", views.ProgrammeListView.as_view(), name="programme-list"),
    path("programmes/nouveau/", views.ProgrammeCreateView.as_view(), name="programme-create"),
    path("programmes/<int:pk>/", views.ProgrammeDetailView.as_view(), name="programme-detail"),
    path("programmes/<int:pk>/modifier/", views.ProgrammeEditView.as_view(), name="programme-edit"),
    # Frameworks and grading scales
    path("referentiels/", views.FrameworkListView.as_view(), name="framework-list"),
    path("referentiels/nouveau/", views.FrameworkCreateView.as_view(), name="framework-create"),
    path("referentiels/import/", views.FrameworkImportView.as_view(), name="framework-import"),
    path("referentiels/<int:pk>/", views.FrameworkDetailView.as_view(), name="framework-detail"),
    path("referentiels/<int:pk>/modifier/", views.FrameworkEditView.as_view(), name="framework-edit"),
    path(
        "referentiels/<int:pk>/nouvelle-version/", views.FrameworkNewVersionView.as_view(), name="framework-new-version"
    ),
    path("referentiels/<int:pk>/exigences/nouvelle/", views.RequirementCreateView.as_view(), name="requirement-create"),
    path("exigences/<int:pk>/modifier/", views.RequirementEditView.as_view(), name="requirement-edit"),
    path("exigences/<int:pk>/supprimer/", views.RequirementDeleteView.as_view(), name="requirement-delete"),
    path("referentiels/<int:pk>/echelle/nouveau/", views.GradeCreateView.as_view(), name="grade-create"),
    path("echelle/<int:pk>/modifier/", views.GradeEditView.as_view(), name="grade-edit"),
    path("echelle/<int:pk>/supprimer/", views.GradeDeleteView.as_view(), name="grade-delete"),
]

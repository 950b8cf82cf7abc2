from django.urls import path

from surveys.views import campaigns, councils, public, questionnaires, results

app_name = "surveys"

urlpatterns = [
    # Public (a personal link, no account)
    path("r/merci/", public.public_thanks, name="public-thanks"),
    path("r/<str:token>/", public.public_answer, name="public-answer"),
    # Campaigns and rosters
    path("", campaigns.CampaignListView.as_view(), name="campaign-list"),
    path("campagnes/nouvelle/", campaigns.CampaignCreateView.as_view(), name="campaign-create"),
    path("campagnes/<int:pk>/", campaigns.CampaignDetailView.as_view(), name="campaign-detail"),
    path("campagnes/<int:pk>/modifier/", campaigns.CampaignEditView.as_view(), name="campaign-edit"),
    path("campagnes/<int:pk>/cibles/", campaigns.CampaignTargetsView.as_view(), name="campaign-targets"),
    path("campagnes/<int:pk>/agir/<slug:action>/", campaigns.CampaignActionView.as_view(), name="campaign-action"),
    path("campagnes/<int:pk>/liste/", campaigns.RosterView.as_view(), name="roster"),
    path("campagnes/<int:pk>/liste/importer/", campaigns.RosterImportView.as_view(), name="roster-import"),
    path(
        "campagnes/<int:pk>/liste/import/<uuid:import_pk>/",
        campaigns.RosterPreviewView.as_view(),
        name="roster-preview",
    ),
    path("campagnes/<int:pk>/liste/<uuid:token>/retirer/", campaigns.RosterRemoveView.as_view(), name="roster-remove"),
    # Results (published)
    path("mes-resultats/", results.MyResultsView.as_view(), name="my-results"),
    path("campagnes/<int:pk>/resultats/", results.CampaignResultsView.as_view(), name="campaign-results"),
    path(
        "campagnes/<int:pk>/resultats/export.<str:fmt>",
        results.CampaignExportView.as_view(),
        name="campaign-export",
    ),
    path(
        "campagnes/<int:pk>/resultats/reponses-brutes.csv",
        results.CampaignRawExportView.as_view(),
        name="campaign-raw",
    ),
    path(
        "campagnes/<int:pk>/resultats/formations/<int:programme_pk>/",
        results.ProgrammeResultsView.as_view(),
        name="programme-results",
    ),
    path("campagnes/<int:pk>/resultats/<int:target_pk>/", results.TargetResultsView.as_view(), name="target-results"),
    path("campagnes/<int:pk>/resultats/<int:target_pk>/fiche.pdf", results.TargetPdfView.as_view(), name="target-pdf"),
    path(
        "campagnes/<int:pk>/resultats/<int:target_pk>/reponse/",
        results.TeacherReplyView.as_view(),
        name="target-reply",
    ),
    path(
        "campagnes/<int:pk>/resultats/<int:target_pk>/commentaires/<uuid:answer>/",
        results.CommentModerationView.as_view(),
        name="comment-moderate",
    ),
    path("evolutions/cours/<int:course_pk>/", results.CourseTrendsView.as_view(), name="course-trends"),
    path("evolutions/formations/<int:programme_pk>/", results.ProgrammeTrendsView.as_view(), name="programme-trends"),
    # Questionnaires
    path("questionnaires/", questionnaires.TemplateListView.as_view(), name="template-list"),
    path("questionnaires/nouveau/", questionnaires.TemplateCreateView.as_view(), name="template-create"),
    path("questionnaires/<int:pk>/", questionnaires.TemplateDetailView.as_view(), name="template-detail"),
    path("questionnaires/<int:pk>/modifier/", questionnaires.TemplateEditView.as_view(), name="template-edit"),
    path(
        "questionnaires/<int:pk>/nouvelle-version/",
        questionnaires.TemplateNewVersionView.as_view(),
        name="template-new-version",
    ),
    path("questionnaires/<int:pk>/apercu/", questionnaires.TemplatePreviewView.as_view(), name="template-preview"),
    path("questionnaires/<int:pk>/sections/nouvelle/", questionnaires.SectionFormView.as_view(), name="section-create"),
    path(
        "questionnaires/<int:pk>/sections/<int:section_pk>/",
        questionnaires.SectionFormView.as_view(),
        name="section-edit",
    ),
    path(
        "questionnaires/<int:pk>/sections/<int:section_pk>/supprimer/",
        questionnaires.SectionDeleteView.as_view(),
        name="section-delete",
    ),
    path(
        "questionnaires/<int:pk>/questions/nouvelle/", questionnaires.QuestionFormView.as_view(), name="question-create"
    ),
    path(
        "questionnaires/<int:pk>/questions/<int:question_pk>/",
        questionnaires.QuestionFormView.as_view(),
        name="question-edit",
    ),
    path(
        "questionnaires/<int:pk>/questions/<int:question_pk>/supprimer/",
        questionnaires.QuestionDeleteView.as_view(),
        name="question-delete",
    ),
    # Improvement councils
    path("conseils/", councils.CouncilYearView.as_view(), name="council-year"),
    path("conseils/annee/<int:year_pk>/", councils.CouncilYearView.as_view(), name="council-year-of"),
    path("conseils/nouveau/", councils.CouncilFormView.as_view(), name="council-create"),
    path("conseils/<int:pk>/", councils.CouncilDetailView.as_view(), name="council-detail"),
    path("conseils/<int:pk>/modifier/", councils.CouncilFormView.as_view(), name="council-edit"),
    path("conseils/<int:pk>/statut/<slug:status>/", councils.CouncilMoveView.as_view(), name="council-move"),
    path("conseils/<int:pk>/membres/nouveau/", councils.CouncilMemberView.as_view(), name="council-member-add"),
    path("conseils/<int:pk>/membres/<int:member_pk>/", councils.CouncilMemberView.as_view(), name="council-member"),
    path(
        "conseils/<int:pk>/membres/<int:member_pk>/retirer/",
        councils.CouncilMemberRemoveView.as_view(),
        name="council-member-remove",
    ),
    path("conseils/<int:pk>/elements/", councils.CouncilInputView.as_view(), name="council-input"),
    path("conseils/<int:pk>/decisions/", councils.CouncilDecisionView.as_view(), name="council-decision"),
    path(
        "conseils/<int:pk>/decisions/<int:decision_pk>/archiver/",
        councils.CouncilDecisionArchiveView.as_view(),
        name="council-decision-archive",
    ),
    path("conseils/<int:pk>/compte-rendu/", councils.CouncilMinutesView.as_view(), name="council-minutes"),
]

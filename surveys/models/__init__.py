"""The surveys' models, one module per concern (the improvement councils will add theirs beside)."""

from surveys.models.campaigns import MINIMUM_THRESHOLD, Campaign, CampaignTarget, RosterImport
from surveys.models.questionnaires import (
    Question,
    QuestionnaireTemplate,
    QuestionOption,
    QuestionTag,
    Scale,
    ScalePoint,
    Section,
)
from surveys.models.responses import Answer, Response, SurveyToken, TokenSecret
from surveys.models.results import ResultCounter, TeacherReply
from surveys.models.settings import SurveySettings

__all__ = [
    "MINIMUM_THRESHOLD",
    "Answer",
    "Campaign",
    "CampaignTarget",
    "Question",
    "QuestionOption",
    "QuestionTag",
    "QuestionnaireTemplate",
    "Response",
    "ResultCounter",
    "RosterImport",
    "Scale",
    "ScalePoint",
    "Section",
    "SurveySettings",
    "SurveyToken",
    "TeacherReply",
    "TokenSecret",
]
from surveys.models.councils import Council, CouncilDecision, CouncilInput, CouncilMember  # noqa: E402

__all__ += ["Council", "CouncilDecision", "CouncilInput", "CouncilMember"]

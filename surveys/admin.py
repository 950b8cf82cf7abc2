"""The surveys in the Django admin. Tokens, responses and answers are read-only; the token admin neither shows
``used`` (nor ``removed``, which would tell it) nor filters on it: nothing here says who answered."""

from __future__ import annotations

from django.contrib import admin

from surveys.models import (
    Answer,
    Campaign,
    CampaignTarget,
    Question,
    QuestionnaireTemplate,
    QuestionOption,
    QuestionTag,
    Response,
    ResultCounter,
    RosterImport,
    Scale,
    ScalePoint,
    Section,
    SurveySettings,
    SurveyToken,
    TeacherReply,
    TokenSecret,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written by the services only."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(QuestionTag)
class QuestionTagAdmin(admin.ModelAdmin):
    list_display = ("code", "label_fr", "label_en")
    list_filter = ()
    search_fields = ("code", "label_fr", "label_en")
    list_select_related = ()


class ScalePointInline(admin.TabularInline):
    model = ScalePoint
    extra = 0


@admin.register(Scale)
class ScaleAdmin(admin.ModelAdmin):
    list_display = ("code", "name_fr", "is_agreement")
    list_filter = ("is_agreement",)
    search_fields = ("code", "name_fr", "name_en")
    list_select_related = ()
    inlines = [ScalePointInline]


@admin.register(ScalePoint)
class ScalePointAdmin(admin.ModelAdmin):
    list_display = ("scale", "value", "label_fr", "label_en")
    list_filter = ("scale",)
    search_fields = ("label_fr", "label_en")
    list_select_related = ("scale",)


@admin.register(QuestionnaireTemplate)
class QuestionnaireTemplateAdmin(admin.ModelAdmin):
    list_display = ("title_fr", "code", "version", "audience", "target_kind", "is_active", "frozen_at")
    list_filter = ("audience", "target_kind", "is_active")
    search_fields = ("code", "title_fr", "title_en")
    list_select_related = ()
    readonly_fields = ("frozen_at", "previous", "created_at", "created_by")


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ("title_fr", "template", "order")
    list_filter = ("template",)
    search_fields = ("title_fr", "title_en")
    list_select_related = ("template",)


class QuestionOptionInline(admin.TabularInline):
    model = QuestionOption
    extra = 0


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ("code", "text_fr", "kind", "template", "required", "allows_not_applicable")
    list_filter = ("kind", "required", "template", "tags")
    search_fields = ("code", "text_fr", "text_en")
    list_select_related = ("template", "section")
    autocomplete_fields = ()
    inlines = [QuestionOptionInline]


@admin.register(QuestionOption)
class QuestionOptionAdmin(admin.ModelAdmin):
    list_display = ("question", "value", "label_fr", "label_en")
    list_filter = ("question__template",)
    search_fields = ("label_fr", "label_en", "question__code")
    list_select_related = ("question",)


class CampaignTargetInline(admin.TabularInline):
    model = CampaignTarget
    extra = 0
    fields = ("kind", "course", "programme", "unit", "invited_count", "answered_count")
    readonly_fields = ("invited_count", "answered_count")
    raw_id_fields = ("course", "programme", "unit")


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ("title", "academic_year", "status", "opens_on", "closes_on", "publication_date", "threshold")
    list_filter = ("status", "academic_year", "template")
    search_fields = ("title",)
    list_select_related = ("academic_year", "template")
    readonly_fields = (
        "status",
        "mailings",
        "reminders",
        "opened_at",
        "closed_at",
        "published_at",
        "results_frozen",
        "roster_purged_at",
        "created_at",
        "created_by",
        "copied_from",
    )
    inlines = [CampaignTargetInline]


@admin.register(CampaignTarget)
class CampaignTargetAdmin(admin.ModelAdmin):
    list_display = ("campaign", "kind", "course", "programme", "unit", "invited_count", "answered_count")
    list_filter = ("kind", "campaign")
    search_fields = ("course__code", "course__title", "programme__code", "unit__code")
    list_select_related = ("campaign", "course", "programme", "unit")
    raw_id_fields = ("course", "programme", "unit")
    readonly_fields = ("invited_count", "answered_count")


@admin.register(RosterImport)
class RosterImportAdmin(ReadOnlyAdmin):
    list_display = ("campaign", "filename", "created_by", "expires_at")
    list_filter = ("campaign",)
    search_fields = ("filename",)
    list_select_related = ("campaign", "created_by")
    exclude = ("content",)


@admin.register(SurveyToken)
class SurveyTokenAdmin(ReadOnlyAdmin):
    """The roster's lines. ``used`` is neither shown nor filtered on."""

    list_display = ("email", "campaign", "target", "language")
    list_filter = ("campaign", "language")
    search_fields = ("email",)
    list_select_related = ("campaign", "target__course", "target__programme", "target__unit")
    fields = ("campaign", "target", "email", "language")


@admin.register(TokenSecret)
class TokenSecretAdmin(ReadOnlyAdmin):
    list_display = ("hash", "token")
    list_filter = ()
    search_fields = ("=hash",)
    list_select_related = ("token",)


class AnswerInline(admin.TabularInline):
    model = Answer
    extra = 0
    fields = ("question", "value", "not_applicable", "text", "hidden")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Response)
class ResponseAdmin(ReadOnlyAdmin):
    list_display = ("id", "target")
    list_filter = ("target__campaign",)
    search_fields = ("=id",)
    list_select_related = ("target__course", "target__programme", "target__unit")
    inlines = [AnswerInline]


@admin.register(Answer)
class AnswerAdmin(ReadOnlyAdmin):
    list_display = ("id", "question", "value", "not_applicable", "hidden")
    list_filter = ("not_applicable", "hidden", "question__template")
    search_fields = ("=id", "question__code")
    list_select_related = ("question",)


@admin.register(ResultCounter)
class ResultCounterAdmin(ReadOnlyAdmin):
    list_display = ("campaign", "target", "question", "value", "not_applicable", "count")
    list_filter = ("campaign",)
    search_fields = ("question__code",)
    list_select_related = ("campaign", "target__course", "target__programme", "target__unit", "question")


@admin.register(TeacherReply)
class TeacherReplyAdmin(admin.ModelAdmin):
    list_display = ("target", "author", "created_at", "updated_at")
    list_filter = ("target__campaign",)
    search_fields = ("text", "author__last_name")
    list_select_related = ("target__campaign", "target__course", "author")


@admin.register(SurveySettings)
class SurveySettingsAdmin(admin.ModelAdmin):
    list_display = ("__str__", "course_results_visibility", "default_threshold", "updated_at")
    list_filter = ()
    search_fields = ()
    list_select_related = ("updated_by",)
    readonly_fields = ("updated_at", "updated_by")

    def has_add_permission(self, request) -> bool:
        # The one record is made on first use (SurveySettings.load()); it is edited, never added.
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


# Improvement councils
from surveys.models import Council, CouncilDecision, CouncilInput, CouncilMember  # noqa: E402


class CouncilMemberInline(admin.TabularInline):
    model = CouncilMember
    extra = 0
    raw_id_fields = ("user",)


class CouncilInputInline(admin.TabularInline):
    model = CouncilInput
    extra = 0


@admin.register(Council)
class CouncilAdmin(admin.ModelAdmin):
    list_display = ("pk", "academic_year", "planned_date", "held_date", "status")
    list_filter = ("status", "academic_year")
    search_fields = ("programmes__code", "programmes__name", "agenda")
    list_select_related = ("academic_year",)
    filter_horizontal = ("programmes",)
    inlines = [CouncilMemberInline, CouncilInputInline]
    readonly_fields = ("status",)


@admin.register(CouncilMember)
class CouncilMemberAdmin(admin.ModelAdmin):
    list_display = ("display_name", "role", "attended", "council")
    list_filter = ("role", "attended")
    search_fields = ("name", "user__username", "user__last_name")
    list_select_related = ("council", "council__academic_year", "user")
    raw_id_fields = ("user", "council")


@admin.register(CouncilInput)
class CouncilInputAdmin(admin.ModelAdmin):
    list_display = ("title", "council", "url")
    list_filter = ("council__academic_year",)
    search_fields = ("title", "note")
    list_select_related = ("council", "council__academic_year")


@admin.register(CouncilDecision)
class CouncilDecisionAdmin(admin.ModelAdmin):
    list_display = ("reference", "programme", "archived", "council")
    list_filter = ("archived", "council__academic_year")
    search_fields = ("text", "programme__code")
    list_select_related = ("council", "council__academic_year", "programme")
    readonly_fields = ("number",)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

from django.contrib import admin

from processes.models import (
    Distribution,
    DistributionTarget,
    Document,
    DocumentVersion,
    Indicator,
    IndicatorTarget,
    Measurement,
    Process,
    ProcessImport,
    ProcessMapSettings,
    ProcessReview,
    ReadConfirmation,
    ReviewDecision,
    Risk,
)


class NoDeleteAdmin(admin.ModelAdmin):
    """Risks, decisions and their kin are archived, never deleted: their action links must survive."""

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Process)
class ProcessAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "type", "status", "owner", "org_unit", "next_review_on", "is_active"]
    list_filter = ["type", "status", "is_active", "org_unit"]
    search_fields = ["code", "name"]
    list_select_related = ["owner", "org_unit"]
    autocomplete_fields = ["owner", "org_unit", "parent", "deputies", "related_processes"]
    readonly_fields = ["created_at", "updated_at"]


class IndicatorTargetInline(admin.TabularInline):
    model = IndicatorTarget
    extra = 0
    fields = ["applies_from", "target", "alert_threshold", "set_by", "set_at"]
    readonly_fields = ["set_by", "set_at"]


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["name", "process", "source", "metric_key", "frequency", "unit", "owner", "is_active"]
    list_filter = ["source", "frequency", "unit", "is_active", "process"]
    search_fields = ["name", "metric_key", "process__code", "process__name"]
    list_select_related = ["process", "owner"]
    autocomplete_fields = ["process", "owner", "org_unit"]
    inlines = [IndicatorTargetInline]


@admin.register(IndicatorTarget)
class IndicatorTargetAdmin(admin.ModelAdmin):
    list_display = ["indicator", "applies_from", "target", "alert_threshold", "set_by"]
    list_filter = ["applies_from"]
    search_fields = ["indicator__name", "indicator__process__code"]
    list_select_related = ["indicator", "set_by"]
    autocomplete_fields = ["indicator", "set_by"]


@admin.register(Measurement)
class MeasurementAdmin(admin.ModelAdmin):
    list_display = ["indicator", "period_start", "period_end", "value", "origin", "entered_by", "computed_at"]
    list_filter = ["origin", "period_start"]
    search_fields = ["indicator__name", "indicator__process__code", "comment"]
    list_select_related = ["indicator", "entered_by"]
    autocomplete_fields = ["indicator", "entered_by"]
    date_hierarchy = "period_start"


@admin.register(Risk)
class RiskAdmin(NoDeleteAdmin):
    list_display = [
        "reference",
        "process",
        "kind",
        "likelihood",
        "severity",
        "residual_likelihood",
        "residual_severity",
        "treatment",
        "review_on",
        "is_archived",
    ]
    list_filter = ["kind", "treatment", "is_archived", "likelihood", "severity", "process"]
    search_fields = ["reference", "description", "cause", "consequence"]
    list_select_related = ["process"]
    autocomplete_fields = ["process"]
    readonly_fields = ["created_at", "created_by", "updated_at", "archived_at"]


class ReviewDecisionInline(admin.TabularInline):
    model = ReviewDecision
    extra = 0
    fields = ["position", "text", "owner", "due_on", "is_archived"]
    autocomplete_fields = ["owner"]
    can_delete = False


@admin.register(ProcessReview)
class ProcessReviewAdmin(NoDeleteAdmin):
    list_display = ["process", "held_on", "status", "next_review_on", "created_by"]
    list_filter = ["status", "held_on", "process"]
    search_fields = ["process__code", "process__name", "participants", "assessment"]
    list_select_related = ["process", "created_by"]
    autocomplete_fields = ["process", "created_by"]
    readonly_fields = ["created_at", "held_at", "updated_at"]
    inlines = [ReviewDecisionInline]


@admin.register(ReviewDecision)
class ReviewDecisionAdmin(NoDeleteAdmin):
    list_display = ["__str__", "review", "owner", "due_on", "is_archived"]
    list_filter = ["is_archived", "due_on"]
    search_fields = ["text", "review__process__code"]
    list_select_related = ["review__process", "owner"]
    autocomplete_fields = ["review", "owner"]


class DocumentVersionInline(admin.TabularInline):
    model = DocumentVersion
    extra = 0
    fields = ["number", "status", "filename", "link", "author", "approver", "approved_at"]
    readonly_fields = ["status", "filename", "author", "approver", "approved_at"]
    show_change_link = True
    can_delete = False


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ["reference", "title", "doc_type", "origin", "process", "owner", "next_review_on", "is_active"]
    list_filter = ["doc_type", "origin", "in_library", "is_active", "process"]
    search_fields = ["reference", "title", "issuer"]
    list_select_related = ["process", "owner"]
    autocomplete_fields = ["process", "owner"]
    readonly_fields = ["created_at", "created_by", "updated_at"]
    inlines = [DocumentVersionInline]


@admin.register(DocumentVersion)
class DocumentVersionAdmin(NoDeleteAdmin):
    list_display = ["document", "number", "status", "author", "reviewer", "approver", "approved_at"]
    list_filter = ["status", "document__origin"]
    search_fields = ["document__reference", "document__title", "number", "change_summary"]
    list_select_related = ["document", "author", "reviewer", "approver"]
    autocomplete_fields = ["document", "author", "reviewer", "approver"]
    # The status moves through the approval workflow, never by hand.
    readonly_fields = ["status", "created_at", "submitted_at", "approved_at", "obsolete_at", "content_type", "size"]


class DistributionTargetInline(admin.TabularInline):
    model = DistributionTarget
    extra = 0
    fields = ["kind", "user", "org_unit", "role"]
    autocomplete_fields = ["user", "org_unit"]


@admin.register(Distribution)
class DistributionAdmin(admin.ModelAdmin):
    list_display = ["version", "sent_at", "sent_by"]
    list_filter = ["sent_at"]
    search_fields = ["version__document__reference", "version__document__title"]
    list_select_related = ["version__document", "sent_by"]
    autocomplete_fields = ["version", "sent_by"]
    inlines = [DistributionTargetInline]


@admin.register(DistributionTarget)
class DistributionTargetAdmin(admin.ModelAdmin):
    list_display = ["distribution", "kind", "user", "org_unit", "role"]
    list_filter = ["kind", "role"]
    search_fields = ["distribution__version__document__reference", "user__username", "org_unit__name"]
    list_select_related = ["distribution__version__document", "user", "org_unit"]
    autocomplete_fields = ["distribution", "user", "org_unit"]


@admin.register(ReadConfirmation)
class ReadConfirmationAdmin(admin.ModelAdmin):
    list_display = ["version", "user", "notified_at", "confirmed_at"]
    list_filter = ["confirmed_at"]
    search_fields = ["version__document__reference", "user__username", "user__last_name"]
    list_select_related = ["version__document", "user"]
    autocomplete_fields = ["version", "user", "distribution"]


@admin.register(ProcessImport)
class ProcessImportAdmin(admin.ModelAdmin):
    list_display = ["kind", "filename", "created_by", "created_at", "applied_at"]
    list_filter = ["kind", "applied_at"]
    search_fields = ["filename", "created_by__username"]
    list_select_related = ["created_by"]
    readonly_fields = ["payload", "result"]


@admin.register(ProcessMapSettings)
class ProcessMapSettingsAdmin(admin.ModelAdmin):
    list_display = ["__str__", "watch_from", "critical_from", "process_review_months", "updated_at"]
    list_filter = ["updated_at"]
    search_fields = ["pk"]
    list_select_related = ["updated_by"]

    def has_add_permission(self, request) -> bool:
        return not ProcessMapSettings.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

from django.contrib import admin

from complaints.models import (
    Complaint,
    ComplaintAttachment,
    ComplaintMessage,
    DeadlineSetting,
    HelpdeskSettings,
    RedirectBody,
    ReferenceCounter,
    ReplyTemplate,
    RootCauseCategory,
    TrackingLink,
)
from qms.core.admin import AppSettingsAdmin


@admin.register(HelpdeskSettings)
class HelpdeskSettingsAdmin(AppSettingsAdmin):
    list_display = [*AppSettingsAdmin.list_display, "take_charge_deadline_days", "answer_deadline_days"]


@admin.register(RedirectBody)
class RedirectBodyAdmin(admin.ModelAdmin):
    list_display = ["name", "email", "phone", "order", "is_active"]
    list_editable = ["order", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "description", "contact_details"]


@admin.register(RootCauseCategory)
class RootCauseCategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "order", "is_active"]
    list_editable = ["order", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "description"]


@admin.register(DeadlineSetting)
class DeadlineSettingAdmin(admin.ModelAdmin):
    list_display = ["kind", "take_charge_days", "answer_days"]


class MessageInline(admin.TabularInline):
    model = ComplaintMessage
    extra = 0
    fields = ["created_at", "kind", "author", "body"]
    readonly_fields = ["created_at", "kind", "author", "body"]
    can_delete = False


class AttachmentInline(admin.TabularInline):
    model = ComplaintAttachment
    extra = 0
    fields = ["original_name", "content_type", "size", "from_requester", "created_at"]
    readonly_fields = fields
    can_delete = False


@admin.register(Complaint)
class ComplaintAdmin(admin.ModelAdmin):
    """Sensitive requests are left out unless the administrator belongs to the sensitive-cases group."""

    list_display = ["reference", "subject", "kind", "status", "org_unit", "assignee", "received_at", "answer_due"]
    list_filter = ["status", "kind", "requester_category", "channel", "received_at"]
    search_fields = ["reference", "search_text"]
    list_select_related = ["org_unit", "assignee"]
    autocomplete_fields = [
        "org_unit",
        "process",
        "concerned_unit",
        "assignee",
        "submitted_by",
        "programme",
        "duplicate_of",
    ]
    date_hierarchy = "received_at"
    inlines = [MessageInline, AttachmentInline]
    readonly_fields = [
        "reference",
        "status",
        "ip_address",
        "received_at",
        "acknowledged_at",
        "taken_in_charge_at",
        "answered_at",
        "closed_at",
        "reopened_at",
        "take_charge_due",
        "answer_due",
        "paused_days",
        "paused_since",
        "clock_started_on",
        "rating",
        "rating_comment",
        "rated_at",
    ]
    exclude = ["tracking_token_hash", "search_text"]

    def get_queryset(self, request):
        from complaints.selectors import is_sensitive_handler

        queryset = super().get_queryset(request)
        return queryset if is_sensitive_handler(request.user) else queryset.filter(is_sensitive=False)


@admin.register(TrackingLink)
class TrackingLinkAdmin(admin.ModelAdmin):
    """Read-only: requesters get their links through "Lost your link?" and revoke them on the tracking page.
    Links of sensitive requests are left out unless the administrator belongs to the sensitive-cases group."""

    list_display = ["complaint", "created_at"]
    list_filter = ["created_at"]
    search_fields = ["complaint__reference"]
    list_select_related = ["complaint"]
    exclude = ["token_hash"]

    def get_queryset(self, request):
        from complaints.selectors import is_sensitive_handler

        queryset = super().get_queryset(request)
        return queryset if is_sensitive_handler(request.user) else queryset.filter(complaint__is_sensitive=False)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ReferenceCounter)
class ReferenceCounterAdmin(admin.ModelAdmin):
    list_display = ["year", "last"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ReplyTemplate)
class ReplyTemplateAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "order", "is_active", "updated_at"]
    list_editable = ["order", "is_active"]
    list_filter = ["is_active", "kind"]
    search_fields = ["title", "body_fr", "body_en"]


# The retention purge's mark is shown, never edited.
ComplaintAdmin.readonly_fields = [*ComplaintAdmin.readonly_fields, "purged_at"]

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from actionplans.models import (
    Action,
    ActionEvidence,
    ActionPlan,
    ActionPlanSettings,
    ActionSource,
    ActionUpdate,
    Axis,
    EffectivenessCheck,
    Objective,
    PlanImport,
)
from qms.core.admin import AppSettingsAdmin


class AxisInline(admin.TabularInline):
    model = Axis
    extra = 0
    fields = ["code", "title", "order"]


class ObjectiveInline(admin.TabularInline):
    model = Objective
    extra = 0
    fields = ["axis", "title", "order"]

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        if obj is not None:
            formset.form.base_fields["axis"].queryset = obj.axes.all()
        return formset


@admin.register(ActionPlan)
class ActionPlanAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "status", "org_unit", "owner", "period_start", "period_end"]
    list_filter = ["kind", "status", "org_unit"]
    search_fields = ["title", "source"]
    list_select_related = ["org_unit", "owner"]
    autocomplete_fields = ["org_unit", "owner", "programme"]
    readonly_fields = ["created_at", "created_by", "updated_at"]
    inlines = [AxisInline, ObjectiveInline]


class ActionSourceInline(admin.TabularInline):
    model = ActionSource
    extra = 0
    fields = ["content_type", "object_id", "created_at", "created_by"]
    readonly_fields = ["created_at", "created_by"]


class ActionUpdateInline(admin.TabularInline):
    model = ActionUpdate
    extra = 0
    fields = ["at", "author", "progress", "comment"]
    readonly_fields = ["at", "author"]
    show_change_link = True


class EffectivenessCheckInline(admin.TabularInline):
    model = EffectivenessCheck
    fk_name = "action"
    extra = 0
    fields = ["result", "checked_on", "checked_by", "comment", "follow_up"]
    raw_id_fields = ["follow_up"]
    autocomplete_fields = ["checked_by"]


@admin.register(Action)
class ActionAdmin(admin.ModelAdmin):
    list_display = ["reference", "title", "plan", "status", "owner", "owner_label", "deadline", "progress"]
    list_filter = ["status", "kind", "priority", "plan"]
    search_fields = ["reference", "title", "owner_label", "description"]
    list_select_related = ["plan", "owner"]
    autocomplete_fields = ["plan", "owner", "org_unit", "process"]
    raw_id_fields = ["objective"]
    readonly_fields = ["status", "completed_on", "created_at", "created_by", "updated_at"]
    date_hierarchy = "deadline"
    inlines = [ActionSourceInline, ActionUpdateInline, EffectivenessCheckInline]


class ActionEvidenceInline(admin.TabularInline):
    model = ActionEvidence
    extra = 0
    # Files live in private storage, with no URL: they are read through the permission-checked view.
    fields = ["file_link", "url", "label"]
    readonly_fields = ["file_link"]

    @admin.display(description=_("file"))
    def file_link(self, obj: ActionEvidence) -> str:
        if not obj.pk or not obj.file:
            return "—"
        return format_html('<a href="{}">{}</a>', reverse("actionplans:evidence-download", args=[obj.pk]), obj.filename)


@admin.register(ActionUpdate)
class ActionUpdateAdmin(admin.ModelAdmin):
    list_display = ["action", "at", "author", "progress"]
    list_select_related = ["action", "author"]
    search_fields = ["action__reference", "action__title", "comment"]
    list_filter = ["at", "action__plan"]
    autocomplete_fields = ["action", "author"]
    inlines = [ActionEvidenceInline]


@admin.register(PlanImport)
class PlanImportAdmin(admin.ModelAdmin):
    list_display = ["plan", "filename", "created_by", "created_at", "expires_at", "applied_at"]
    list_select_related = ["plan", "created_by"]
    list_filter = ["created_at", "applied_at"]
    search_fields = ["filename", "plan__title", "created_by__username"]
    readonly_fields = ["plan", "created_by", "created_at", "expires_at", "filename", "payload", "applied_at"]

    def has_add_permission(self, request):
        return False


@admin.register(ActionPlanSettings)
class ActionPlanSettingsAdmin(AppSettingsAdmin):
    list_display = [*AppSettingsAdmin.list_display, "escalate_after_days"]

    def has_add_permission(self, request) -> bool:
        # The one record is made on first use (ActionPlanSettings.load()); asking the database here would cost a
        # query on every admin page, whose sidebar asks every model admin.
        return False

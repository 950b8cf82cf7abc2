from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from qms.core.models import (
    AcademicYear,
    AccessGrant,
    ActivityLog,
    ClosureDay,
    Course,
    Membership,
    OrgUnit,
    Programme,
    SiteSettings,
    SpentStamp,
    StatusChange,
    Teaching,
    User,
)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["org_unit"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (*BaseUserAdmin.fieldsets, (_("Preferences"), {"fields": ("language",)}))
    list_display = ["username", "email", "first_name", "last_name", "is_active", "is_staff"]
    list_filter = ["is_active", "is_staff", "is_superuser", "groups", "language"]
    inlines = [MembershipInline]


@admin.register(OrgUnit)
class OrgUnitAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "parent", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "code"]
    list_select_related = ["parent"]
    autocomplete_fields = ["parent"]
    inlines = [MembershipInline]


@admin.register(AcademicYear)
class AcademicYearAdmin(admin.ModelAdmin):
    list_display = ["name", "start_date", "end_date", "is_current"]
    list_filter = ["is_current"]
    search_fields = ["name"]


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "mode", "org_unit", "director", "is_active"]
    list_filter = ["level", "mode", "is_active", "org_unit"]
    search_fields = ["code", "name"]
    list_select_related = ["org_unit", "director"]
    autocomplete_fields = ["org_unit", "director"]


class TeachingInline(admin.TabularInline):
    model = Teaching
    extra = 0
    autocomplete_fields = ["teacher", "academic_year"]


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "semester", "org_unit", "is_active"]
    list_filter = ["semester", "is_active", "org_unit"]
    search_fields = ["code", "title"]
    list_select_related = ["org_unit"]
    autocomplete_fields = ["org_unit", "programmes"]
    inlines = [TeachingInline]


@admin.register(Teaching)
class TeachingAdmin(admin.ModelAdmin):
    list_display = ["course", "academic_year", "teacher"]
    list_filter = ["academic_year"]
    search_fields = ["course__code", "course__title", "teacher__username", "teacher__last_name"]
    list_select_related = ["course", "academic_year", "teacher"]
    autocomplete_fields = ["course", "academic_year", "teacher"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "org_unit", "role"]
    list_filter = ["role", "org_unit"]
    search_fields = ["user__username", "user__last_name", "user__email", "org_unit__name", "org_unit__code"]
    list_select_related = ["user", "org_unit"]
    autocomplete_fields = ["user", "org_unit"]


@admin.register(AccessGrant)
class AccessGrantAdmin(admin.ModelAdmin):
    list_display = ["user", "content_type", "object_id", "valid_from", "valid_until", "granted_by"]
    list_filter = ["content_type", "valid_until"]
    search_fields = ["user__username", "user__last_name", "reason"]
    list_select_related = ["user", "content_type", "granted_by"]
    autocomplete_fields = ["user", "granted_by"]


@admin.register(ActivityLog)
class ActivityLogAdmin(admin.ModelAdmin):
    list_display = ["at", "actor_label", "verb", "content_type", "object_repr"]
    list_filter = ["verb", "actor", "content_type"]
    search_fields = ["object_repr", "user__username", "verb"]
    list_select_related = ["user", "content_type"]
    autocomplete_fields = ["user"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(StatusChange)
class StatusChangeAdmin(admin.ModelAdmin):
    list_display = ["at", "content_type", "object_id", "from_status", "to_status", "actor_label"]
    list_filter = ["content_type", "to_status", "actor"]
    search_fields = ["note", "to_status", "from_status"]
    list_select_related = ["by", "content_type"]
    autocomplete_fields = ["by"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SiteSettings)
class SiteSettingsAdmin(admin.ModelAdmin):
    """One record: it can be changed, never added twice nor deleted."""

    list_display = ["__str__", "institution_name", "holidays_country", "updated_at", "updated_by"]
    readonly_fields = ["updated_at", "updated_by"]
    autocomplete_fields = []

    def has_add_permission(self, request):
        return not SiteSettings.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)


class AppSettingsAdmin(admin.ModelAdmin):
    """The admin of an app's settings record (``qms.core.app_settings.AppSettings``): one record, changed, never
    added twice nor deleted."""

    list_display = ["__str__", "updated_at", "updated_by"]
    list_filter = ["updated_at"]
    search_fields = ["updated_by__username"]
    list_select_related = ["updated_by"]
    readonly_fields = ["updated_at", "updated_by"]

    def has_add_permission(self, request):
        return not self.model.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(ClosureDay)
class ClosureDayAdmin(admin.ModelAdmin):
    list_display = ["label", "start_date", "end_date", "days"]
    list_filter = ["start_date"]
    search_fields = ["label"]
    date_hierarchy = "start_date"
    ordering = ["-start_date"]


@admin.register(SpentStamp)
class SpentStampAdmin(admin.ModelAdmin):
    """Read-only: the public forms write these rows, and remove them once expired."""

    list_display = ["form", "key", "content_type", "object_id", "repeat_until", "expires_at"]
    list_filter = ["form", "content_type"]
    search_fields = ["key", "form"]
    list_select_related = ["content_type"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

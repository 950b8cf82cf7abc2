from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from certifications.models import (
    ActionCategory,
    Assessment,
    AssessmentSnapshot,
    Audit,
    Certificate,
    Certification,
    CertificationImport,
    CertificationSettings,
    Condition,
    Evidence,
    Finding,
    Framework,
    Grade,
    InternalAuditProgramme,
    LiveEvidence,
    Requirement,
    SnapshotRow,
    VersionChange,
)


class ActionCategoryInline(admin.TabularInline):
    model = ActionCategory
    extra = 0
    fields = ["code", "title", "position"]


class ConditionInline(admin.TabularInline):
    model = Condition
    extra = 0
    fields = ["code", "title", "position"]


class GradeInline(admin.TabularInline):
    model = Grade
    extra = 0
    fk_name = "framework"
    fields = ["code", "label", "kind", "needs_action", "implementation_months", "verification_months", "position"]


@admin.register(Framework)
class FrameworkAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "version", "kind", "effective_from", "effective_until", "is_reference"]
    list_filter = ["kind", "is_reference", "code"]
    search_fields = ["name", "code", "version", "publisher"]
    list_select_related = []
    readonly_fields = ["is_reference", "created_at", "updated_at"]
    inlines = [ActionCategoryInline, ConditionInline, GradeInline]


@admin.register(ActionCategory)
class ActionCategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "framework"]
    list_filter = ["framework"]
    search_fields = ["code", "title"]
    list_select_related = ["framework"]


@admin.register(Condition)
class ConditionAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "framework"]
    list_filter = ["framework"]
    search_fields = ["code", "title"]
    list_select_related = ["framework"]


class LiveEvidenceInline(admin.TabularInline):
    model = LiveEvidence
    extra = 0
    fields = ["kind", "key", "label", "position"]


@admin.register(Requirement)
class RequirementAdmin(admin.ModelAdmin):
    list_display = ["reference", "title", "framework", "depth", "is_leaf", "nc_grading", "new_entrants"]
    list_filter = ["framework", "is_leaf", "nc_grading", "new_entrants"]
    search_fields = ["reference", "title", "title_en", "statement"]
    list_select_related = ["framework"]
    raw_id_fields = ["parent"]
    readonly_fields = ["position", "depth", "is_leaf", "criterion"]
    filter_horizontal = ["categories"]
    inlines = [LiveEvidenceInline]


@admin.register(LiveEvidence)
class LiveEvidenceAdmin(admin.ModelAdmin):
    list_display = ["key", "kind", "label", "requirement"]
    list_filter = ["kind"]
    search_fields = ["key", "label", "requirement__reference"]
    list_select_related = ["requirement", "requirement__framework"]
    raw_id_fields = ["requirement"]


@admin.register(Grade)
class GradeAdmin(admin.ModelAdmin):
    list_display = ["code", "label", "kind", "needs_action", "framework"]
    list_filter = ["kind", "needs_action", "framework"]
    search_fields = ["code", "label"]
    list_select_related = ["framework"]


class CertificateInline(admin.TabularInline):
    model = Certificate
    extra = 0
    fields = ["number", "issued_on", "valid_from", "valid_until", "file"]


@admin.register(Certification)
class CertificationAdmin(admin.ModelAdmin):
    list_display = ["name", "framework", "holder", "owner", "status", "level", "show_on_public_page"]
    list_filter = ["status", "framework__code", "show_on_public_page", "is_new_entrant"]
    search_fields = ["name", "scope", "certifying_body"]
    list_select_related = ["framework", "holder", "owner"]
    autocomplete_fields = ["holder", "owner"]
    readonly_fields = ["status", "created_at", "created_by", "updated_at"]
    filter_horizontal = ["categories", "conditions"]
    inlines = [CertificateInline]


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    list_display = ["certification", "number", "issued_on", "valid_from", "valid_until"]
    list_filter = ["certification__framework__code"]
    search_fields = ["number", "certification__name"]
    list_select_related = ["certification"]
    date_hierarchy = "valid_until"


@admin.register(VersionChange)
class VersionChangeAdmin(admin.ModelAdmin):
    list_display = ["certification", "from_framework", "to_framework", "at", "by", "carried"]
    list_filter = ["to_framework"]
    search_fields = ["certification__name"]
    list_select_related = ["certification", "from_framework", "to_framework", "by"]


@admin.register(InternalAuditProgramme)
class InternalAuditProgrammeAdmin(admin.ModelAdmin):
    list_display = ["title", "year", "framework", "owner"]
    list_filter = ["year"]
    search_fields = ["title"]
    list_select_related = ["framework", "owner"]


class FindingInline(admin.TabularInline):
    model = Finding
    fk_name = "audit"
    extra = 0
    fields = ["reference", "grade", "requirement", "status", "implementation_due"]
    readonly_fields = ["status"]
    raw_id_fields = ["requirement"]
    show_change_link = True


@admin.register(Audit)
class AuditAdmin(admin.ModelAdmin):
    list_display = ["title", "audit_type", "is_internal", "certification", "start_date", "end_date", "status"]
    list_filter = ["status", "audit_type", "is_internal"]
    search_fields = ["title", "lead_auditor_name", "certification__name"]
    list_select_related = ["certification", "framework", "programme"]
    autocomplete_fields = ["lead_auditor"]
    filter_horizontal = ["team", "audited_units", "audited_processes"]
    readonly_fields = [
        "status",
        "impartiality_overridden_by",
        "impartiality_overridden_at",
        "created_at",
        "created_by",
        "updated_at",
    ]
    inlines = [FindingInline]


@admin.register(Finding)
class FindingAdmin(admin.ModelAdmin):
    list_display = ["full_reference", "grade", "original_grade", "requirement", "status", "implementation_due"]
    list_filter = ["status", "grade__kind"]
    search_fields = ["reference", "description", "audit__title"]
    list_select_related = ["audit", "grade", "original_grade", "requirement"]
    raw_id_fields = ["audit", "requirement"]
    readonly_fields = ["status", "original_grade", "regraded_at", "regraded_at_audit", "closed_on", "created_at"]

    @admin.display(description=_("reference"))
    def full_reference(self, obj: Finding) -> str:
        return obj.full_reference


class EvidenceInline(admin.TabularInline):
    model = Evidence
    extra = 0
    fields = ["kind", "label", "file", "url", "dated"]


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    list_display = ["certification", "requirement", "status", "owner", "reviewed_at"]
    list_filter = ["status", "certification"]
    search_fields = ["requirement__reference", "comment", "certification__name"]
    list_select_related = ["certification", "requirement", "owner"]
    raw_id_fields = ["requirement"]
    inlines = [EvidenceInline]


@admin.register(Evidence)
class EvidenceAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "dated", "assessment"]
    list_filter = ["kind"]
    search_fields = ["label", "url"]
    list_select_related = ["assessment", "assessment__certification", "assessment__requirement"]
    raw_id_fields = ["assessment"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Snapshots are never edited: the admin only reads them."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(AssessmentSnapshot)
class AssessmentSnapshotAdmin(ReadOnlyAdmin):
    list_display = ["certification", "label", "taken_at", "readiness", "not_assessed"]
    list_filter = ["certification"]
    search_fields = ["label", "certification__name"]
    list_select_related = ["certification", "taken_by"]


@admin.register(SnapshotRow)
class SnapshotRowAdmin(ReadOnlyAdmin):
    list_display = ["snapshot", "reference", "status", "is_leaf"]
    list_filter = ["status", "is_leaf"]
    search_fields = ["reference", "title"]
    list_select_related = ["snapshot", "snapshot__certification"]


@admin.register(CertificationImport)
class CertificationImportAdmin(admin.ModelAdmin):
    list_display = ["kind", "filename", "created_by", "created_at", "applied_at"]
    list_filter = ["kind"]
    search_fields = ["filename"]
    list_select_related = ["created_by", "certification"]
    readonly_fields = ["payload"]


@admin.register(CertificationSettings)
class CertificationSettingsAdmin(admin.ModelAdmin):
    list_display = ["__str__", "evidence_max_age_months", "zip_max_megabytes", "auditor_grant_days", "updated_at"]
    list_filter = []
    search_fields = []
    list_select_related = ["updated_by"]

    def has_add_permission(self, request) -> bool:
        return False  # one record, made on first use (CertificationSettings.load)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

from django.contrib import admin

from processes.models import Process


@admin.register(Process)
class ProcessAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "type", "owner", "org_unit", "is_active"]
    list_filter = ["type", "is_active", "org_unit"]
    search_fields = ["code", "name"]
    list_select_related = ["owner", "org_unit"]
    autocomplete_fields = ["owner", "org_unit"]

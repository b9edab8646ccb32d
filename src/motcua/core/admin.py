from django.contrib import admin

from motcua.core.models import AuditEntry, CalendarDay


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ("day", "kind", "note")
    list_filter = ("kind",)
    date_hierarchy = "day"
    search_fields = ("note",)


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the log is written by the application alone."""

    list_display = ("at", "chain", "action", "object_ref", "actor")
    list_filter = ("chain", "action")
    search_fields = ("object_ref",)
    date_hierarchy = "at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

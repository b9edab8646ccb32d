from django.contrib import admin

from motcua.feedback.models import Feedback


@admin.register(Feedback)
class FeedbackAdmin(admin.ModelAdmin):
    """Read only: feedback changes through its table (rules.py), by the agency's officials."""

    list_display = ["code", "agency", "subject", "state", "received_on", "answer_due", "closed_on"]
    list_filter = ["state", "subject"]
    search_fields = ["code", "title"]
    readonly_fields = [field.name for field in Feedback._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

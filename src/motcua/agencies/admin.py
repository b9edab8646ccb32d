from django.contrib import admin

from motcua.agencies.models import Agency


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = (
        "code",
        "name",
        "tier",
        "kind",
        "parent",
        "has_one_stop_desk",
        "valid_from",
        "valid_to",
    )
    list_filter = ("tier", "kind", "has_one_stop_desk", "valid_to")
    search_fields = ("code", "name", "short_name")
    autocomplete_fields = ("parent", "successors")
    list_select_related = ("parent",)

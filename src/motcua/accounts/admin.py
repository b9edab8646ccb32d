from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from motcua.accounts.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "full_name", "kind", "role", "agency", "is_active")
    list_filter = ("kind", "role", "is_staff", "is_active")
    search_fields = ("username", "full_name", "email", "phone")
    autocomplete_fields = ("agency",)
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Motcua"), {"fields": ("full_name", "phone", "kind", "role", "agency")}),
    )

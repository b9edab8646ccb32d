from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from motcua.accounts import services
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
    actions = ["revoke_api_tokens"]

    @admin.action(description=_("Revoke the API tokens of the selected accounts"))
    def revoke_api_tokens(self, request, queryset) -> None:
        """Through the same rule as the API: accounts the user may not touch are left alone."""
        revoked = refused = 0
        for account in queryset:
            if services.may_revoke_tokens(request.user, account):
                revoked += services.revoke_tokens(request.user, account)
            else:
                refused += 1
        self.message_user(request, _("API tokens revoked: %(count)d.") % {"count": revoked})
        if refused:
            self.message_user(
                request,
                _("%(count)d accounts were left alone: you may not revoke their tokens.")
                % {"count": refused},
                messages.WARNING,
            )

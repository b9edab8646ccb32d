from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.integrations import outbox
from motcua.integrations.models import OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    """The messages to the national portal: read, never edited; a stuck one is resent."""

    list_display = (
        "__str__",
        "national_status",
        "state",
        "attempts",
        "created_at",
        "delivered_at",
        "next_attempt_at",
        "short_error",
    )
    list_filter = ("kind", "state")
    search_fields = ("dossier__code", "feedback__code")
    actions = ("resend",)
    date_hierarchy = "created_at"
    show_full_result_count = False

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in OutboxMessage._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=gettext_lazy("national status"))
    def national_status(self, message: OutboxMessage) -> int | None:
        return message.payload.get("status")

    @admin.display(description=gettext_lazy("last error"))
    def short_error(self, message: OutboxMessage) -> str:
        return message.last_error[:120]

    @admin.action(
        description=gettext_lazy(
            "Resend the selected messages (and the later ones of their dossiers)"
        ),
        permissions=["change"],
    )
    def resend(self, request, queryset) -> None:
        count = outbox.resend(queryset)
        self.message_user(
            request,
            _("%(count)s messages will be sent again, in order.") % {"count": count},
            messages.SUCCESS,
        )

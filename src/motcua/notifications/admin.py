from django.contrib import admin

from motcua.notifications.forms import TemplateForm
from motcua.notifications.messages import PLACEHOLDERS
from motcua.notifications.models import Delivery, Notice, Preference, Template


@admin.register(Template)
class TemplateAdmin(admin.ModelAdmin):
    form = TemplateForm
    list_display = ["kind", "channel", "language", "subject"]
    list_filter = ["kind", "channel", "language"]
    search_fields = ["subject", "body"]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.base_fields["body"].help_text = ", ".join(
            f"{{{name}}}: {meaning}" for name, meaning in PLACEHOLDERS.items()
        )
        return form


class DeliveryInline(admin.TabularInline):
    model = Delivery
    extra = 0
    can_delete = False
    fields = ["channel", "address", "status", "provider", "sent_at", "error"]
    readonly_fields = fields


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    list_display = [
        "dossier",
        "feedback",
        "kind",
        "recipient",
        "created_at",
        "undelivered_at",
        "called_at",
    ]
    list_filter = ["kind", "undelivered_at"]
    search_fields = ["dossier__code", "feedback__code"]
    inlines = [DeliveryInline]
    readonly_fields = [f.name for f in Notice._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(Preference)
class PreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "email", "sms", "zalo", "in_app", "language"]
    raw_id_fields = ["user"]

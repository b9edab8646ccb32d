from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.payments import services
from motcua.payments.models import Payment


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    """Payments are read, never edited: only the gateway's word changes them (and refunds)."""

    list_display = ("reference", "dossier", "amount", "status", "provider", "created_at", "paid_at")
    list_filter = ("status", "provider")
    search_fields = ("reference", "dossier__code", "provider_transaction")
    list_select_related = ("dossier",)
    actions = ("refund",)

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in Payment._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(
        description=gettext_lazy("Refund the selected paid payments"), permissions=["change"]
    )
    def refund(self, request, queryset) -> None:
        for payment in queryset.select_related("dossier"):
            try:
                services.refund(payment, request.user)
            except services.PaymentRefused as refusal:
                self.message_user(request, f"{payment.reference}: {refusal.reason}", messages.ERROR)
            else:
                self.message_user(
                    request,
                    _("%(reference)s refunded.") % {"reference": payment.reference},
                    messages.SUCCESS,
                )

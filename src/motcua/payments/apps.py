from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "motcua.payments"
    verbose_name = _("Fee payments")

    def ready(self) -> None:
        from motcua.dossiers import workflow
        from motcua.payments.services import require_payment_first

        workflow.register_guard(require_payment_first)

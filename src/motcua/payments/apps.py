from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "motcua.payments"
    verbose_name = _("Fee payments")

    def ready(self) -> None:
        from motcua.core import national
        from motcua.dossiers import panels, workflow
        from motcua.payments import signals
        from motcua.payments.paygov import link_state
        from motcua.payments.services import require_payment_first, resume_when_fees_paid
        from motcua.payments.views import dossier_panel

        workflow.register_guard(require_payment_first)
        signals.payment_settled.connect(
            resume_when_fees_paid, dispatch_uid="payments.resume_when_fees_paid"
        )
        panels.register_panel("payments/_dossier_payment.html", dossier_panel, order=10)
        national.register(national.PAYMENT, link_state)

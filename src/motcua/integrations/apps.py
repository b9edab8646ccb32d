from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntegrationsConfig(AppConfig):
    name = "motcua.integrations"
    verbose_name = _("National public service portal")

    def ready(self) -> None:
        from motcua.core import national
        from motcua.dossiers.signals import status_changed
        from motcua.feedback.signals import feedback_changed
        from motcua.integrations import outbox, probes

        status_changed.connect(outbox.on_status_changed, dispatch_uid="integrations.outbox")
        feedback_changed.connect(
            outbox.on_feedback_changed, dispatch_uid="integrations.outbox.feedback"
        )
        national.register(national.SINGLE_SIGN_ON, probes.single_sign_on)
        national.register(national.INTAKE, probes.intake)
        national.register(national.STATUS_SYNC, probes.status_sync)
        national.register(national.FEEDBACK, probes.feedback)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "motcua.feedback"
    verbose_name = _("Citizen feedback")

    def ready(self) -> None:
        from motcua.dossiers import panels
        from motcua.feedback.views import dossier_panel

        panels.register_panel("feedback/_dossier_panel.html", dossier_panel, order=40)

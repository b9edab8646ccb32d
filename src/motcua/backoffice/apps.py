from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BackofficeConfig(AppConfig):
    name = "motcua.backoffice"
    verbose_name = _("One-stop back office")

    def ready(self) -> None:
        from motcua.backoffice.panels import apology_panel
        from motcua.dossiers import panels

        panels.register_panel("backoffice/_apology_panel.html", apology_panel, order=30)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DossiersConfig(AppConfig):
    name = "motcua.dossiers"
    verbose_name = _("Dossiers")

    def ready(self) -> None:
        from motcua.dossiers import panels, views

        panels.register_panel("dossiers/_result_panel.html", views.result_panel, order=20)

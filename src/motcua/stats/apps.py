from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatsConfig(AppConfig):
    name = "motcua.stats"
    verbose_name = _("Statistics")

    def ready(self) -> None:
        from motcua.stats import receivers

        receivers.connect()

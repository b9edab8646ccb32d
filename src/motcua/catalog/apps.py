from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "motcua.catalog"
    verbose_name = _("Procedure catalog")

    def ready(self) -> None:
        from motcua.catalog import national, receivers  # noqa: F401
        from motcua.core import national as connection

        connection.register(connection.CATALOG, national.link_state)

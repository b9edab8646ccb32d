from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "motcua.notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from motcua.accounts import profile_sections, sms
        from motcua.notifications import channels, receivers, views

        receivers.connect()
        sms.register_sender(channels.send_sms)
        profile_sections.register_section(
            "notifications/_preferences.html", views.preferences_section, order=10
        )

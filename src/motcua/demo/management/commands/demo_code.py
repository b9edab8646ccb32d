import base64

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django_otp.oath import totp

from motcua.demo.province import DEMO_TOTP_SECRET


class Command(BaseCommand):
    help = "Print the code the demo officials' authenticator shows now (the demo secret only)."

    def handle(self, *args, **options):
        code = str(totp(base64.b32decode(DEMO_TOTP_SECRET))).zfill(6)
        self.stdout.write(
            _("Code of the demo officials' authenticator, valid for about 30 seconds: %(code)s")
            % {"code": code}
        )

"""Make the self-signed certificate that signs results on a demo or development site."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from motcua.core.signing import make_certificate


def demo_files() -> tuple[Path, Path]:
    """Where the demo certificate and key live: the default settings point here."""
    folder = Path(settings.VAR_DIR) / "signing"
    return folder / "certificate.pem", folder / "key.pem"


class Command(BaseCommand):
    help = "Make a self-signed certificate for signing results, unless one exists or is set."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Replace the demo certificate that exists."
        )

    def handle(self, *args, force: bool, **options):
        cert_file, key_file = Path(settings.SIGNING_CERT_FILE), Path(settings.SIGNING_KEY_FILE)
        if (cert_file, key_file) != demo_files():
            self.stdout.write(
                _("The settings name a signing certificate of their own: %(path)s.")
                % {"path": cert_file}
            )
            return
        if cert_file.exists() and key_file.exists() and not force:
            self.stdout.write(
                _("A signing certificate already exists: %(path)s.") % {"path": cert_file}
            )
            return
        make_certificate(cert_file, key_file, settings.SIGNING_KEY_PASSPHRASE)
        self.stdout.write(
            _("Made a self-signed demo signing certificate: %(path)s.") % {"path": cert_file}
        )

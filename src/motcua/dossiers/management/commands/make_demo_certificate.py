"""Make the self-signed certificate that signs results on a demo or development site.

A real installation names the certificate its certification authority issued
(SIGNING_CERT_FILE, SIGNING_KEY_FILE); a self-signed one only proves that a document left this
server unchanged, to whoever chooses to trust it.
"""

from __future__ import annotations

import datetime
import os
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

DEMO_SUBJECT = x509.Name(
    [
        x509.NameAttribute(NameOID.COMMON_NAME, "Ủy ban nhân dân tỉnh Thừa Thiên Huế (demo)"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Motcua demo"),
        x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
    ]
)
VALID_DAYS = 3650


def demo_files() -> tuple[Path, Path]:
    """Where the demo certificate and key live: the default settings point here."""
    folder = Path(settings.VAR_DIR) / "signing"
    return folder / "certificate.pem", folder / "key.pem"


def make_certificate(cert_file: Path, key_file: Path, passphrase: str = "") -> None:
    """Write a new self-signed signing certificate and its key (readable by the owner only)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(DEMO_SUBJECT)
        .issuer_name(DEMO_SUBJECT)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=VALID_DAYS))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_signing_usage(), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    encryption = (
        serialization.BestAvailableEncryption(passphrase.encode())
        if passphrase
        else serialization.NoEncryption()
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
    )
    for path in (cert_file, key_file):
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    _write_private(key_file, key_pem)
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))


def _signing_usage() -> x509.KeyUsage:
    """Digital signature and non-repudiation: what PDF readers expect of a document signer."""
    return x509.KeyUsage(
        digital_signature=True,
        content_commitment=True,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=False,
        crl_sign=False,
        encipher_only=False,
        decipher_only=False,
    )


def _write_private(path: Path, content: bytes) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(content)


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

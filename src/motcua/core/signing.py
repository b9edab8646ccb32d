"""The self-signed certificate that signs results on a demo, development or test site.

A real installation names the certificate its certification authority issued
(SIGNING_CERT_FILE, SIGNING_KEY_FILE); a self-signed one only proves that a document left this
server unchanged, to whoever chooses to trust it. Nothing here reads the settings, so the test
settings can make their throwaway certificate while they load.
"""

from __future__ import annotations

import datetime
import os
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

DEMO_SUBJECT = x509.Name(
    [
        x509.NameAttribute(NameOID.COMMON_NAME, "Ủy ban nhân dân tỉnh Thừa Thiên Huế (demo)"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Motcua demo"),
        x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
    ]
)
VALID_DAYS = 3650


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

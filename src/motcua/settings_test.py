"""Settings for the test suite: the production settings with a fixed key, fast hashing and an
OpenID provider (django-oauth-toolkit) for the single sign-on tests."""

import atexit
import os
import shutil
import tempfile
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

os.environ.setdefault("SECRET_KEY", "test-suite-only-key")
os.environ.setdefault("AUDIT_KEY", "test-suite-only-audit-key")

from motcua.core.signing import make_certificate
from motcua.settings import *  # noqa: F403
from motcua.settings import INSTALLED_APPS, NOTIFICATION_CHANNELS, STORAGES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
NOTIFICATION_CHANNELS = {
    **NOTIFICATION_CHANNELS,
    "sms": {
        "CLASS": "motcua.notifications.channels.SmsChannel",
        "GATEWAYS": [{"NAME": "locmem", "CLASS": "motcua.notifications.sms.LocmemGateway"}],
    },
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def _signing_key() -> str:
    """A fresh RSA key for the test identity provider, so that no private key is committed."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


# Single sign-on stays off unless a test turns it on; tests/oidc_provider.py is the OpenID
# provider it is tested against, served by the live server under /idp/.
OIDC_RP_CLIENT_ID = ""
INSTALLED_APPS = [*INSTALLED_APPS, "oauth2_provider"]
OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "OIDC_RSA_PRIVATE_KEY": _signing_key(),
    "OAUTH2_VALIDATOR_CLASS": "tests.oidc_provider.NationalIdentityValidator",
    "SCOPES": {"openid": "OpenID", "profile": "Name", "email": "E-mail", "phone": "Phone"},
}

# Approving a dossier signs its result: a throwaway certificate, made once per test run.
_SIGNING_DIR = Path(tempfile.mkdtemp(prefix="motcua-signing-"))
atexit.register(shutil.rmtree, _SIGNING_DIR, ignore_errors=True)
SIGNING_CERT_FILE = str(_SIGNING_DIR / "certificate.pem")
SIGNING_KEY_FILE = str(_SIGNING_DIR / "key.pem")
SIGNING_KEY_PASSPHRASE = "test-suite-only-passphrase"
make_certificate(Path(SIGNING_CERT_FILE), Path(SIGNING_KEY_FILE), SIGNING_KEY_PASSPHRASE)
CELERY_TASK_ALWAYS_EAGER = True

# The test database in a file, as in production, not SQLite's shared in-memory database: two
# requests at once (a double click against the live server) then wait for each other's
# transaction (the busy timeout) instead of failing on a table lock at once.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    _DATABASE_DIR = Path(tempfile.mkdtemp(prefix="motcua-test-db-"))
    atexit.register(shutil.rmtree, _DATABASE_DIR, ignore_errors=True)
    DATABASES["default"]["TEST"] = {"NAME": str(_DATABASE_DIR / "test.sqlite3")}  # noqa: F405

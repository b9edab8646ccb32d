"""Django settings. Every value that differs between installations comes from the environment;
see docs/configuration.md."""

import datetime
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from motcua import config

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent.parent
VAR_DIR = Path(config.env_str("VAR_DIR", str(PROJECT_DIR / "var")))

DEBUG = config.env_bool("DEBUG", False)
SECRET_KEY = config.secret_key(DEBUG)
AUDIT_KEY = config.audit_key(DEBUG, SECRET_KEY)
ALLOWED_HOSTS = config.env_list("ALLOWED_HOSTS", "localhost,127.0.0.1")
CSRF_TRUSTED_ORIGINS = config.env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "motcua.core",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "motcua.accounts",
    "motcua.agencies",
    "motcua.catalog",
    "motcua.portal",
    "motcua.dossiers",
    "motcua.backoffice",
    "motcua.payments",
    "motcua.notifications",
    "motcua.integrations",
    "motcua.feedback",
    "motcua.stats",
    "motcua.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "motcua.core.headers.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "motcua.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "motcua.accounts.two_factor.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "motcua.core.middleware.ForbiddenCharacterMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    "motcua.notifications.limits.ClientAddressMiddleware",
]

ROOT_URLCONF = "motcua.urls"
WSGI_APPLICATION = "motcua.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "motcua.portal.context_processors.site",
                "motcua.notifications.context_processors.unread",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        config.env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'motcua.sqlite3'}"),
        conn_max_age=config.env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
# Statistics reports may read from a replica of the database (docs/configuration.md).
REPORTS_DATABASE_URL = config.env_str("REPORTS_DATABASE_URL")
if REPORTS_DATABASE_URL:
    DATABASES["reports"] = dj_database_url.parse(
        REPORTS_DATABASE_URL,
        conn_max_age=config.env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
    DATABASES["reports"]["TEST"] = {"MIRROR": "default"}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = config.cache(config.env_str("REDIS_URL"))

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "motcua.accounts.backends.ContactBackend",
    "motcua.accounts.oidc.NationalIdentityBackend",
]
# Repeated failures lock that name from that address for a while (django-axes).
AXES_FAILURE_LIMIT = config.env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=config.env_int("LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_CALLABLE = "motcua.accounts.services.login_name"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
# How many proxies of ours stand in front of the application; X-Forwarded-For is believed only
# that far (motcua.core.net.client_ip, used by every rate limit, the lockout and payments).
TRUSTED_PROXY_COUNT = config.env_int("TRUSTED_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "motcua.core.net.client_ip"
# Sessions end after this long without a request.
SESSION_COOKIE_AGE = config.env_int("SESSION_IDLE_MINUTES", 120) * 60
SESSION_SAVE_EVERY_REQUEST = True
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "dossiers:list"
LOGOUT_REDIRECT_URL = "portal:home"
API_TOKEN_LIFETIME = config.env_int("API_TOKEN_LIFETIME", 8 * 3600)
# The name authenticator apps show beside an official's second-factor code.
OTP_TOTP_ISSUER = config.env_str("TOTP_ISSUER", "Motcua")
# Administrators may remove an official's lost authenticator, never read its secret.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# Public lookups by dossier code allowed per address and minute, against enumeration.
LOOKUPS_PER_MINUTE = config.env_int("LOOKUPS_PER_MINUTE", 20)
# One-time codes (motcua.accounts.services): codes and notices sent per phone number or e-mail
# address and hour, wrong codes per account over all its codes in a window, and how long an
# unconfirmed registration holds its phone, e-mail and CCCD before it is void.
CODE_SENDS_PER_HOUR = config.env_int("CODE_SENDS_PER_HOUR", 5)
CODE_WRONG_GUESSES = config.env_int("CODE_WRONG_GUESSES", 5)
CODE_GUESS_WINDOW_MINUTES = config.env_int("CODE_GUESS_WINDOW_MINUTES", 24 * 60)
REGISTRATION_EXPIRY_MINUTES = config.env_int("REGISTRATION_EXPIRY_MINUTES", 30)

# Single sign-on with the national identity provider (VNeID) through OpenID Connect
# (mozilla-django-oidc, motcua.accounts.oidc); off while OIDC_CLIENT_ID is empty.
OIDC_RP_CLIENT_ID = config.env_str("OIDC_CLIENT_ID")
OIDC_RP_CLIENT_SECRET = config.env_str("OIDC_CLIENT_SECRET")
OIDC_ISSUER = config.env_str("OIDC_ISSUER")
# Empty endpoints come from the issuer's /.well-known/openid-configuration.
OIDC_OP_AUTHORIZATION_ENDPOINT = config.env_str("OIDC_AUTHORIZATION_ENDPOINT")
OIDC_OP_TOKEN_ENDPOINT = config.env_str("OIDC_TOKEN_ENDPOINT")
OIDC_OP_USER_ENDPOINT = config.env_str("OIDC_USERINFO_ENDPOINT")
OIDC_OP_JWKS_ENDPOINT = config.env_str("OIDC_JWKS_ENDPOINT")
OIDC_RP_SIGN_ALGO = config.env_str("OIDC_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = config.env_str("OIDC_SCOPES", "openid profile email phone")
OIDC_CCCD_CLAIM = config.env_str("OIDC_CCCD_CLAIM", "cccd")
OIDC_USE_PKCE = True
OIDC_TIMEOUT = config.env_int("OIDC_TIMEOUT", 10)
OIDC_AUTHENTICATE_CLASS = "motcua.accounts.oidc.AuthenticationRequestView"
OIDC_CALLBACK_CLASS = "motcua.accounts.oidc.CallbackView"
_OIDC_ENDPOINTS = (OIDC_OP_AUTHORIZATION_ENDPOINT, OIDC_OP_TOKEN_ENDPOINT, OIDC_OP_USER_ENDPOINT)
if OIDC_RP_CLIENT_ID and not OIDC_ISSUER and not all(_OIDC_ENDPOINTS):
    raise ImproperlyConfigured("OIDC_CLIENT_ID needs OIDC_ISSUER or every OIDC_*_ENDPOINT")

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
FORMAT_MODULE_PATH = ["motcua.formats"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = config.storages(DEBUG, MEDIA_ROOT)
UPLOAD_MAX_FILE_MB = config.env_int("UPLOAD_MAX_FILE_MB", 10)
UPLOAD_MAX_DOSSIER_MB = config.env_int("UPLOAD_MAX_DOSSIER_MB", 50)
# The most dossiers one register PDF (sổ theo dõi) lists: it is drawn while the official waits,
# in time that grows faster than its lines (about 7 s for 300).
REGISTER_MAX_DOSSIERS = config.env_int("REGISTER_MAX_DOSSIERS", 300)
# The certificate and private key (PEM) that sign dossiers' results; by default the
# self-signed pair that `manage.py make_demo_certificate` makes for a demo.
SIGNING_CERT_FILE = config.env_str(
    "SIGNING_CERT_FILE", str(VAR_DIR / "signing" / "certificate.pem")
)
SIGNING_KEY_FILE = config.env_str("SIGNING_KEY_FILE", str(VAR_DIR / "signing" / "key.pem"))
SIGNING_KEY_PASSPHRASE = config.env_str("SIGNING_KEY_PASSPHRASE")
# The site's address as citizens reach it, for the QR codes printed on signed results (signed
# away from any request, when the leader approves).
PUBLIC_URL = config.env_str(
    "PUBLIC_URL",
    "http://127.0.0.1:8000" if DEBUG else f"https://{(ALLOWED_HOSTS or ['localhost'])[0]}",
).rstrip("/")
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

EMAIL_BACKEND = config.env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = config.env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = config.env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = config.env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = config.env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = config.env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = config.env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = config.env_str("DEFAULT_FROM_EMAIL", "motcua@localhost")

SESSION_COOKIE_SECURE = config.env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = config.env_bool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = config.env_int("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = config.env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = config.env_bool("SECURE_HSTS_PRELOAD", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): scripts, styles, images and connections from the site
# itself only, and never inline code, so that injected markup cannot run.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
    }
}
if config.env_str("CSP_REPORT_URI"):
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["report-uri"] = config.env_str("CSP_REPORT_URI")
if config.env_bool("TRUST_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "motcua.core.api.StandardPagination",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "motcua.accounts.authentication.BearerAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "login": f"{config.env_int('API_LOGINS_PER_MINUTE', 10)}/minute",
        "lookup": f"{LOOKUPS_PER_MINUTE}/minute",
    },
    # Closed unless a view says otherwise: the public endpoints are marked AllowAny one by one.
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Motcua API",
    "DESCRIPTION": "Public service catalog, dossiers and one-stop processing.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "ServiceLevelEnum": "motcua.catalog.models.Level",
        "SatisfactionEnum": "motcua.dossiers.models.Satisfaction",
        "DossierStatusEnum": "motcua.dossiers.models.Status",
    },
}

# Online payment of fees (motcua.payments). A gateway is on once its merchant code is set;
# without one, fees are paid at the one-stop desk. See docs/configuration.md, "Payments".
PAYMENT_PROVIDERS: dict[str, dict[str, str]] = {}
if config.env_str("VNPAY_TMN_CODE"):
    PAYMENT_PROVIDERS["vnpay"] = {
        "CLASS": "motcua.payments.vnpay.VnpayProvider",
        "TMN_CODE": config.env_str("VNPAY_TMN_CODE"),
        "HASH_SECRET": config.env_str("VNPAY_HASH_SECRET"),
        "PAY_URL": config.env_str("VNPAY_PAY_URL"),
        "API_URL": config.env_str("VNPAY_API_URL"),
        "STATEMENT_URL": config.env_str("VNPAY_STATEMENT_URL"),
        "TIMEOUT": str(config.env_int("VNPAY_TIMEOUT", 10)),
    }
    _VNPAY_NEEDS = ("HASH_SECRET", "PAY_URL", "API_URL")
    if not all(PAYMENT_PROVIDERS["vnpay"][name] for name in _VNPAY_NEEDS):
        raise ImproperlyConfigured(
            "VNPAY_TMN_CODE needs VNPAY_HASH_SECRET, VNPAY_PAY_URL and VNPAY_API_URL"
        )
# The national payment platform (PayGov), on once its merchant code is set; its wire format is
# our model of a protocol that is not public (payments/paygov_signing.py).
if config.env_str("PAYGOV_MERCHANT_CODE"):
    PAYMENT_PROVIDERS["paygov"] = {
        "CLASS": "motcua.payments.paygov.PaygovProvider",
        "MERCHANT_CODE": config.env_str("PAYGOV_MERCHANT_CODE"),
        "SECRET": config.env_str("PAYGOV_SECRET"),
        "PAY_URL": config.env_str("PAYGOV_PAY_URL"),
        "API_URL": config.env_str("PAYGOV_API_URL"),
        "STATEMENT_URL": config.env_str("PAYGOV_STATEMENT_URL"),
        "TIMEOUT": str(config.env_int("PAYGOV_TIMEOUT", 10)),
    }
    if not all(PAYMENT_PROVIDERS["paygov"][name] for name in ("SECRET", "PAY_URL", "API_URL")):
        raise ImproperlyConfigured(
            "PAYGOV_MERCHANT_CODE needs PAYGOV_SECRET, PAYGOV_PAY_URL and PAYGOV_API_URL"
        )
# The gateway citizens pay through, and how long an attempt stays open there.
PAYMENT_PROVIDER = config.env_str("PAYMENT_PROVIDER", "vnpay")
PAYMENT_TIMEOUT_MINUTES = config.env_int("PAYMENT_TIMEOUT_MINUTES", 15)

# The end of the desks' working day: an online dossier submitted later, or on a day off, is
# received on the next working day.
OFFICE_CLOSES_AT = config.env_str("OFFICE_CLOSES_AT", "17:00")

# Where the national procedure database serves its JSON export (catalog/national.py); empty:
# the national catalog is synced from a file only.
NATIONAL_CATALOG_URL = config.env_str("NATIONAL_CATALOG_URL")

# The national public service portal (motcua.integrations, docs/integrations.md): where its API
# is, the token we present and the one it presents when it sends us dossiers. Without
# NATIONAL_PORTAL_URL the connection is off: no status is queued and intake is closed.
NATIONAL_PORTAL: dict[str, str] = {"CLASS": "motcua.integrations.portal.DisabledPortal"}
if config.env_str("NATIONAL_PORTAL_URL"):
    NATIONAL_PORTAL = {
        "CLASS": config.env_str("NATIONAL_PORTAL_CLASS", "motcua.integrations.portal.HttpPortal"),
        "URL": config.env_str("NATIONAL_PORTAL_URL"),
        "TOKEN": config.env_str("NATIONAL_PORTAL_TOKEN"),
        "INBOUND_TOKEN": config.env_str("NATIONAL_PORTAL_INBOUND_TOKEN"),
        "TIMEOUT": str(config.env_int("NATIONAL_PORTAL_TIMEOUT", 10)),
    }
    if not (NATIONAL_PORTAL["TOKEN"] and NATIONAL_PORTAL["INBOUND_TOKEN"]):
        raise ImproperlyConfigured(
            "NATIONAL_PORTAL_URL needs NATIONAL_PORTAL_TOKEN and NATIONAL_PORTAL_INBOUND_TOKEN"
        )
# Status messages sent per request, and the outbox's backoff after a failure (doubling).
NATIONAL_PORTAL_BATCH = config.env_int("NATIONAL_PORTAL_BATCH", 200)
NATIONAL_PORTAL_RETRY_SECONDS = config.env_int("NATIONAL_PORTAL_RETRY_SECONDS", 30)
NATIONAL_PORTAL_RETRY_MAX_SECONDS = config.env_int("NATIONAL_PORTAL_RETRY_MAX_SECONDS", 900)

# Notifications (motcua.notifications, docs/notifications.md): the channels citizens and
# officials are told on. SMS goes through the gateways below, tried in order (the second when
# the first fails or is slow); without SMS_GATEWAY_URL, to the log. Zalo is on once
# ZALO_APP_ID is set.
SMS_GATEWAYS = [
    {
        "NAME": name,
        "CLASS": "motcua.notifications.sms.JsonHttpGateway",
        "URL": config.env_str(f"{prefix}_URL"),
        "API_KEY": config.env_str(f"{prefix}_KEY"),
        "SENDER": config.env_str("SMS_SENDER", "MOTCUA"),
        "TIMEOUT": config.env_str(f"{prefix}_TIMEOUT", "5"),
    }
    for name, prefix in (("primary", "SMS_GATEWAY"), ("secondary", "SMS_GATEWAY2"))
    if config.env_str(f"{prefix}_URL")
] or [{"NAME": "console", "CLASS": "motcua.notifications.sms.ConsoleGateway"}]
NOTIFICATION_CHANNELS: dict[str, dict] = {
    "in_app": {"CLASS": "motcua.notifications.channels.InAppChannel"},
    "email": {"CLASS": "motcua.notifications.channels.EmailChannel"},
    "sms": {"CLASS": "motcua.notifications.channels.SmsChannel", "GATEWAYS": SMS_GATEWAYS},
}
if config.env_str("ZALO_APP_ID"):
    NOTIFICATION_CHANNELS["zalo"] = {
        "CLASS": "motcua.notifications.zalo.ZaloChannel",
        "APP_ID": config.env_str("ZALO_APP_ID"),
        "SECRET_KEY": config.env_str("ZALO_SECRET_KEY"),
        "REFRESH_TOKEN": config.env_str("ZALO_REFRESH_TOKEN"),
        "API_URL": config.env_str("ZALO_API_URL", "https://business.openapi.zalo.me"),
        "OAUTH_URL": config.env_str(
            "ZALO_OAUTH_URL", "https://oauth.zaloapp.com/v4/oa/access_token"
        ),
        "TIMEOUT": config.env_str("ZALO_TIMEOUT", "10"),
    }
# SMS cost money: per phone number and day, per client address and hour (codes and notices).
SMS_PER_PHONE_PER_DAY = config.env_int("SMS_PER_PHONE_PER_DAY", 20)
SMS_PER_CLIENT_PER_HOUR = config.env_int("SMS_PER_CLIENT_PER_HOUR", 10)
# Officials hear of a dossier due within this many working days.
NOTICE_DEADLINE_DAYS = config.env_int("NOTICE_DEADLINE_DAYS", 2)
# Feedback sent from one client address in an hour, and by one sender in a day.
FEEDBACK_PER_CLIENT_PER_HOUR = config.env_int("FEEDBACK_PER_CLIENT_PER_HOUR", 10)
FEEDBACK_PER_CONTACT_PER_DAY = config.env_int("FEEDBACK_PER_CONTACT_PER_DAY", 5)

# The national public service portal (motcua.integrations, docs/integrations.md): where its API
# is, the token we present and the one it presents when it sends us dossiers. Without
# NATIONAL_PORTAL_URL the connection is off: no status is queued and intake is closed.
NATIONAL_PORTAL: dict[str, str] = {"CLASS": "motcua.integrations.portal.DisabledPortal"}
if config.env_str("NATIONAL_PORTAL_URL"):
    NATIONAL_PORTAL = {
        "CLASS": config.env_str("NATIONAL_PORTAL_CLASS", "motcua.integrations.portal.HttpPortal"),
        "URL": config.env_str("NATIONAL_PORTAL_URL"),
        "TOKEN": config.env_str("NATIONAL_PORTAL_TOKEN"),
        "INBOUND_TOKEN": config.env_str("NATIONAL_PORTAL_INBOUND_TOKEN"),
        "TIMEOUT": str(config.env_int("NATIONAL_PORTAL_TIMEOUT", 10)),
    }
    if not (NATIONAL_PORTAL["TOKEN"] and NATIONAL_PORTAL["INBOUND_TOKEN"]):
        raise ImproperlyConfigured(
            "NATIONAL_PORTAL_URL needs NATIONAL_PORTAL_TOKEN and NATIONAL_PORTAL_INBOUND_TOKEN"
        )
# Status messages sent per request, and the outbox's backoff after a failure (doubling).
NATIONAL_PORTAL_BATCH = config.env_int("NATIONAL_PORTAL_BATCH", 200)
NATIONAL_PORTAL_RETRY_SECONDS = config.env_int("NATIONAL_PORTAL_RETRY_SECONDS", 30)
NATIONAL_PORTAL_RETRY_MAX_SECONDS = config.env_int("NATIONAL_PORTAL_RETRY_MAX_SECONDS", 900)

SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]["PaymentStatusEnum"] = (
    "motcua.payments.models.PaymentStatus"
)

# Background work (Celery). Without CELERY_BROKER_URL the broker is a folder under VAR_DIR,
# which serves one machine; several machines share Redis (redis://) or RabbitMQ (amqp://).
CELERY_BROKER_URL = config.env_str("CELERY_BROKER_URL", "filesystem://")
CELERY_BROKER_TRANSPORT_OPTIONS = config.celery_transport_options(
    CELERY_BROKER_URL, VAR_DIR / "celery"
)
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Tasks run in the calling process when set (tests, or a site run without a worker).
CELERY_TASK_ALWAYS_EAGER = config.env_bool("CELERY_TASK_ALWAYS_EAGER", False)
# Periodic sweeps (celery beat); each app adds its entries here.
CELERY_BEAT_SCHEDULE: dict[str, dict] = {
    # Each working morning, apologies with a new date are drafted for dossiers running late.
    "backoffice-draft-apologies": {
        "task": "motcua.backoffice.tasks.draft_apologies",
        "schedule": crontab(hour=6, minute=30),
    },
}
# Unconfirmed registrations past their time are deleted every quarter of an hour.
CELERY_BEAT_SCHEDULE["accounts-purge-registrations"] = {
    "task": "motcua.accounts.tasks.purge_expired_registrations",
    "schedule": 900.0,
}
# Payments whose IPN never came: ask the gateway or expire them, every five minutes.
CELERY_BEAT_SCHEDULE["payments-sweep"] = {
    "task": "motcua.payments.tasks.sweep_pending_payments",
    "schedule": 300.0,
}
# The national portal: what the outbox still holds is sent every minute (after the portal's
# backoff), and the dossiers and feedback it holds for us are pulled every minute when it does
# not push them.
CELERY_BEAT_SCHEDULE["integrations-sweep-outbox"] = {
    "task": "motcua.integrations.tasks.sweep_outbox",
    "schedule": 60.0,
}
CELERY_BEAT_SCHEDULE["integrations-pull-dossiers"] = {
    "task": "motcua.integrations.tasks.pull_dossiers",
    "schedule": 60.0,
}
CELERY_BEAT_SCHEDULE["integrations-pull-feedback"] = {
    "task": "motcua.integrations.tasks.pull_feedback",
    "schedule": 60.0,
}
# Notices: officials told each working morning of dossiers coming due; notices a worker
# never took are sent every five minutes.
CELERY_BEAT_SCHEDULE["notifications-deadlines"] = {
    "task": "motcua.notifications.tasks.remind_deadlines",
    "schedule": crontab(hour=7, minute=0),
}
CELERY_BEAT_SCHEDULE["notifications-waiting"] = {
    "task": "motcua.notifications.tasks.deliver_waiting",
    "schedule": 300.0,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": config.env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}

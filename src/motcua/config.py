"""Settings read from the environment, in one place, with safe production defaults."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, not {raw!r}") from exc


def env_list(name: str, default: str = "") -> list[str]:
    raw = os.environ.get(name, default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def secret_key(debug: bool) -> str:
    """The SECRET_KEY; only a development server may run without one."""
    key = os.environ.get("SECRET_KEY", "")
    if key:
        return key
    if debug:
        return "development-only-key-never-use-in-production"
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")


def audit_key(debug: bool, secret_key: str) -> str:
    """The key sealing the audit log's chains (HMAC-SHA256).

    It lives outside the database, so that whoever can write to the database cannot re-seal an
    edited entry; only a development server may derive one from its SECRET_KEY.
    """
    key = os.environ.get("AUDIT_KEY", "")
    if key:
        return key
    if debug:
        return hashlib.sha256(f"motcua-audit-key:{secret_key}".encode()).hexdigest()
    raise ImproperlyConfigured("AUDIT_KEY must be set when DEBUG is off")


def storages(debug: bool, media_root: Path) -> dict[str, dict[str, Any]]:
    """Where uploaded files and static assets live.

    `STORAGE_BACKEND=s3` keeps uploads in an S3-compatible bucket (private, signed URLs);
    the default keeps them on the local disk under `media_root`.
    """
    backend = env_str("STORAGE_BACKEND", "filesystem").lower()
    if backend == "filesystem":
        default = {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(media_root)},
        }
    elif backend == "s3":
        bucket = env_str("S3_BUCKET")
        if not bucket:
            raise ImproperlyConfigured("S3_BUCKET must be set when STORAGE_BACKEND=s3")
        default = {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": bucket,
                "endpoint_url": env_str("S3_ENDPOINT_URL") or None,
                "region_name": env_str("S3_REGION") or None,
                "access_key": env_str("S3_ACCESS_KEY_ID") or None,
                "secret_key": env_str("S3_SECRET_ACCESS_KEY") or None,
                "default_acl": "private",
                "querystring_auth": True,
                "file_overwrite": False,
            },
        }
    else:
        raise ImproperlyConfigured(f"STORAGE_BACKEND must be 'filesystem' or 's3', not {backend!r}")
    static_backend = (
        "django.contrib.staticfiles.storage.StaticFilesStorage"
        if debug
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    )
    return {"default": default, "staticfiles": {"BACKEND": static_backend}}


def cache(redis_url: str) -> dict[str, dict[str, Any]]:
    """A shared Redis cache when REDIS_URL is set, else one per process."""
    if redis_url:
        return {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": redis_url,
            }
        }
    return {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


def celery_transport_options(broker_url: str, folder: Path) -> dict[str, Any]:
    """The filesystem broker's folders (made here); other brokers need no options."""
    if not broker_url.startswith("filesystem://"):
        return {}
    queue, processed, control = folder / "queue", folder / "processed", folder / "control"
    for path in (queue, processed, control):
        path.mkdir(parents=True, exist_ok=True)
    return {
        "data_folder_in": str(queue),
        "data_folder_out": str(queue),
        "processed_folder": str(processed),
        "control_folder": str(control),
        "store_processed": False,
    }

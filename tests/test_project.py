"""The project's own hygiene: migrations in step with models, a complete Vietnamese catalog,
settings read from the environment."""

from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from motcua import config

LOCALE = Path(__file__).resolve().parent.parent / "src/motcua/locale/vi/LC_MESSAGES/django.po"


@pytest.mark.django_db
def test_migrations_match_the_models():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_vietnamese_catalog_is_complete():
    with LOCALE.open("rb") as po:
        catalog = read_po(po, locale="vi")
    untranslated = [
        m.id
        for m in catalog
        if m.id and not (m.string if isinstance(m.string, str) else all(m.string))
    ]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert untranslated == [] and fuzzy == []


def test_environment_words(monkeypatch):
    monkeypatch.setenv("FLAG", "yes")
    assert config.env_bool("FLAG") is True
    monkeypatch.setenv("FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="FLAG"):
        config.env_bool("FLAG")
    monkeypatch.setenv("HOSTS", " a.vn, b.vn ,")
    assert config.env_list("HOSTS") == ["a.vn", "b.vn"]
    monkeypatch.setenv("PORT", "x")
    with pytest.raises(ImproperlyConfigured, match="PORT"):
        config.env_int("PORT", 25)


def test_storage_on_disk_or_in_a_private_bucket(monkeypatch, tmp_path):
    monkeypatch.delenv("STORAGE_BACKEND", raising=False)
    assert config.storages(False, tmp_path)["default"]["OPTIONS"]["location"] == str(tmp_path)
    monkeypatch.setenv("STORAGE_BACKEND", "s3")
    with pytest.raises(ImproperlyConfigured, match="S3_BUCKET"):
        config.storages(False, tmp_path)
    monkeypatch.setenv("S3_BUCKET", "motcua")
    monkeypatch.setenv("S3_ENDPOINT_URL", "https://s3.example.vn")
    s3 = config.storages(False, tmp_path)["default"]
    assert s3["BACKEND"] == "storages.backends.s3.S3Storage"
    assert s3["OPTIONS"]["default_acl"] == "private" and s3["OPTIONS"]["querystring_auth"]
    monkeypatch.setenv("STORAGE_BACKEND", "ftp")
    with pytest.raises(ImproperlyConfigured):
        config.storages(False, tmp_path)


def test_redis_cache_when_configured():
    assert config.cache("redis://127.0.0.1:6379/1")["default"]["BACKEND"].endswith("RedisCache")
    assert config.cache("")["default"]["BACKEND"].endswith("LocMemCache")


def test_production_hashes_passwords_with_argon2():
    from motcua import settings

    assert settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")

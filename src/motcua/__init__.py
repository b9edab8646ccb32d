"""Motcua: online public services and the electronic one-stop back office."""

from motcua.celery import app as celery_app

__all__ = ["celery_app"]

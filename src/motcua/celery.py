"""The Celery application: background work and periodic sweeps.

The broker is `CELERY_BROKER_URL`: by default kombu's `filesystem://` transport under VAR_DIR,
so that a single machine needs no server; Redis or RabbitMQ in production.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")

app = Celery("motcua")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

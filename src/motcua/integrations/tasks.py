"""Background work of the national portal connection (Celery)."""

from __future__ import annotations

from celery import shared_task
from django.core.cache import cache

from motcua.integrations import feedback_intake, intake, outbox


@shared_task(ignore_result=True)
def flush_outbox() -> None:
    """Send what waits in the outbox; queued after a change is committed."""
    cache.delete(outbox.FLUSH_QUEUED)  # changes from now on queue another run
    outbox.flush()


@shared_task(ignore_result=True)
def sweep_outbox() -> None:
    """The periodic sweep: whatever is still waiting (the portal was down, a task was lost)
    is sent, once the portal's backoff is over."""
    outbox.flush()


@shared_task(ignore_result=True)
def pull_dossiers() -> None:
    """Take in the dossiers the national portal holds for us (when it does not push them)."""
    intake.pull()


@shared_task(ignore_result=True)
def pull_feedback() -> None:
    """Take in the feedback the national portal holds for us (when it does not push it)."""
    feedback_intake.pull()

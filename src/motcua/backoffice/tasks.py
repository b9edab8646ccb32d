"""The back office's periodic work."""

from celery import shared_task

from motcua.backoffice import apology


@shared_task
def draft_apologies() -> int:
    """Draft the apology and new date of each dossier running late (form 04)."""
    return apology.draft_for_late_dossiers()

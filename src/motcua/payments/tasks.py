"""Background work of payments (celery beat runs the sweep, see CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from motcua.payments import services


@shared_task
def sweep_pending_payments() -> int:
    """Attempts whose IPN never came: ask the gateway, or expire them."""
    return services.sweep()

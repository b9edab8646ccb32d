"""Background work of accounts (celery beat runs the purge, see CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from motcua.accounts import services


@shared_task
def purge_expired_registrations() -> int:
    """Registrations never confirmed in time release their phone, e-mail and CCCD; the counts
    of code sends and wrong codes past their windows go too."""
    services.forget_old_counts()
    return services.purge_expired_registrations()

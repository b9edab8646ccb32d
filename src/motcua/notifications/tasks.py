"""Background work of notifications (deliveries after commit; beat runs the sweeps, see
CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from motcua.notifications import services


@shared_task
def deliver_notice(notice_id: int) -> None:
    """Send a notice's waiting deliveries; running it twice sends nothing twice."""
    services.deliver(notice_id)


@shared_task
def deliver_waiting() -> int:
    """Notices still waiting a while after they were written."""
    return services.sweep()


@shared_task
def remind_deadlines() -> int:
    """Each working morning: officials are told of their dossiers due within a few days."""
    return services.remind_deadlines()

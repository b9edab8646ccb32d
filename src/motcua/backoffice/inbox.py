"""An official's work, sorted by what the deadline asks for first."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from motcua.core.calendar import WorkingCalendar
from motcua.dossiers import deadlines
from motcua.dossiers.models import OPEN_STATUSES, Dossier

SOON_WORKING_DAYS = 2
DUE_FILTERS = ("overdue", "today", "soon")


@dataclass(frozen=True)
class Window:
    today: datetime.date
    soon: datetime.date  # the last day that counts as due soon

    @classmethod
    def now(cls) -> Window:
        today = timezone.localdate()
        calendar = WorkingCalendar.for_range(today, today + datetime.timedelta(days=30))
        return cls(today, calendar.add_working_days(today, SOON_WORKING_DAYS))


def open_work(dossiers: QuerySet[Dossier], status: str = "", due: str = "") -> QuerySet[Dossier]:
    """The open dossiers of `dossiers`, optionally of one status or one deadline window."""
    work = dossiers.filter(status__in=OPEN_STATUSES)
    if status:
        work = work.filter(status=status)
    if due in DUE_FILTERS:
        window = Window.now()
        work = work.filter(_due_condition(due, window))
    return work.order_by("due_date", "submitted_at")


def _due_condition(due: str, window: Window) -> Q:
    """A dossier whose clock stands still is in no deadline window."""
    return (
        deadlines.clock_running_q()
        & {
            "overdue": Q(due_date__lt=window.today),
            "today": Q(due_date=window.today),
            "soon": Q(due_date__gt=window.today, due_date__lte=window.soon),
        }[due]
    )


def deadline_of(dossier: Dossier, window: Window) -> str:
    """overdue, today, soon or "" for a dossier with time left (or whose clock stands still)."""
    if dossier.due_date is None or not deadlines.clock_running(dossier.status):
        return ""
    if dossier.due_date < window.today:
        return "overdue"
    if dossier.due_date == window.today:
        return "today"
    return "soon" if dossier.due_date <= window.soon else ""

"""Was a dossier early, on time or late? Judged against its appointment date."""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.models import CLOCK_STOPPED, Dossier


class Timeliness(models.TextChoices):
    EARLY = "early", _("Early")
    ON_TIME = "on_time", _("On time")
    LATE = "late", _("Late")


def judge(day: datetime.date, due: datetime.date) -> str:
    """The rule, for a result ready (or a step done) on `day` against the date `due`."""
    if day < due:
        return Timeliness.EARLY
    return Timeliness.ON_TIME if day == due else Timeliness.LATE


def judge_sql(day: str, due: str) -> str:
    """The same rule as an SQL expression over two date columns, for the statistics; a test
    keeps the two in step on the same dossiers."""
    return (
        f"CASE WHEN {day} < {due} THEN '{Timeliness.EARLY}'"
        f" WHEN {day} = {due} THEN '{Timeliness.ON_TIME}' ELSE '{Timeliness.LATE}' END"
    )


def clock_running(status: str) -> bool:
    """Whether the appointment date binds a dossier in `status`: while it waits for the
    applicant's supplement or a lawful pause the clock stands still, its remaining working days
    (kept on the request or the pause) are what counts and it is never overdue."""
    return status not in CLOCK_STOPPED


def clock_running_q() -> Q:
    """The same rule as a query condition, for lists filtered by deadline."""
    return ~Q(status__in=CLOCK_STOPPED)


def running_due_sql(due: str, status: str) -> str:
    """The same rule as an SQL expression: the date `due` where the clock runs, NULL (no date
    to be late against) while it stands still; a test keeps the forms in step."""
    stopped = ", ".join(f"'{value}'" for value in CLOCK_STOPPED)
    return f"CASE WHEN {status} IN ({stopped}) THEN NULL ELSE {due} END"


def finished_on(dossier: Dossier) -> datetime.date | None:
    """The local day processing finished (the result was ready)."""
    return timezone.localdate(dossier.finished_at) if dossier.finished_at else None


def timeliness(dossier: Dossier, today: datetime.date | None = None) -> str:
    """early / on_time / late for a finished dossier; late or "" (within time) for one in progress.

    An unfinished dossier is judged on `today`, as the national scorecard judges one at the end
    of the period; one whose clock stands still is within time.
    """
    if dossier.due_date is None:
        return ""
    done = finished_on(dossier)
    if done is None:
        if not clock_running(dossier.status):
            return ""
        return Timeliness.LATE if (today or timezone.localdate()) > dossier.due_date else ""
    return judge(done, dossier.due_date)

"""Was a dossier early, on time or late? Judged against its appointment date."""

from __future__ import annotations

import datetime

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.models import Dossier


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


def finished_on(dossier: Dossier) -> datetime.date | None:
    """The local day processing finished (the result was ready)."""
    return timezone.localdate(dossier.finished_at) if dossier.finished_at else None


def timeliness(dossier: Dossier, today: datetime.date | None = None) -> str:
    """early / on_time / late for a finished dossier; late or "" (within time) for one in progress.

    An unfinished dossier is judged on `today`, as the national scorecard judges one at the end
    of the period.
    """
    if dossier.due_date is None:
        return ""
    done = finished_on(dossier)
    if done is None:
        return Timeliness.LATE if (today or timezone.localdate()) > dossier.due_date else ""
    return judge(done, dossier.due_date)

"""Feedback counts for the statistics, for any period and agency subtree (the stats app adds
the rates and serves them).

- received: received (working day of receipt) in the period;
- answered on time / late: answered in the period, against the answer date (which the sender's
  reply moved, so the time waiting for them is not counted);
- refused: refused in the period (always within its two working days, by the table);
- pending: received by the end of the period and not answered or refused by then; overdue when
  its answer date was passed on the end of the period (or today, if sooner), unless it is
  waiting for the sender's reply;
- ratings: given in the period, by level of satisfaction with the answer.
"""

from __future__ import annotations

import datetime

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from motcua.agencies.models import Agency
from motcua.dossiers.models import Satisfaction
from motcua.feedback.models import Feedback, State

COUNTS = (
    "received",
    "answered",
    "answered_on_time",
    "answered_late",
    "refused",
    "pending",
    "pending_overdue",
    "waiting_for_sender",
    "ratings",
    *Satisfaction.values,
)


def _measures(start: datetime.date, end: datetime.date) -> dict[str, Count]:
    judged_on = min(end, timezone.localdate())
    answered = Q(state=State.ANSWERED, closed_on__range=(start, end))
    pending = Q(received_on__lte=end) & (Q(closed_on=None) | Q(closed_on__gt=end))
    waiting = Q(state=State.INFO_REQUESTED)
    rated = Q(rated_at__date__range=(start, end))
    measures = {
        "received": Q(received_on__range=(start, end)),
        "answered": answered,
        "answered_on_time": answered & Q(closed_on__lte=F("answer_due")),
        "answered_late": answered & Q(closed_on__gt=F("answer_due")),
        "refused": Q(state=State.REFUSED, closed_on__range=(start, end)),
        "pending": pending,
        "pending_overdue": pending & ~waiting & Q(answer_due__lt=judged_on),
        "waiting_for_sender": pending & waiting,
        "ratings": rated & ~Q(rating=""),
        **{level: rated & Q(rating=level) for level in Satisfaction.values},
    }
    return {name: Count("pk", filter=condition) for name, condition in measures.items()}


def _scope(agency: Agency | None) -> QuerySet[Feedback]:
    every = Feedback.objects.all()
    return every.filter(agency__path__startswith=agency.path) if agency else every


def counts(start: datetime.date, end: datetime.date, agency: Agency | None = None) -> dict:
    """The counts of COUNTS for the feedback sent to `agency`'s subtree (None: everywhere)."""
    return _scope(agency).aggregate(**_measures(start, end))


def counts_by_agency(
    start: datetime.date, end: datetime.date, agency: Agency | None = None
) -> list[dict]:
    """The same counts per agency of the subtree that received any feedback, by tree order."""
    rows = (
        _scope(agency)
        .values("agency__code", "agency__name", "agency__path")
        .annotate(**_measures(start, end))
        .order_by("agency__path")
    )
    return [
        {"code": row["agency__code"], "name": row["agency__name"], **{k: row[k] for k in COUNTS}}
        for row in rows
    ]

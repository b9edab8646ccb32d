"""The life of one generated dossier, from receipt to result, as it stands at the period's end.

A life is drawn in full (acceptance, supplement requests, the result, its hand-over) and then
cut at the end of the period: what had not happened yet did not, and the status is where the
dossier had got to. Times are (working-day index, minute of the day) pairs; the caller turns
them into dates with `WorkingDays`.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from motcua.core.calendar import WorkingCalendar
from motcua.dossiers.models import OPEN_STATUSES, Channel, Delivery, Status

Moment = tuple[int, int]  # (index of a working day, minute of the day)
T = TypeVar("T")

MORNING = (7 * 60 + 30, 11 * 60 + 30)  # office hours of the province's one-stop desks
AFTERNOON = (13 * 60 + 30, 17 * 60)
LAST_MINUTE = 17 * 60 + 30  # officials finish the day's dossiers until then

REFUSED = {Channel.ONLINE: 0.03, Channel.DESK: 0.002, Channel.POST: 0.01}
WITHDRAWN = 0.004
STOPPED = 0.001
SUPPLEMENTED = 0.06  # of dossiers with at least two working days to process
SUPPLEMENTED_AGAIN = 0.1
EARLY, ON_TIME = 0.52, 0.40  # the rest is late
# Working days from the result to its hand-over, and past the appointment when late: each
# entry equally likely.
RETURN_DELAYS = (0,) * 11 + (1,) * 4 + (2,) * 2 + (3,) * 2 + (5,)
LATE_BY = (1,) * 8 + (2,) * 5 + (3,) * 3 + (5,) * 2 + (8,) * 2


class WorkingDays:
    """The working days from `first` to `last`, numbered: deadlines become additions."""

    def __init__(self, first: datetime.date, last: datetime.date) -> None:
        calendar = WorkingCalendar.for_range(first, last)
        day, self.days = first, []
        while day <= last:
            if calendar.is_working_day(day):
                self.days.append(day)
            day += datetime.timedelta(days=1)
        self.index = {day: i for i, day in enumerate(self.days)}

    def between(self, first: datetime.date, last: datetime.date) -> list[datetime.date]:
        return [day for day in self.days if first <= day <= last]


def uniform(rng: random.Random, low: int, high: int) -> int:
    """A whole number from `low` to `high` included (Random.randint, three times quicker: this
    runs several times for each of the hundreds of thousands of dossiers)."""
    return low + int(rng.random() * (high - low + 1))


def pick(rng: random.Random, choices: Sequence[T]) -> T:
    """One of `choices`, equally likely (Random.choice, quicker)."""
    return choices[int(rng.random() * len(choices))]


def office_minute(rng: random.Random) -> int:
    """A minute of the desks' opening hours."""
    morning = MORNING[1] - MORNING[0]
    minute = int(rng.random() * (morning + AFTERNOON[1] - AFTERNOON[0]))
    return MORNING[0] + minute if minute < morning else AFTERNOON[0] + minute - morning


def later(rng: random.Random, day: int, after: Moment, longest: int = 90) -> Moment:
    """A moment of working day `day` after `after`: later the same day, or in office hours."""
    if day > after[0]:
        return day, office_minute(rng)
    return day, min(after[1] + uniform(rng, 3, longest), max(LAST_MINUTE, after[1] + 1))


@dataclass
class Supplement:
    requested: Moment
    remaining_days: int
    answered: Moment | None


@dataclass
class Life:
    """What had happened to a dossier by the end of the period."""

    status: str
    due: int
    accepted: Moment | None = None
    finished: Moment | None = None
    returned: Moment | None = None
    delivery: str = ""
    supplements: list[Supplement] = field(default_factory=list)
    last_change: Moment | None = None
    late: bool = False
    # When the dossier in progress would leave the work (result, withdrawal, stop).
    finishing: Moment | None = None
    history: list[tuple[Moment, str, str]] = field(default_factory=list)


def live(
    rng: random.Random, submitted: Moment, channel: str, days: int, level: int, end: Moment
) -> Life:
    """The dossier's life up to `end`, for a procedure of `days` working days at `level`.

    Dossiers still open at `end`, and those asked for a supplement, get their history.
    """
    life = _life(rng, submitted, channel, days, level, end)
    if life.status in OPEN_STATUSES or life.supplements:
        life.history = _history(life, submitted)
        life.last_change = life.history[-1][0]
    return life


def _life(
    rng: random.Random, submitted: Moment, channel: str, days: int, level: int, end: Moment
) -> Life:
    decided = later(rng, submitted[0], submitted, 240 if channel == Channel.ONLINE else 15)
    due = submitted[0] + days
    if decided > end:
        return Life(Status.SUBMITTED, due)
    if rng.random() < REFUSED[channel]:
        return Life(Status.NOT_ACCEPTED, due, last_change=decided)
    life = Life(Status.ACCEPTED, due, accepted=decided, last_change=decided)
    fate = rng.random()
    if fate < WITHDRAWN + STOPPED:
        ended = later(rng, submitted[0] + uniform(rng, 0, max(days - 1, 0)), decided)
        if ended > end:
            return _in_progress(life, end, ended)
        life.status = Status.WITHDRAWN if fate < WITHDRAWN else Status.STOPPED
        life.last_change = ended
        return life
    resumed = _supplements(rng, life, decided, end)
    if life.status == Status.SUPPLEMENT:
        return life
    finished = _finish(rng, life, resumed, days)
    if finished > end:
        return _in_progress(life, end, finished)
    life.status, life.finished, life.last_change = Status.FINISHED, finished, finished
    delay = pick(rng, RETURN_DELAYS)
    returned = later(rng, finished[0] + delay, finished, 240)
    if returned <= end:
        life.status, life.returned, life.last_change = Status.RETURNED, returned, returned
        life.delivery = _delivery(rng, channel, level)
    return life


def _supplements(rng: random.Random, life: Life, since: Moment, end: Moment) -> Moment:
    """Requests for missing documents, each pushing the appointment back by the wait.

    Answers the moment processing resumed after the last answer (or `since`).
    """
    chance = SUPPLEMENTED
    while life.due - since[0] >= 2 and rng.random() < chance:
        requested = later(rng, since[0] + uniform(rng, 1, life.due - since[0] - 1), since)
        if requested > end:
            break
        remaining = life.due - requested[0]
        wait = uniform(rng, 1, 6) if rng.random() < 0.9 else uniform(rng, 7, 20)
        answered = later(rng, requested[0] + wait, requested)
        if answered > end:
            life.supplements.append(Supplement(requested, remaining, None))
            life.status = Status.SUPPLEMENT
            return since
        life.supplements.append(Supplement(requested, remaining, answered))
        life.due, since = answered[0] + remaining, answered
        chance = SUPPLEMENTED_AGAIN
    return since


def _finish(rng: random.Random, life: Life, since: Moment, days: int) -> Moment:
    """When the result was ready: mostly early or on the appointment day, sometimes late."""
    draw = rng.random()
    slack = life.due - since[0]
    if draw < EARLY and slack >= 1:
        day = life.due - 1 - int((slack - 1) * rng.random() ** 2)
    elif draw < EARLY + ON_TIME or (days == 0 and draw < 0.97):
        day = max(life.due, since[0])
    else:
        day = life.due + pick(rng, LATE_BY)
        life.late = True
    return later(rng, day, since, 120)


def _delivery(rng: random.Random, channel: str, level: int) -> str:
    if channel == Channel.POST or rng.random() < 0.04:
        return Delivery.POST
    if channel == Channel.ONLINE and level == 4 and rng.random() < 0.5:
        return Delivery.ONLINE
    return Delivery.DESK


# The path of a dossier through the default workflow, up to the result.
PATH = (
    Status.SUBMITTED,
    Status.ACCEPTED,
    Status.PROCESSING,
    Status.UNDER_REVIEW,
    Status.AWAITING_APPROVAL,
    Status.FINISHED,
    Status.RETURNED,
)
# How far into its processing a dossier moves on to each step.
STEP_AT = {Status.PROCESSING: 0.1, Status.UNDER_REVIEW: 0.65, Status.AWAITING_APPROVAL: 0.85}


def _in_progress(life: Life, end: Moment, finishing: Moment) -> Life:
    """The step reached at `end` by a dossier that leaves the work at `finishing`."""
    life.finishing = finishing
    done = _fraction(_resumed(life), end, finishing)
    first = Status.PROCESSING if life.supplements else Status.ACCEPTED
    life.status = max(
        (step for step, at in STEP_AT.items() if at <= done), key=PATH.index, default=first
    )
    return life


def _resumed(life: Life) -> Moment:
    """When processing went on after the last supplement was answered (or began)."""
    return max((s.answered for s in life.supplements if s.answered), default=life.accepted)


def _history(life: Life, submitted: Moment) -> list[tuple[Moment, str, str]]:
    """The steps the dossier went through, in order: (moment, from status, to status).

    Processing starts between acceptance and the first supplement request; review and approval
    come after the last answer, on the way to the result.
    """
    history = [(submitted, Status.DRAFT, Status.SUBMITTED)]
    if life.accepted:
        history.append((life.accepted, Status.SUBMITTED, Status.ACCEPTED))
    stop = life.finished or life.finishing
    current = Status.PROCESSING if life.status == Status.SUPPLEMENT else life.status
    for step in PATH[2 : PATH.index(current) + 1]:
        if step in (Status.FINISHED, Status.RETURNED):
            at = life.finished if step == Status.FINISHED else life.returned
        elif step == Status.PROCESSING:
            until = life.supplements[0].requested if life.supplements else stop
            at = _between(life.accepted, until, STEP_AT[step])
        else:
            at = _between(_resumed(life), stop, STEP_AT[step])
        history.append((at, PATH[PATH.index(step) - 1], step))
    for supplement in life.supplements:
        history.append((supplement.requested, Status.PROCESSING, Status.SUPPLEMENT))
        if supplement.answered:
            history.append((supplement.answered, Status.SUPPLEMENT, Status.PROCESSING))
    return sorted(history, key=lambda step: step[0])


# Moments as minutes of working time (7:30 to 17:30 each working day), to interpolate.
_DAY_START, _DAY_LENGTH = MORNING[0], LAST_MINUTE - MORNING[0]


def _working_minutes(moment: Moment) -> int:
    return moment[0] * _DAY_LENGTH + min(max(moment[1] - _DAY_START, 0), _DAY_LENGTH)


def _fraction(start: Moment, now: Moment, stop: Moment) -> float:
    elapsed = _working_minutes(now) - _working_minutes(start)
    return elapsed / max(_working_minutes(stop) - _working_minutes(start), 1)


def _between(start: Moment, stop: Moment, share: float) -> Moment:
    """The moment `share` of the working time from `start` to `stop` has passed."""
    first = _working_minutes(start)
    minutes = round(first + share * (_working_minutes(stop) - first))
    return minutes // _DAY_LENGTH, _DAY_START + minutes % _DAY_LENGTH

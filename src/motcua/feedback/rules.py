"""The rules of feedback in one place: its deadlines in working days and who may take which
action on it, from which state (a table, like the dossiers' workflow).

Deadlines, counted from the working day the feedback is received (core/calendar.py):
- answered within 15 working days;
- a refusal to handle it, with the reason, within 2 working days; past them it must be answered;
- more information asked of the sender within 5 working days, once; the clock then waits for
  the sender's reply, which gives the working days that were left back from the day it comes.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.accounts.models import AccountKind, Role
from motcua.core.calendar import add_working_days, working_days_between
from motcua.feedback.models import Feedback, State

ANSWER_DAYS = 15
REFUSE_DAYS = 2
ASK_DAYS = 5

AUTHOR = "author"
SPECIALIST, HEAD, LEADER = Role.SPECIALIST, Role.HEAD_OF_DIVISION, Role.LEADER
# The officials of the agency concerned who handle feedback; a supervisor only reads.
HANDLING_ROLES = frozenset({SPECIALIST, HEAD, LEADER})
# An action that records something without moving the feedback (the rating).
SAME = "same"


@dataclass(frozen=True)
class Deadlines:
    answer_due: datetime.date
    refuse_by: datetime.date
    ask_by: datetime.date


def deadlines(received_on: datetime.date) -> Deadlines:
    return Deadlines(
        answer_due=add_working_days(received_on, ANSWER_DAYS),
        refuse_by=add_working_days(received_on, REFUSE_DAYS),
        ask_by=add_working_days(received_on, ASK_DAYS),
    )


def days_left(feedback: Feedback, day: datetime.date) -> int:
    """Working days left on `day` before the answer is due (0 once it is due or past)."""
    return working_days_between(day, feedback.answer_due)


def answer_due_after_reply(feedback: Feedback, replied_on: datetime.date) -> datetime.date:
    """The new answer date: the days left when the question was asked, from the reply's day."""
    return add_working_days(replied_on, feedback.remaining_days or 0)


class Timeliness:
    ON_TIME = "on_time"
    LATE = "late"
    WITHIN_TIME = "within_time"
    OVERDUE = "overdue"
    WAITING = "waiting"


TIMELINESS_LABELS = {
    Timeliness.ON_TIME: gettext_lazy("answered on time"),
    Timeliness.LATE: gettext_lazy("answered late"),
    Timeliness.WITHIN_TIME: gettext_lazy("within time"),
    Timeliness.OVERDUE: gettext_lazy("overdue"),
    Timeliness.WAITING: gettext_lazy("waiting for the sender"),
}


def timeliness(feedback: Feedback, today: datetime.date | None = None) -> str:
    """Answered on time or late; if open, within time, overdue, or waiting for the sender (the
    clock stands still); a refusal is within its two days by the table."""
    today = today or timezone.localdate()
    if feedback.state in (State.ANSWERED, State.REFUSED):
        late = feedback.closed_on > feedback.answer_due
        return Timeliness.LATE if late else Timeliness.ON_TIME
    if feedback.state == State.INFO_REQUESTED:
        return Timeliness.WAITING
    return Timeliness.OVERDUE if today > feedback.answer_due else Timeliness.WITHIN_TIME


# ---------------------------------------------------------------- who may do what


def _before(field: str) -> Callable[[Feedback], bool]:
    return lambda feedback: timezone.localdate() <= getattr(feedback, field)


@dataclass(frozen=True)
class Move:
    action: str
    label: str
    sources: frozenset[str]
    target: str
    actors: frozenset[str]
    # A condition besides the state, and the refusal when it does not hold.
    when: Callable[[Feedback], bool] | None = None
    too_late: str = ""


def _m(action, label, sources, target, actors, **rest) -> Move:
    return Move(action, label, frozenset(sources), target, frozenset(actors), **rest)


_TABLE = [
    _m(
        "request_info",
        gettext_lazy("ask the sender for more information"),
        [State.RECEIVED],
        State.INFO_REQUESTED,
        HANDLING_ROLES,
        when=lambda f: f.asked_at is None and _before("ask_by")(f),
        too_late=gettext_lazy(
            "More information may be asked only once, within 5 working days of receipt."
        ),
    ),
    _m(
        "refuse",
        gettext_lazy("refuse to handle, with the reason"),
        [State.RECEIVED],
        State.REFUSED,
        [HEAD, LEADER],
        when=_before("refuse_by"),
        too_late=gettext_lazy(
            "Feedback may be refused only within 2 working days of receipt; now it must be"
            " answered."
        ),
    ),
    _m(
        "answer",
        gettext_lazy("answer the feedback"),
        [State.RECEIVED],
        State.ANSWERED,
        [HEAD, LEADER],
    ),
    _m(
        "reply",
        gettext_lazy("reply with the information asked for"),
        [State.INFO_REQUESTED],
        State.RECEIVED,
        [AUTHOR],
    ),
    _m(
        "rate",
        gettext_lazy("rate the answer"),
        [State.ANSWERED],
        SAME,
        [AUTHOR],
        when=lambda f: not f.rating,
        too_late=gettext_lazy("The answer has already been rated."),
    ),
]
MOVES: dict[str, Move] = {move.action: move for move in _TABLE}
OFFICIAL_ACTIONS = ("answer", "request_info", "refuse")


class Refused(Exception):
    """The action is not allowed now; `reason` says why, in the user's language."""

    def __init__(self, reason: str, forbidden: bool = False):
        super().__init__(reason)
        self.reason = reason
        self.forbidden = forbidden


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def holds_key(feedback: Feedback, key: str) -> bool:
    """Whether `key` is the follow-up key the anonymous sender was given."""
    return bool(key and feedback.access_key_hash) and hmac.compare_digest(
        key_hash(key), feedback.access_key_hash
    )


def actors_of(feedback: Feedback, person, key: str = "") -> frozenset[str]:
    """Who `person` (or the holder of `key`) is to the feedback: its sender, or an official of
    the agency concerned by role; nobody for anyone else."""
    actors = set()
    if holds_key(feedback, key):
        actors.add(AUTHOR)
    if person is None or not person.is_authenticated:
        return frozenset(actors)
    if feedback.author_id is not None and feedback.author_id == person.pk:
        actors.add(AUTHOR)
    if (
        person.kind == AccountKind.OFFICIAL
        and person.role in HANDLING_ROLES
        and person.agency_id == feedback.agency_id
    ):
        actors.add(person.role)
    return frozenset(actors)


def check(feedback: Feedback, action: str, person, key: str = "") -> Move:
    """The move `person` may make now, or a refusal saying why."""
    move = MOVES.get(action)
    if move is None:
        raise Refused(_("Unknown action %(action)s.") % {"action": action})
    if not move.actors & actors_of(feedback, person, key):
        raise Refused(
            _("You may not %(action)s on this feedback.") % {"action": move.label},
            forbidden=True,
        )
    if feedback.state not in move.sources:
        raise Refused(
            _("Feedback that is “%(state)s” cannot be: %(action)s.")
            % {"state": feedback.get_state_display(), "action": move.label}
        )
    if move.when is not None and not move.when(feedback):
        raise Refused(str(move.too_late))
    return move


def allowed(feedback: Feedback, person, key: str = "") -> list[Move]:
    """What `person` may do now, for buttons."""
    actors = actors_of(feedback, person, key)
    return [
        m
        for m in _TABLE
        if m.actors & actors
        and feedback.state in m.sources
        and (m.when is None or m.when(feedback))
    ]

"""An official's work, in tabs: the page and the inbox API both take their lists from here.

Which dossiers an official may see at all is decided in `dossiers.queries`; a tab only narrows
that down to one kind of work (new dossiers at the desk, ones to assign, ones running late…).
Every tab is one indexed query over the official's open dossiers, and its count is capped
(`COUNT_CAP`), so the tabs stay cheap however many dossiers the province holds.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.accounts.models import Role
from motcua.core.calendar import WorkingCalendar
from motcua.core.text import fold
from motcua.core.validators import normalize_phone
from motcua.dossiers import deadlines
from motcua.dossiers.models import OPEN_STATUSES, Consultation, Dossier, Status
from motcua.dossiers.queries import consultations_for, readable_by_official

SOON_WORKING_DAYS = 2
DUE_FILTERS = ("overdue", "today", "soon")
# A tab counts at most this many dossiers (shown as "99+"): counting stops there.
COUNT_CAP = 99
PAGE_SIZE = 50
SORTS = ("deadline", "received")
CONSULTATIONS = "consultations"


@dataclass(frozen=True)
class Window:
    today: datetime.date
    soon: datetime.date  # the last day that counts as due soon

    @classmethod
    def now(cls) -> Window:
        today = timezone.localdate()
        calendar = WorkingCalendar.for_range(today, today + datetime.timedelta(days=30))
        return cls(today, calendar.add_working_days(today, SOON_WORKING_DAYS))


# ---------------------------------------------------------------- where a dossier stands


def _received_here(user) -> Q:
    """Received at the official's own desk (a supervisor: anywhere in their subtree)."""
    if user.role == Role.SUPERVISOR:
        return Q(agency__path__startswith=user.agency.path)
    return Q(agency_id=user.agency_id)


def _decided_here(user) -> Q:
    """Decided by the official's agency (a supervisor: anywhere in their subtree)."""
    if user.role == Role.SUPERVISOR:
        return Q(decider__path__startswith=user.agency.path)
    return Q(decider_id=user.agency_id)


def awaits_transfer_q() -> Q:
    """`workflow.awaits_transfer` as a query condition, on the few dossiers received for
    another agency (an index of their own); a test keeps the two in step."""
    return Q(for_another_agency=True, transferred_at=None)


def _due(due: str) -> Callable[[object, Window], Q]:
    """A dossier whose clock stands still (dossiers.deadlines) is in no deadline window."""

    def condition(user, window: Window) -> Q:
        return (
            deadlines.clock_running_q()
            & {
                "overdue": Q(due_date__lt=window.today),
                "today": Q(due_date=window.today),
                "soon": Q(due_date__gt=window.today, due_date__lte=window.soon),
            }[due]
        )

    return condition


def _awaiting_decision(user, window: Window) -> Q:
    """What waits for this official's decision: the head reviews, the leader approves."""
    status = Status.AWAITING_APPROVAL if user.role == Role.LEADER else Status.UNDER_REVIEW
    return Q(status=status) & _decided_here(user)


# ---------------------------------------------------------------- the tabs


DESK, SPECIALIST, HEAD, LEADER, SUPERVISOR = (
    Role.DESK_OFFICER,
    Role.SPECIALIST,
    Role.HEAD_OF_DIVISION,
    Role.LEADER,
    Role.SUPERVISOR,
)
EVERYONE = frozenset({DESK, SPECIALIST, HEAD, LEADER, SUPERVISOR})
OPINION_GIVERS = frozenset({SPECIALIST, HEAD, LEADER})


@dataclass(frozen=True)
class Tab:
    key: str
    label: str
    roles: frozenset[str]  # whose inbox shows the tab
    # The tab's condition on the official's open dossiers (None: the consultations, not
    # dossiers of the official's agency).
    condition: Callable[[object, Window], Q] | None


TABS = (
    Tab(
        "intake",
        _("Awaiting intake"),
        frozenset({DESK}),
        lambda user, window: Q(status=Status.SUBMITTED) & _received_here(user),
    ),
    Tab(
        "transfer",
        _("To transfer"),
        frozenset({DESK}),
        lambda user, window: Q(status=Status.ACCEPTED) & _received_here(user) & awaits_transfer_q(),
    ),
    Tab(
        "assignment",
        _("Awaiting assignment"),
        frozenset({DESK, HEAD}),
        lambda user, window: Q(status=Status.ACCEPTED) & _decided_here(user) & ~awaits_transfer_q(),
    ),
    Tab("mine", _("Assigned to me"), frozenset({SPECIALIST}), lambda user, w: Q(assignee=user)),
    Tab("decision", _("Awaiting my decision"), frozenset({HEAD, LEADER}), _awaiting_decision),
    Tab("overdue", _("Overdue"), EVERYONE, _due("overdue")),
    Tab("today", _("Due today"), EVERYONE, _due("today")),
    Tab("soon", _("Due soon"), EVERYONE, _due("soon")),
    Tab(
        "supplement",
        _("Waiting for a supplement"),
        EVERYONE,
        lambda user, window: Q(status=Status.SUPPLEMENT),
    ),
    Tab(
        "handover",
        _("Results to hand over"),
        frozenset({DESK, SUPERVISOR}),
        lambda user, window: Q(status=Status.FINISHED) & _received_here(user),
    ),
    Tab(CONSULTATIONS, _("Opinions asked of us"), OPINION_GIVERS, None),
    Tab("all", _("All open"), EVERYONE, lambda user, window: Q()),
)
TAB_KEYS = tuple(tab.key for tab in TABS)
# The tab an official lands on: the work their role starts with.
FIRST_TAB = {DESK: "intake", HEAD: "assignment", SPECIALIST: "mine", LEADER: "decision"}


def tabs_for(user) -> list[Tab]:
    return [tab for tab in TABS if user.role in tab.roles]


def default_tab(user) -> str:
    return FIRST_TAB.get(user.role, "all")


def open_work(user) -> QuerySet[Dossier]:
    """The open dossiers the official may read (dossiers.queries decides which)."""
    return readable_by_official(user).filter(status__in=OPEN_STATUSES)


def tab_dossiers(user, key: str, window: Window | None = None) -> QuerySet[Dossier]:
    """The official's open dossiers in the tab `key` (every open one for "all" or an unknown
    key; none for a tab their role does not have)."""
    tab = next((tab for tab in tabs_for(user) if tab.key == key), None)
    if tab is None or tab.condition is None:
        return open_work(user) if key in ("", "all") else Dossier.objects.none()
    return open_work(user).filter(tab.condition(user, window or Window.now()))


def consultations(user) -> QuerySet[Consultation]:
    """The other agencies' dossiers on which the official's agency's opinion is asked."""
    return consultations_for(user).order_by("due_date", "pk")


def counts(user, window: Window | None = None) -> dict[str, str]:
    """Each of the official's tabs and how many it holds, "99+" past the cap: a count stops
    at the cap, so it reads a hundred index entries at most."""
    window = window or Window.now()
    shown = {}
    for tab in tabs_for(user):
        if tab.key == CONSULTATIONS:
            rows = consultations(user)
        else:
            rows = tab_dossiers(user, tab.key, window)
        number = rows.order_by()[: COUNT_CAP + 1].count()
        shown[tab.key] = f"{COUNT_CAP}+" if number > COUNT_CAP else str(number)
    return shown


def sorted_work(dossiers: QuerySet[Dossier], sort: str = "deadline") -> QuerySet[Dossier]:
    """By deadline, the nearest first (the default), or by receipt, the newest first."""
    if sort == "received":
        return dossiers.order_by("-submitted_at", "-pk")
    return dossiers.order_by("due_date", "submitted_at", "pk")


# ---------------------------------------------------------------- search


_CODE = re.compile(r"[-.]")
_DIGITS = re.compile(r"^\+?[0-9 .]+$")


def search(user, text: str) -> QuerySet[Dossier]:
    """Every dossier the official may read (open or not) whose code, applicant's name (without
    minding diacritics), CCCD number or phone matches `text`."""
    text = text.strip()[:100]
    found = readable_by_official(user)
    if not text:
        return found.none()
    if _DIGITS.match(text):
        digits = normalize_phone(text).replace(".", "")
        local = "0" + digits[3:] if digits.startswith("+84") else digits
        return found.filter(Q(applicant_id_number=digits) | Q(applicant_phone__in={digits, local}))
    condition = Q(applicant_name_folded__contains=f" {fold(text)}") if fold(text) else Q()
    if _CODE.search(text):
        condition = Q(code=text.upper()) | Q(code__startswith=text.upper())
    return found.filter(condition) if condition else found.none()


def deadline_of(dossier: Dossier, window: Window) -> str:
    """overdue, today, soon or "" for a dossier with time left (or whose clock stands still)."""
    if dossier.due_date is None or not deadlines.clock_running(dossier.status):
        return ""
    if dossier.due_date < window.today:
        return "overdue"
    if dossier.due_date == window.today:
        return "today"
    return "soon" if dossier.due_date <= window.soon else ""

"""The dossier's allowed moves, declared in one table and checked on the server.

Each action names the states it may start from, the state it leads to, who may take it (the
applicant; the desk of the receiving point; officials of the deciding agency by role) and what
it needs (a reason, an assignee, the list of what is missing). Who a person is to a dossier is
decided here too (`actors_of`): every door (pages, API, draft saves, the desk) passes the
person, never a role it chose. Anything not in the table is refused with a reason and changes
nothing.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.accounts.models import AccountKind, Role
from motcua.agencies.models import Agency
from motcua.catalog.models import StepKind
from motcua.core.calendar import add_working_days, working_days_between
from motcua.dossiers import effects
from motcua.dossiers.models import (
    IN_PROCESS,
    RESULT_OUT,
    UNDECIDED,
    Dossier,
    Status,
)

APPLICANT = "applicant"
# An official of the agency whose opinion an inter-agency step asks for.
CONSULTED = "consulted"
# Answering a supplement request, or resuming after a pause, returns the dossier to where it
# was before.
PREVIOUS = "previous"
# An action that records something about the dossier without moving it (a rating, a draft).
SAME = "same"
REASON, ASSIGNEE, ITEMS, AGENCY, DELIVERY = "reason", "assignee", "items", "agency", "delivery"
FINDINGS = "findings"  # the procedure's official fields, where its form has any


Effect = Callable[..., effects.Outcome]


@dataclass(frozen=True)
class Condition:
    """A condition on the dossier and on who acts, besides the dossier's state, with the reason
    given when it does not hold."""

    holds: Callable[[Dossier, frozenset[str]], bool]
    refusal: str


@dataclass(frozen=True)
class Transition:
    action: str
    label: str
    sources: frozenset[str]
    target: str
    actors: frozenset[str]
    needs: frozenset[str] = frozenset()
    # What the action does besides moving the dossier (dossiers/effects.py), before the move,
    # and what follows the move; the doors with services of their own leave them empty.
    effect: Effect | None = None
    then: Callable[..., None] | None = None
    # A condition besides the state (where the dossier is on the one-stop path).
    when: Condition | None = None


def _t(action, label, sources, target, actors, needs=(), **work) -> Transition:
    return Transition(
        action, label, frozenset(sources), target, frozenset(actors), frozenset(needs), **work
    )


DESK, SPECIALIST, HEAD, LEADER = (
    Role.DESK_OFFICER,
    Role.SPECIALIST,
    Role.HEAD_OF_DIVISION,
    Role.LEADER,
)
# The desk officer of the deciding agency, when it is not the receiving point: they receive
# transferred dossiers and assign them (the receiving point's desk officer is DESK).
DECIDER_DESK = "decider_desk"
# The roles that take part in processing; the agency administrator and the supervisor do not.
PROCESSING_ROLES = frozenset({DESK, SPECIALIST, HEAD, LEADER})
# The roles that give their agency's opinion on another agency's dossier.
OPINION_ROLES = frozenset({SPECIALIST, HEAD, LEADER})
RATABLE = RESULT_OUT


def awaits_transfer(dossier: Dossier) -> bool:
    """Accepted at a one-stop desk for another agency, and not yet sent there."""
    return dossier.decider_id not in (None, dossier.agency_id) and dossier.transferred_at is None


def with_decider(dossier: Dossier) -> bool:
    """The deciding agency has the dossier: it received it itself, or it was transferred."""
    return not awaits_transfer(dossier)


NOT_YET_TRANSFERRED = Condition(
    lambda dossier, actors: awaits_transfer(dossier),
    gettext_lazy("The dossier is already with the agency that decides it."),
)
TRANSFERRED_FIRST = Condition(
    lambda dossier, actors: with_decider(dossier),
    gettext_lazy("The receiving desk transfers the dossier to the deciding agency first."),
)
# The receiving desk asks for what is missing until it sends the dossier on; then the deciding
# agency's specialist does.
ASKED_BY_WHOEVER_HOLDS_IT = Condition(
    lambda dossier, actors: SPECIALIST in actors or dossier.transferred_at is None,
    gettext_lazy(
        "Once the dossier is transferred, the deciding agency's specialist asks for a supplement."
    ),
)


_TABLE = [
    _t("edit_draft", gettext_lazy("change the draft"), [Status.DRAFT], SAME, [APPLICANT]),
    _t("submit", gettext_lazy("submit"), [Status.DRAFT], Status.SUBMITTED, [APPLICANT]),
    _t(
        "register_at_desk",
        gettext_lazy("register at the desk"),
        [Status.DRAFT],
        Status.ACCEPTED,
        [DESK],
    ),
    _t("withdraw", gettext_lazy("withdraw"), UNDECIDED, Status.WITHDRAWN, [APPLICANT]),
    _t(
        "answer_supplement",
        gettext_lazy("answer the supplement request"),
        [Status.SUPPLEMENT],
        PREVIOUS,
        [APPLICANT],
    ),
    _t("accept", gettext_lazy("accept"), [Status.SUBMITTED], Status.ACCEPTED, [DESK]),
    _t(
        "refuse_intake",
        gettext_lazy("refuse at intake"),
        [Status.SUBMITTED],
        Status.NOT_ACCEPTED,
        [DESK],
        [REASON],
    ),
    _t(
        "transfer",
        gettext_lazy("transfer to the deciding agency"),
        [Status.ACCEPTED],
        SAME,
        [DESK],
        effect=effects.transfer,
        when=NOT_YET_TRANSFERRED,
    ),
    _t(
        "request_supplement",
        gettext_lazy("request a supplement"),
        [Status.SUBMITTED, Status.ACCEPTED, Status.PROCESSING],
        Status.SUPPLEMENT,
        [DESK, SPECIALIST],
        [ITEMS],
        effect=effects.request_supplement,
        when=ASKED_BY_WHOEVER_HOLDS_IT,
    ),
    _t(
        "assign",
        gettext_lazy("assign to a specialist"),
        [Status.ACCEPTED, Status.PROCESSING],
        Status.PROCESSING,
        [HEAD, DECIDER_DESK],
        [ASSIGNEE],
        effect=effects.assign,
        when=TRANSFERRED_FIRST,
    ),
    _t(
        "send_for_review",
        gettext_lazy("send for review"),
        [Status.PROCESSING],
        Status.UNDER_REVIEW,
        [SPECIALIST],
        [FINDINGS],
        effect=effects.review_or_approval,
    ),
    _t(
        "send_back",
        gettext_lazy("send back for processing"),
        [Status.UNDER_REVIEW, Status.AWAITING_APPROVAL],
        Status.PROCESSING,
        [HEAD, LEADER],
        [REASON],
    ),
    _t(
        "submit_for_approval",
        gettext_lazy("submit for approval"),
        [Status.UNDER_REVIEW],
        Status.AWAITING_APPROVAL,
        [HEAD],  # without a head of division the specialist's dossier goes to the leader
    ),
    _t(
        "approve",
        gettext_lazy("approve"),
        [Status.AWAITING_APPROVAL],
        Status.FINISHED,
        [LEADER],
        effect=effects.check_result,
        then=effects.sign_result,
    ),
    _t(
        "consult",
        gettext_lazy("ask another agency's opinion"),
        [Status.PROCESSING],
        Status.CONSULTING,
        [SPECIALIST],
        [AGENCY, REASON],
        effect=effects.consult,
    ),
    _t(
        "give_opinion",
        gettext_lazy("give the opinion asked for"),
        [Status.CONSULTING],
        Status.PROCESSING,
        [CONSULTED],
        [REASON],
    ),
    _t(
        "pause",
        gettext_lazy("pause processing"),
        IN_PROCESS,
        Status.PAUSED,
        [LEADER],
        [REASON],
        effect=effects.pause,
    ),
    _t(
        "request_fees",
        gettext_lazy("ask for the fees before the result"),
        [Status.PROCESSING, Status.UNDER_REVIEW, Status.AWAITING_APPROVAL],
        Status.FEES_REQUESTED,
        [SPECIALIST, LEADER],
        [REASON],
        effect=effects.pause,
    ),
    _t(
        "confirm_fees",
        gettext_lazy("confirm the fees are paid"),
        [Status.FEES_REQUESTED],
        PREVIOUS,
        [DESK, DECIDER_DESK, SPECIALIST],
        effect=effects.resume,
    ),
    _t(
        "resume",
        gettext_lazy("resume processing"),
        [Status.PAUSED],
        PREVIOUS,
        [LEADER],
        effect=effects.resume,
    ),
    _t(
        "stop",
        gettext_lazy("stop processing"),
        [*IN_PROCESS, Status.PAUSED],
        Status.STOPPED,
        [LEADER],
        [REASON],
    ),
    _t(
        "return_result",
        gettext_lazy("hand over the result"),
        [Status.FINISHED],
        Status.RETURNED,
        [DESK],
        [DELIVERY],
        effect=effects.hand_over,
    ),
    _t(
        "collect_online",
        gettext_lazy("receive the result online"),
        [Status.FINISHED],
        Status.RETURNED,
        [APPLICANT],
    ),
    _t("rate", gettext_lazy("rate the service"), RATABLE, SAME, [APPLICANT]),
    _t(
        "set_new_date",
        gettext_lazy("sign the apology with a new date"),
        UNDECIDED,
        SAME,
        [LEADER],
    ),
]
TRANSITIONS: dict[str, Transition] = {t.action: t for t in _TABLE}
# The actions whose reason is addressed to the applicant, who reads it in the dossier's history:
# a refusal, what is missing, a pause or a stop, the fees asked for. Any other comment is the
# officials' own unless they share it (services._notes).
NOTES_TO_APPLICANT = frozenset(
    {"refuse_intake", "request_supplement", "pause", "request_fees", "stop"}
)
# The actions an official takes from the dossier's page or the transitions API; the others
# have doors of their own (the applicant's pages, the desk's intake, the apology, the opinion).
OFFICIAL_ACTIONS = frozenset(
    {
        "accept",
        "refuse_intake",
        "request_supplement",
        "assign",
        "send_for_review",
        "send_back",
        "submit_for_approval",
        "approve",
        "consult",
        "pause",
        "resume",
        "stop",
        "return_result",
        "transfer",
        "request_fees",
        "confirm_fees",
    }
)


class TransitionRefused(Exception):
    """The action is not allowed now; `reason` says why, in the user's language."""

    def __init__(self, reason: str, forbidden: bool = False):
        super().__init__(reason)
        self.reason = reason
        # True when the person may not take this action at all (HTTP 403, not 409).
        self.forbidden = forbidden


# Other apps' conditions on a transition (fees paid first, say): each guard takes the dossier
# and the transition and raises TransitionRefused to stop it. Registered in AppConfig.ready.
GUARDS: list[Callable[[Dossier, Transition], None]] = []


def register_guard(guard: Callable[[Dossier, Transition], None]) -> None:
    if guard not in GUARDS:
        GUARDS.append(guard)


class ApplicantElsewhere:
    """The applicant of a dossier submitted on another portal (the national one), acting on
    that portal, which hands us what they do (a withdrawal, the answer to a supplement
    request). They have no account here; the history records the step without an actor."""

    is_authenticated = True


ON_ANOTHER_PORTAL = ApplicantElsewhere()


def actors_of(dossier: Dossier, person) -> frozenset[str]:
    """Who `person` is to the dossier: its applicant (an account of ours, or the applicant of a
    dossier submitted on another portal acting there), the desk of its receiving point, an
    official of its deciding agency by role, an official of an agency whose opinion it awaits;
    none of these for anyone else."""
    if person is ON_ANOTHER_PORTAL:
        return frozenset({APPLICANT}) if dossier.submitted_elsewhere else frozenset()
    if person is None or not person.is_authenticated:
        return frozenset()
    actors = set()
    if dossier.applicant_id is not None and dossier.applicant_id == person.pk:
        actors.add(APPLICANT)
    if person.kind == AccountKind.OFFICIAL and person.agency_id is not None:
        if person.role == DESK and person.agency_id == dossier.agency_id:
            actors.add(DESK)
        if person.role in PROCESSING_ROLES and person.agency_id == dossier.deciding_agency_id:
            actors.add(DECIDER_DESK if person.role == DESK else person.role)
        if person.role in OPINION_ROLES and _consulted(dossier, person.agency_id):
            actors.add(CONSULTED)
    return frozenset(actors)


def _consulted(dossier: Dossier, agency_id: int) -> bool:
    return (
        dossier.pk is not None
        and dossier.status == Status.CONSULTING
        and dossier.consultations.filter(agency_id=agency_id, answered_at=None).exists()
    )


def check(dossier: Dossier, action: str, person) -> Transition:
    """The transition `person` may take on the dossier now, or a refusal saying why."""
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise TransitionRefused(_("Unknown action %(action)s.") % {"action": action})
    actors = actors_of(dossier, person)
    if not transition.actors & actors:
        raise TransitionRefused(
            _("Your role may not %(action)s a dossier.") % {"action": transition.label},
            forbidden=True,
        )
    if dossier.status not in transition.sources:
        raise TransitionRefused(
            _("A dossier that is “%(status)s” cannot be: %(action)s.")
            % {"status": dossier.get_status_display(), "action": transition.label}
        )
    if transition.when is not None and not transition.when.holds(dossier, actors):
        raise TransitionRefused(str(transition.when.refusal))
    for guard in GUARDS:
        guard(dossier, transition)
    return transition


def allowed(dossier: Dossier, person) -> list[Transition]:
    """What `person` may do to the dossier now, for buttons and API hints."""
    actors = actors_of(dossier, person)
    return [
        t
        for t in _TABLE
        if t.actors & actors
        and dossier.status in t.sources
        and (t.when is None or t.when.holds(dossier, actors))
    ]


@dataclass(frozen=True)
class PlannedStep:
    """A step of a dossier's processing with the last day its share of the time allows."""

    kind: str
    label: str
    share: int
    due_date: datetime.date
    agency: Agency | None = None


# An agency consulted outside the procedure's definition gets this share of the time.
CONSULT_SHARE = 20
# The workflow of a procedure that defines none: the default one-stop path.
DEFAULT_STEPS: tuple[tuple[str, int], ...] = (
    (StepKind.PROCESS, 60),
    (StepKind.REVIEW, 15),
    (StepKind.APPROVE, 15),
    (StepKind.RETURN, 10),
)
# A dossier received at a desk for another agency spends this share of its processing time
# on the way there (the receiving desk's transfer), taken from the specialist's share, unless
# the procedure's own steps plan the transfer.
TRANSFER_SHARE = 5


def steps_of(procedure, transferred: bool = False) -> list[tuple[str, int, Agency | None]]:
    """The procedure's own steps (kind, share %, agency consulted), or the default ones; with
    a transfer step first when the dossier goes from a receiving desk to its deciding agency."""
    own = [(s.kind, s.share, s.consulted_agency) for s in procedure.workflow_steps.all()]
    steps = own or [(kind, share, None) for kind, share in DEFAULT_STEPS]
    if not transferred or any(kind == StepKind.TRANSFER for kind, _s, _a in steps):
        return [step for step in steps if transferred or step[0] != StepKind.TRANSFER]
    largest = max(range(len(steps)), key=lambda i: steps[i][1])
    kind, share, agency = steps[largest]
    steps[largest] = (kind, share - TRANSFER_SHARE, agency)
    return [(StepKind.TRANSFER, TRANSFER_SHARE, None), *steps]


def plan(dossier: Dossier) -> list[PlannedStep]:
    """Each step's deadline: the processing days shared out in order from acceptance (a
    dossier received for another agency first spends the transfer's share on the way).

    Shares are rounded so that the last step ends on the dossier's appointment date.
    """
    start = dossier.accepted_at or dossier.submitted_at
    if start is None or dossier.due_date is None:
        return []
    first_day = timezone.localdate(start)
    total = working_days_between(first_day, dossier.due_date)
    transferred = dossier.decider_id not in (None, dossier.agency_id)
    steps, done_share, planned = steps_of(dossier.procedure, transferred), 0, []
    for kind, share, agency in steps:
        done_share += share
        days = round(total * done_share / 100)
        planned.append(
            PlannedStep(
                kind,
                StepKind(kind).label,
                share,
                add_working_days(first_day, days),
                agency,
            )
        )
    return planned


def consultation_days(dossier: Dossier, agency: Agency) -> int:
    """Working days the consulted agency has: its step's share of the processing time."""
    shares = [share for kind, share, a in steps_of(dossier.procedure) if a == agency]
    share = shares[0] if shares else CONSULT_SHARE
    return max(1, round(dossier.procedure.processing_days * share / 100))

"""The dossier's allowed moves, declared in one table and checked on the server.

Each action names the states it may start from, the state it leads to and who may take it.
Anything not in the table is refused with a reason and changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.dossiers.models import Dossier, Status

APPLICANT = "applicant"
OFFICIAL = "official"
# Answering a supplement request returns the dossier to where it was when the request came.
PREVIOUS = "previous"


@dataclass(frozen=True)
class Transition:
    action: str
    label: str
    sources: frozenset[str]
    target: str
    by: str


def _transition(action, label, sources, target, by) -> tuple[str, Transition]:
    return action, Transition(action, label, frozenset(sources), target, by)


UNDECIDED = (Status.SUBMITTED, Status.ACCEPTED, Status.PROCESSING, Status.SUPPLEMENT)
TRANSITIONS: dict[str, Transition] = dict(
    [
        _transition("submit", gettext_lazy("Submit"), [Status.DRAFT], Status.SUBMITTED, APPLICANT),
        _transition("withdraw", gettext_lazy("Withdraw"), UNDECIDED, Status.WITHDRAWN, APPLICANT),
        _transition(
            "request_supplement",
            gettext_lazy("Request a supplement"),
            [Status.SUBMITTED, Status.ACCEPTED, Status.PROCESSING],
            Status.SUPPLEMENT,
            OFFICIAL,
        ),
        _transition(
            "answer_supplement",
            gettext_lazy("Answer the supplement request"),
            [Status.SUPPLEMENT],
            PREVIOUS,
            APPLICANT,
        ),
    ]
)
RATABLE = frozenset({Status.FINISHED, Status.RETURNED})


class TransitionRefused(Exception):
    """The action is not allowed now; `reason` says why, in the user's language."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def check(dossier: Dossier, action: str) -> Transition:
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise TransitionRefused(_("Unknown action %(action)s.") % {"action": action})
    if dossier.status not in transition.sources:
        raise TransitionRefused(
            _("A dossier that is “%(status)s” cannot be: %(action)s.")
            % {"status": dossier.get_status_display(), "action": transition.label}
        )
    return transition


def allowed(dossier: Dossier, by: str) -> list[Transition]:
    """What `by` may do to the dossier now, for buttons and API hints."""
    return [t for t in TRANSITIONS.values() if t.by == by and dossier.status in t.sources]

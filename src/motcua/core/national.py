"""The six connections with the national public service portal, and how each reports its state.

Each connection is built by a different app at a different layer (the catalog sync in
`catalog`, single sign-on in `accounts`, dossier intake and status sync in `integrations`,
payment in `payments`, ratings and feedback in their app): the registry lives here, at the
bottom, so that every one of them can register the probe of its part in its
`AppConfig.ready`. The connection page (`integrations`) shows all six; an item nobody has
registered is shown as not configured.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

# The six items of the national portal connection, in the national order.
CATALOG = "catalog"
SINGLE_SIGN_ON = "single_sign_on"
INTAKE = "intake"
STATUS_SYNC = "status_sync"
PAYMENT = "payment"
FEEDBACK = "feedback"
ITEMS = {
    CATALOG: _("National procedure catalog sync"),
    SINGLE_SIGN_ON: _("Single sign-on through the national identity provider"),
    INTAKE: _("Dossiers received from the national portal"),
    STATUS_SYNC: _("Dossier status sync to the national portal"),
    PAYMENT: _("National payment platform"),
    FEEDBACK: _("Ratings and feedback sync"),
}


@dataclass(frozen=True)
class LinkState:
    """What one connection says of itself.

    `working` is None when it cannot tell (nothing was exchanged yet); `backlog` counts what
    waits to be sent, when the connection has a queue; `detail` is one short line for people.
    """

    configured: bool
    working: bool | None = None
    last_success: datetime.datetime | None = None
    backlog: int | None = None
    detail: str = ""


NOT_CONFIGURED = LinkState(configured=False)
_PROBES: dict[str, Callable[[], LinkState]] = {}


def register(item: str, probe: Callable[[], LinkState]) -> None:
    """Let `probe` report the state of `item` (one of ITEMS); called from AppConfig.ready."""
    if item not in ITEMS:
        raise ValueError(f"unknown national portal connection item {item!r}")
    _PROBES[item] = probe


def state(item: str) -> LinkState:
    """The item's state as its probe reports it, or NOT_CONFIGURED without one.

    A probe that fails is reported as a connection not working, never as an error page.
    """
    probe = _PROBES.get(item)
    if probe is None:
        return NOT_CONFIGURED
    try:
        return probe()
    except Exception as error:  # the page shows the failure, it does not fail
        return LinkState(configured=True, working=False, detail=str(error)[:200])


def states() -> list[tuple[str, str, LinkState]]:
    """Every item, in order: its key, its name and its state."""
    return [(key, str(label), state(key)) for key, label in ITEMS.items()]

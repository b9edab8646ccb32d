"""How the connections built here report their state to the connection page."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Max
from django.utils.translation import gettext as _

from motcua.core.national import LinkState
from motcua.integrations import outbox, portal
from motcua.integrations.models import ReceivedDossier


def single_sign_on() -> LinkState:
    """VNeID through OpenID Connect (accounts/oidc.py): on once a client is configured."""
    if not settings.OIDC_RP_CLIENT_ID:
        return LinkState(configured=False)
    return LinkState(configured=True, detail=settings.OIDC_ISSUER)


def intake() -> LinkState:
    adapter = portal.get()
    if not (adapter.enabled and adapter.inbound_token):
        return LinkState(configured=False)
    received = ReceivedDossier.objects.aggregate(last=Max("received_at"))["last"]
    count = ReceivedDossier.objects.count()
    return LinkState(
        configured=True,
        working=True if received else None,
        last_success=received,
        detail=_("%(count)s dossiers received") % {"count": count},
    )


def status_sync() -> LinkState:
    if not outbox.enabled():
        return LinkState(configured=False)
    sender = outbox.sender_state()
    waiting = outbox.backlog()
    failing = sender.failures > 0
    working = False if failing else (True if sender.last_success else None)
    return LinkState(
        configured=True,
        working=working,
        last_success=sender.last_success,
        backlog=waiting.waiting,
        detail=sender.last_error if failing else "",
    )

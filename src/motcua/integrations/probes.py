"""How the connections built here report their state to the connection page."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Max
from django.utils.translation import gettext as _

from motcua.accounts.models import User
from motcua.core.national import LinkState
from motcua.feedback.models import Feedback
from motcua.integrations import outbox, portal
from motcua.integrations.models import MessageKind, MessageState, OutboxMessage, ReceivedDossier


def single_sign_on() -> LinkState:
    """VNeID through OpenID Connect (accounts/oidc.py): on once a client is configured, working
    once an account verified by it has signed in."""
    if not settings.OIDC_RP_CLIENT_ID:
        return LinkState(configured=False)
    verified = User.objects.filter(identity_verified=True)
    last = verified.aggregate(last=Max("last_login"))["last"]
    return LinkState(
        configured=True,
        working=True if last else None,
        last_success=last,
        detail=settings.OIDC_ISSUER,
    )


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
    waiting = outbox.backlog(MessageKind.STATUS)
    failing = sender.failures > 0
    working = False if failing else (True if sender.last_success else None)
    return LinkState(
        configured=True,
        working=working,
        last_success=sender.last_success,
        backlog=waiting.waiting,
        detail=sender.last_error if failing else "",
    )


def feedback() -> LinkState:
    """Item 6, ratings and feedback: a dossier's rating travels with its status messages; each
    feedback's changes go in the outbox's feedback stream, and the portal sends us the
    feedback citizens write there. Working once either way has carried something, failing
    while the outbox's sender is."""
    adapter = portal.get()
    if not (adapter.enabled and adapter.inbound_token):
        return LinkState(configured=False)
    sent = OutboxMessage.objects.filter(kind=MessageKind.FEEDBACK, feedback__isnull=False)
    delivered = sent.filter(state=MessageState.DELIVERED)
    received = Feedback.objects.filter(national_code__isnull=False)
    moments = [
        delivered.aggregate(last=Max("delivered_at"))["last"],
        received.aggregate(last=Max("received_at"))["last"],
    ]
    last = max((moment for moment in moments if moment), default=None)
    sender = outbox.sender_state()
    failing = sender.failures > 0
    return LinkState(
        configured=True,
        working=False if failing else (True if last else None),
        last_success=last,
        backlog=outbox.backlog(MessageKind.FEEDBACK).waiting,
        detail=sender.last_error
        if failing
        else _("%(sent)s feedback changes sent, %(received)s feedback received")
        % {"sent": delivered.count(), "received": received.count()},
    )

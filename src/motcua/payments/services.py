"""Every change to a payment, in one place: the pages, the API, the IPN and the sweep call these.

Only the gateway's word changes money state (a genuine IPN, or its answer to our query); the
payer's return to the site only shows where things stand.
"""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Mapping
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.catalog.fees import FeeLine, fee_lines
from motcua.catalog.models import Level
from motcua.core import audit
from motcua.dossiers import services as dossier_services
from motcua.dossiers.models import OPEN_STATUSES, Channel, Dossier
from motcua.dossiers.reads import chain_of
from motcua.dossiers.workflow import Transition, TransitionRefused
from motcua.payments import providers, signals, states
from motcua.payments.models import Payment, PaymentStatus
from motcua.payments.providers import (
    CallbackRefused,
    GatewayReport,
    GatewayUnavailable,
    IpnResult,
    PaymentProvider,
)


class PaymentRefused(Exception):
    """The payment cannot be made or changed now; `reason` says why, in the user's language."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def vnd(amount: int) -> str:
    """An amount as Vietnamese write it: 1.250.000 đồng."""
    return f"{amount:,}".replace(",", ".") + " đồng"


# ---------------------------------------------------------------- what a dossier owes


def paid_online(dossier: Dossier) -> bool:
    return dossier.payments.filter(status=PaymentStatus.PAID).exists()


def payable_online(dossier: Dossier) -> bool:
    """Whether the dossier's fees are paid online: a level-4 service submitted online, with
    fees, where a gateway is configured. Otherwise they are paid at the desk."""
    return (
        dossier.fee_amount > 0
        and dossier.procedure.level >= Level.PAYMENT
        and dossier.channel == Channel.ONLINE
        and providers.default() is not None
    )


FAILURES = (PaymentStatus.FAILED, PaymentStatus.CANCELLED, PaymentStatus.EXPIRED)


@dataclass
class DossierPayment:
    """What the applicant's dossier page shows about its fees."""

    amount: int
    lines: list[FeeLine]
    state: str
    online: bool
    paid: Payment | None = None
    pending: Payment | None = None
    last_failure: Payment | None = None
    can_pay: bool = False
    payment_first: bool = False


def summary(dossier: Dossier) -> DossierPayment:
    now = timezone.now()
    history = list(dossier.payments.all())
    by_status = {p.status: p for p in reversed(history)}  # the latest of each state
    paid = by_status.get(PaymentStatus.PAID)
    pending = by_status.get(PaymentStatus.PENDING)
    if pending and pending.expires_at <= now:
        pending = None
    online = payable_online(dossier)
    if paid:
        state = PaymentStatus.PAID.label
    elif PaymentStatus.REFUNDED in by_status:
        state = PaymentStatus.REFUNDED.label
    elif not online:
        state = _("To be paid at the one-stop desk")
    elif pending:
        state = _("Awaiting confirmation")
    else:
        state = _("Not paid")
    latest = history[0] if history else None
    return DossierPayment(
        amount=dossier.fee_amount,
        lines=fee_lines(dossier.procedure, dossier.form_data),
        state=str(state),
        online=online,
        paid=paid,
        pending=pending,
        last_failure=latest if latest and latest.status in FAILURES else None,
        can_pay=online and not paid and dossier.status in OPEN_STATUSES,
        payment_first=dossier.procedure.payment_first,
    )


def require_payment_first(dossier: Dossier, transition: Transition) -> None:
    """Workflow guard: the desk accepts a payment-first dossier only once its fees are paid."""
    if transition.action != "accept" or not dossier.procedure.payment_first:
        return
    if payable_online(dossier) and not paid_online(dossier):
        raise TransitionRefused(
            _(
                "This procedure is paid before processing: the dossier can be accepted once "
                "the applicant has paid the %(amount)s due."
            )
            % {"amount": vnd(dossier.fee_amount)}
        )


# ---------------------------------------------------------------- starting a payment


def new_reference(now: datetime.datetime) -> str:
    """A transaction reference: the day, then random letters nobody can guess or repeat."""
    return f"{timezone.localtime(now):%y%m%d}{secrets.token_hex(5).upper()}"


def start(
    dossier: Dossier, payer, client_ip: str = "", now: datetime.datetime | None = None
) -> Payment:
    """The payment the applicant pays now: the open attempt, or a new one.

    The dossier's row is locked so that two clicks make one attempt; an attempt past its time
    expires first (the gateway refuses it by then). Raises PaymentRefused, changing nothing.
    """
    now = now or timezone.now()
    provider = providers.default()
    with transaction.atomic():
        dossier = Dossier.objects.select_for_update().select_related("procedure").get(pk=dossier.pk)
        _check_payable(dossier)
        current = dossier.payments.filter(status=PaymentStatus.PENDING).first()
        if current and current.expires_at > now and current.provider == provider.key:
            return current
        if current:
            move(current, PaymentStatus.EXPIRED, payer, via="restart", now=now)
        minutes = datetime.timedelta(minutes=settings.PAYMENT_TIMEOUT_MINUTES)
        payment = Payment.objects.create(
            dossier=dossier,
            provider=provider.key,
            reference=new_reference(now),
            amount=dossier.fee_amount,
            created_at=now,
            expires_at=now + minutes,
            client_ip=client_ip[:45],
        )
        audit.log(
            "payment.start",
            dossier.code,
            payer,
            chain=chain_of(dossier),
            reference=payment.reference,
            provider=provider.key,
            amount=payment.amount,
        )
    return payment


def _check_payable(dossier: Dossier) -> None:
    if dossier.fee_amount == 0:
        raise PaymentRefused(_("This dossier has no fees to pay."))
    if not payable_online(dossier):
        raise PaymentRefused(_("The fees of this dossier are paid at the one-stop desk."))
    if dossier.status not in OPEN_STATUSES:
        raise PaymentRefused(
            _("A dossier that is “%(status)s” is not paid any more.")
            % {"status": dossier.get_status_display()}
        )
    if dossier.payments.filter(status=PaymentStatus.PAID).exists():
        raise PaymentRefused(_("The fees of this dossier are already paid."))


# ---------------------------------------------------------------- moving between states


def move(
    payment: Payment,
    target: str,
    actor=None,
    *,
    via: str,
    report: GatewayReport | None = None,
    now: datetime.datetime | None = None,
) -> None:
    """Put `payment` in `target` as the state table allows, in the caller's transaction.

    Writes the audit log and, for money that settled, tells `payment_settled` listeners.
    """
    if not states.may_move(payment.status, target):
        raise ValueError(f"a payment may not move from {payment.status} to {target}")
    now = now or timezone.now()
    source, payment.status = payment.status, target
    if report:
        payment.provider_transaction = report.provider_transaction or payment.provider_transaction
        payment.bank_code = report.bank_code or payment.bank_code
        payment.response_code = report.response_code or payment.response_code
    if target == PaymentStatus.PAID:
        payment.paid_at = (report.paid_at if report else None) or now
    if target == PaymentStatus.REFUNDED:
        payment.refunded_at = now
    payment.save()
    audit.log(
        "payment.status",
        payment.dossier.code,
        actor,
        chain=chain_of(payment.dossier),
        reference=payment.reference,
        from_status=source,
        to_status=target,
        via=via,
        amount=payment.amount,
        response_code=payment.response_code,
    )
    if target == PaymentStatus.PAID and _paid_twice(payment):
        dossier = payment.dossier
        audit.log(
            "payment.paid_twice",
            dossier.code,
            None,
            chain=chain_of(dossier),
            reference=payment.reference,
        )
    if target in states.SETTLING:
        signals.payment_settled.send(Payment, payment=payment)


def resume_when_fees_paid(sender, payment: Payment, **kwargs) -> None:
    """`payment_settled` listener: money paid for a dossier waiting for its fees lets it go on."""
    if payment.status == PaymentStatus.PAID:
        dossier_services.settle_fees(payment.dossier)


def _paid_twice(payment: Payment) -> bool:
    """Another attempt of the same dossier was paid too: real money, to be given back."""
    others = payment.dossier.payments.exclude(pk=payment.pk)
    return others.filter(status=PaymentStatus.PAID).exists()


# ---------------------------------------------------------------- the gateway's notification


def take_callback(
    provider: PaymentProvider, params: Mapping[str, str], source_ip: str = ""
) -> IpnResult:
    """Judge a server-to-server notification and apply it once.

    The payment's row is locked while it is judged, so that repeated or simultaneous copies of
    one notification credit it once; a copy finds it settled and is answered as such.
    """
    try:
        report = provider.read_callback(params)
    except CallbackRefused as refusal:
        _log_refusal(provider, params, refusal.result, refusal.why, source_ip)
        return refusal.result
    with transaction.atomic():
        payment = (
            Payment.objects.select_for_update()
            .select_related("dossier")
            .filter(provider=provider.key, reference=report.reference)
            .first()
        )
        result, why = _judge(payment, report)
        if result is IpnResult.CONFIRMED and report.status:
            move(payment, report.status, via="ipn", report=report)
        elif why:  # refused, or contradicting a settled payment; a plain repeat needs no word
            _log_refusal(provider, params, result, why, source_ip, payment)
    return result


def _judge(payment: Payment | None, report: GatewayReport) -> tuple[IpnResult, str]:
    """The answer a notification gets, and why when it is not simply taken."""
    if payment is None:
        return IpnResult.NOT_FOUND, "unknown transaction"
    if report.currency != "VND" or report.amount != payment.amount:
        return IpnResult.BAD_AMOUNT, f"{report.amount} {report.currency} for {payment.amount} VND"
    if not report.status:  # the gateway has no final word yet: nothing to record
        return IpnResult.CONFIRMED, ""
    if report.status == payment.status:
        return IpnResult.ALREADY_CONFIRMED, ""
    if states.may_move(payment.status, report.status):
        return IpnResult.CONFIRMED, ""
    if report.status in states.SETTLING or payment.status in states.SETTLING:
        # The money contradicted (paid, then said failed; failed, then said paid): kept as it
        # is, and written down for the reconciliation to settle.
        return IpnResult.ALREADY_CONFIRMED, f"says {report.status}, payment is {payment.status}"
    return IpnResult.ALREADY_CONFIRMED, ""  # one way of not paid for another


def _log_refusal(
    provider: PaymentProvider,
    params: Mapping[str, str],
    result: IpnResult,
    why: str,
    source_ip: str,
    payment: Payment | None = None,
) -> None:
    subject = payment.dossier.code if payment else f"payment:{provider.key}"
    chain = chain_of(payment.dossier) if payment else ""
    received = {str(k)[:40]: str(v)[:200] for k, v in list(params.items())[:40]}
    audit.log(
        "payment.ipn_refused",
        subject,
        None,
        chain=chain,
        provider=provider.key,
        answer=provider.answer(result),
        why=why,
        source_ip=source_ip,
        params=received,
    )


# ---------------------------------------------------------------- payments whose IPN never came


def sweep(now: datetime.datetime | None = None) -> int:
    """Settle the attempts past their time: ask the gateway, and expire what it did not settle.

    A gateway that cannot be asked does not keep an attempt open for ever; if the money did
    arrive, its late IPN still credits the expired attempt. Answers how many were settled.
    """
    now = now or timezone.now()
    overdue = Payment.objects.filter(status=PaymentStatus.PENDING, expires_at__lte=now)
    settled = 0
    for pk in overdue.values_list("pk", flat=True):
        settled += _resolve(pk, now)
    return settled


def _resolve(pk: int, now: datetime.datetime) -> int:
    payment = Payment.objects.select_related("dossier").get(pk=pk)
    report, why = _ask(payment)
    with transaction.atomic():
        payment = Payment.objects.select_for_update().select_related("dossier").get(pk=pk)
        if payment.status != PaymentStatus.PENDING:  # an IPN came meanwhile
            return 0
        if report and report.status:
            move(payment, report.status, via="query", report=report, now=now)
        else:
            move(payment, PaymentStatus.EXPIRED, via=f"expiry: {why}", now=now)
    return 1


def _ask(payment: Payment) -> tuple[GatewayReport | None, str]:
    """The gateway's word on an attempt, outside any transaction (it is a network call)."""
    try:
        report = providers.get(payment.provider).query(payment)
    except (GatewayUnavailable, providers.UnknownProvider) as exc:
        return None, f"gateway not answering ({exc})"
    if report is None:
        return None, "unknown to the gateway"
    if report.amount != payment.amount:
        return None, f"gateway reports {report.amount} VND"
    return report, "not settled at the gateway"


# ---------------------------------------------------------------- refunds


def refund(payment: Payment, actor) -> Payment:
    """Give a paid payment's money back through its gateway, then record it."""
    if payment.status != PaymentStatus.PAID:
        raise PaymentRefused(_("Only a paid payment can be refunded."))
    try:
        providers.get(payment.provider).refund(payment, actor.get_username())
    except (GatewayUnavailable, providers.UnknownProvider) as exc:
        raise PaymentRefused(
            _("The gateway did not refund the payment: %(why)s") % {"why": exc}
        ) from exc
    with transaction.atomic():
        payment = Payment.objects.select_for_update().select_related("dossier").get(pk=payment.pk)
        if payment.status == PaymentStatus.PAID:
            move(payment, PaymentStatus.REFUNDED, actor, via="refund")
    return payment

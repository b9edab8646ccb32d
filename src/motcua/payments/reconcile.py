"""Our payments of a day against the gateway's statement of that day."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.payments.models import Payment, PaymentStatus
from motcua.payments.providers import StatementLine

MISSING_HERE = "missing_here"
MISSING_THERE = "missing_there"
AMOUNT = "amount"
STATUS = "status"
KINDS = {
    MISSING_HERE: _("missing on our side"),
    MISSING_THERE: _("missing from the gateway's statement"),
    AMOUNT: _("amounts differ"),
    STATUS: _("states differ"),
}
# Only where the money is matters: a failed, cancelled or expired attempt is simply unpaid.
SETTLED = (PaymentStatus.PAID, PaymentStatus.REFUNDED)


@dataclass(frozen=True)
class Difference:
    kind: str
    reference: str
    ours: str
    theirs: str

    @property
    def label(self) -> str:
        return str(KINDS[self.kind])


def _money_state(status: str) -> str:
    return status if status in SETTLED else "unpaid"


def _described(status: str, amount: int) -> str:
    return f"{status} {amount}"


def day_bounds(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The day from midnight to midnight in the site's time (Vietnam's)."""
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    return start, start + datetime.timedelta(days=1)


def settled_on(provider: str, day: datetime.date):
    """Our payments whose money moved that day: paid or refunded."""
    start, end = day_bounds(day)
    moved = Q(paid_at__gte=start, paid_at__lt=end) | Q(refunded_at__gte=start, refunded_at__lt=end)
    return Payment.objects.filter(provider=provider).filter(moved)


def compare(provider: str, day: datetime.date, lines: list[StatementLine]) -> list[Difference]:
    """Every difference between the statement and our records, by transaction reference."""
    theirs = {line.reference: line for line in lines}
    known = Payment.objects.filter(provider=provider, reference__in=theirs).in_bulk(
        field_name="reference"
    )
    differences = []
    for reference, line in sorted(theirs.items()):
        payment = known.get(reference)
        said = _described(line.status, line.amount)
        if payment is None:
            differences.append(Difference(MISSING_HERE, reference, "—", said))
            continue
        ours = _described(payment.status, payment.amount)
        if line.amount != payment.amount:
            differences.append(Difference(AMOUNT, reference, ours, said))
        elif _money_state(line.status) != _money_state(payment.status):
            differences.append(Difference(STATUS, reference, ours, said))
    for payment in settled_on(provider, day).order_by("reference"):
        if payment.reference not in theirs:
            ours = _described(payment.status, payment.amount)
            differences.append(Difference(MISSING_THERE, payment.reference, ours, "—"))
    return differences

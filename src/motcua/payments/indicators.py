"""The online payment rate of the national scorecard (Decision 766/QĐ-TTg), for statistics.

Dossiers paid online ÷ dossiers with fees to pay; the caller narrows `dossiers` to an agency
(or its subtree) and a period first.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, QuerySet

from motcua.dossiers.models import Dossier
from motcua.payments.models import Payment, PaymentStatus


@dataclass(frozen=True)
class PaymentRate:
    paid_online: int
    with_fees: int

    @property
    def percent(self) -> float | None:
        return 100 * self.paid_online / self.with_fees if self.with_fees else None


def paid_online(dossiers: QuerySet[Dossier]) -> QuerySet[Dossier]:
    """The dossiers among `dossiers` with a paid payment."""
    paid = Payment.objects.filter(dossier=OuterRef("pk"), status=PaymentStatus.PAID)
    return dossiers.filter(Exists(paid))


def online_payment_rate(dossiers: QuerySet[Dossier]) -> PaymentRate:
    with_fees = dossiers.filter(fee_amount__gt=0)
    return PaymentRate(paid_online=paid_online(with_fees).count(), with_fees=with_fees.count())

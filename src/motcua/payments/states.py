"""The payment's states and the moves between them, in one table.

Only the gateway's word moves money state: a valid IPN, or the answer to our query. Our own
timeout (expired) yields to a later word of the gateway that the money did arrive, so that a
payment that came in late is never lost.
"""

from __future__ import annotations

from motcua.payments.models import PaymentStatus

PENDING, PAID, FAILED, CANCELLED, EXPIRED, REFUNDED = (
    PaymentStatus.PENDING,
    PaymentStatus.PAID,
    PaymentStatus.FAILED,
    PaymentStatus.CANCELLED,
    PaymentStatus.EXPIRED,
    PaymentStatus.REFUNDED,
)

MOVES: dict[str, frozenset[str]] = {
    PENDING: frozenset({PAID, FAILED, CANCELLED, EXPIRED}),
    EXPIRED: frozenset({PAID}),
    PAID: frozenset({REFUNDED}),
    FAILED: frozenset(),
    CANCELLED: frozenset(),
    REFUNDED: frozenset(),
}
# Moves after which the money is where it will stay: listeners (statistics) are told.
SETTLING = frozenset({PAID, REFUNDED})


def may_move(source: str, target: str) -> bool:
    return target in MOVES[source]

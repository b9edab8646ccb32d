"""What a dossier owes: the procedure's fee lines, some multiplied by a form answer."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from motcua.catalog.models import Procedure


@dataclass(frozen=True)
class FeeLine:
    kind: str
    description: str
    unit_amount: int
    quantity: int
    per_field: str

    @property
    def amount(self) -> int:
        return self.unit_amount * self.quantity


def quantity(answers: Mapping[str, Any], per_field: str) -> int:
    """How many times a line is due: 1, or the form's number answer (none given is none due)."""
    if not per_field:
        return 1
    value = answers.get(per_field)
    if isinstance(value, bool):
        return 0
    try:
        return max(int(value), 0)
    except (TypeError, ValueError):
        return 0


def fee_lines(procedure: Procedure, answers: Mapping[str, Any]) -> list[FeeLine]:
    return [
        FeeLine(
            kind=fee.get_kind_display(),
            description=fee.description,
            unit_amount=fee.amount,
            quantity=quantity(answers, fee.per_field),
            per_field=fee.per_field,
        )
        for fee in procedure.fees.all()
    ]


def amount_due(procedure: Procedure, answers: Mapping[str, Any]) -> int:
    """The fees of a dossier of `procedure` with these form answers, in VND."""
    return sum(line.amount for line in fee_lines(procedure, answers))

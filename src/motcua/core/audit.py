"""Writing and checking the chained audit log."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from motcua.core.models import GENESIS_HASH, AuditEntry, AuditHead


def log(action: str, object_ref: str, actor=None, **detail: Any) -> AuditEntry:
    """Append an entry; call it in the transaction of the change it records."""
    with transaction.atomic():
        head, _created = AuditHead.objects.select_for_update().get_or_create(pk=1)
        entry = AuditEntry(
            at=timezone.now(),
            actor=actor if actor is not None and actor.is_authenticated else None,
            action=action,
            object_ref=object_ref,
            detail=detail,
            previous_hash=head.last_hash,
        )
        entry.hash = entry.compute_hash()
        entry.save()
        head.last_hash = entry.hash
        head.save(update_fields=["last_hash"])
    return entry


@dataclass(frozen=True)
class Break:
    """Where the chain is broken and how."""

    entry_id: int | None
    reason: str


def verify() -> tuple[int, Break | None]:
    """Walk the whole log: the number of entries checked, and the first break if any."""
    expected_previous = GENESIS_HASH
    checked = 0
    for entry in AuditEntry.objects.order_by("pk").iterator(chunk_size=2000):
        if entry.previous_hash != expected_previous:
            return checked, Break(entry.pk, "the entry before it was changed or deleted")
        if entry.compute_hash() != entry.hash:
            return checked, Break(entry.pk, "its content was changed")
        expected_previous = entry.hash
        checked += 1
    head = AuditHead.objects.filter(pk=1).first()
    if (head.last_hash if head else GENESIS_HASH) != expected_previous:
        return checked, Break(None, "the last entries were deleted")
    return checked, None

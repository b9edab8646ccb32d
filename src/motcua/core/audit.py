"""Writing and checking the audit log: chains of entries sealed with a key kept outside the
database.

The log is split into chains (one per agency, "" for the system's own) so that appends at
different agencies never queue on one row: each chain has its head, locked only by appends to
that chain. A chain is opened by an entry in the system chain, so that deleting a whole chain,
head and all, is found too.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from motcua.core.models import GENESIS_HASH, AuditEntry, AuditHead

SYSTEM_CHAIN = ""
CHAIN_OPENED = "audit.chain_opened"
# Why `verify` stopped, beyond a missing link.
REHASHED = "it was changed and re-hashed without the audit key"
SEALED_ELSEWHERE = "its content was changed, or it was sealed with another key"
HEAD_CHANGED = "its head was changed without the audit key"


def log(action: str, object_ref: str, actor=None, *, chain: str = "", **detail: Any) -> AuditEntry:
    """Append an entry to `chain`; call it last in the transaction of the change it records,
    since the chain's head stays locked until that transaction ends."""
    with transaction.atomic():
        return _append(_locked_head(chain), action, object_ref, actor, detail)


def _append(head: AuditHead, action: str, object_ref: str, actor, detail: dict) -> AuditEntry:
    entry = AuditEntry(
        chain=head.chain,
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
    head.seal = head.compute_seal()
    head.save(update_fields=["last_hash", "seal"])
    return entry


def _locked_head(chain: str) -> AuditHead:
    """The chain's head, locked until the end of the transaction; opened on first use."""
    head = AuditHead.objects.select_for_update().filter(chain=chain).first()
    if head is not None:
        return head
    if chain == SYSTEM_CHAIN:
        return _create_head(chain)
    # Openings queue on the system chain's head, so a chain is opened (and recorded) once.
    system = _locked_head(SYSTEM_CHAIN)
    head = AuditHead.objects.select_for_update().filter(chain=chain).first()
    if head is None:
        _append(system, CHAIN_OPENED, chain, None, {})
        head = _create_head(chain)
    return head


def _create_head(chain: str) -> AuditHead:
    """A new head at the chain's start; if a concurrent transaction created it first, theirs."""
    head = AuditHead(chain=chain, last_hash=GENESIS_HASH)
    head.seal = head.compute_seal()
    try:
        with transaction.atomic():
            head.save(force_insert=True)
    except IntegrityError:
        theirs = AuditHead.objects.select_for_update().filter(chain=chain).first()
        if theirs is None:
            raise
        return theirs
    return head


@dataclass(frozen=True)
class Break:
    """Where the log is broken and how: an entry, or the end of a chain (`entry_id` None)."""

    entry_id: int | None
    reason: str
    chain: str = ""


def verify() -> tuple[int, Break | None]:
    """Walk every chain: the number of entries checked, and the first break if any."""
    last: dict[str, str] = {}
    opened = {SYSTEM_CHAIN}
    checked = 0
    for entry in AuditEntry.objects.order_by("pk").iterator(chunk_size=2000):
        broken = _check_entry(entry, last.get(entry.chain, GENESIS_HASH))
        if broken:
            return checked, broken
        last[entry.chain] = entry.hash
        if entry.chain == SYSTEM_CHAIN and entry.action == CHAIN_OPENED:
            opened.add(entry.object_ref)
        checked += 1
    return checked, _check_heads(AuditHead.objects.all(), last, opened)


def _check_entry(entry: AuditEntry, expected_previous: str) -> Break | None:
    if entry.previous_hash != expected_previous:
        return Break(entry.pk, "the entry before it was changed or deleted", entry.chain)
    if entry.compute_hash() == entry.hash:
        return None
    if entry.plain_hash() == entry.hash:
        return Break(entry.pk, REHASHED, entry.chain)
    return Break(entry.pk, SEALED_ELSEWHERE, entry.chain)


def _check_heads(
    heads: Iterable[AuditHead], last: dict[str, str], opened: set[str]
) -> Break | None:
    """Each chain ends where its head says, and each opened chain still has its head."""
    seen = set()
    for head in heads:
        seen.add(head.chain)
        if head.seal != head.compute_seal():
            return Break(None, HEAD_CHANGED, head.chain)
        if head.last_hash != last.get(head.chain, GENESIS_HASH):
            return Break(None, "the last entries were deleted", head.chain)
    for chain in sorted((set(last) | opened) - seen):
        if chain in last:
            return Break(None, "its head was deleted", chain)
        if chain != SYSTEM_CHAIN:
            return Break(None, "the whole chain was deleted", chain)
    return None

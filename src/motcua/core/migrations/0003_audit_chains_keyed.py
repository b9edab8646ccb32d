"""The audit log in chains (one per agency) sealed with HMAC-SHA256 under settings.AUDIT_KEY.

The existing entries, one plain SHA-256 chain, become the system chain ("") re-sealed under the
key. The plain chain is checked first and what was found is written in a last entry
(`audit.rekeyed`), so re-sealing never hides an earlier break.
"""

import hashlib
import hmac
import json
from collections.abc import Iterator

from django.conf import settings
from django.core.management.color import no_style
from django.db import migrations, models
from django.utils import timezone

GENESIS_HASH = "0" * 64
BATCH = 2000


def _content(entry) -> list:
    at = entry.at.isoformat()
    return [entry.previous_hash, at, entry.actor_id, entry.action, entry.object_ref, entry.detail]


def _encode(content: list) -> bytes:
    return json.dumps(content, sort_keys=True, ensure_ascii=False, default=str).encode()


def _plain(entry) -> str:
    return hashlib.sha256(_encode(_content(entry))).hexdigest()


def _keyed(*content) -> str:
    key = settings.AUDIT_KEY.encode()
    return hmac.new(key, _encode(list(content)), hashlib.sha256).hexdigest()


def _batches(model) -> Iterator[list]:
    """All entries in order, a batch at a time (by key ranges: the rows change as we go)."""
    last = 0
    while batch := list(model.objects.filter(pk__gt=last).order_by("pk")[:BATCH]):
        yield batch
        last = batch[-1].pk


def _plain_break(entry, expected_previous: str) -> dict | None:
    if entry.previous_hash != expected_previous:
        return {"entry": entry.pk, "reason": "the entry before it was changed or deleted"}
    if _plain(entry) != entry.hash:
        return {"entry": entry.pk, "reason": "its content was changed"}
    return None


def _set_head(head_model, last_hash: str) -> None:
    seal = _keyed("head", "", last_hash)
    head_model.objects.update_or_create(chain="", defaults={"last_hash": last_hash, "seal": seal})


def rechain(apps, schema_editor) -> None:
    """Check the plain chain, then seal every entry under the key, in the same order."""
    entry_model = apps.get_model("core", "AuditEntry")
    head_model = apps.get_model("core", "AuditHead")
    plain_previous = keyed_previous = GENESIS_HASH
    broken, count = None, 0
    for batch in _batches(entry_model):
        for entry in batch:
            broken = broken or _plain_break(entry, plain_previous)
            plain_previous = entry.hash
            entry.previous_hash = keyed_previous
            entry.hash = keyed_previous = _keyed("", *_content(entry))
            count += 1
        entry_model.objects.bulk_update(batch, ["previous_hash", "hash"])
    if count == 0:
        _set_head(head_model, GENESIS_HASH)
        return
    head = head_model.objects.filter(chain="").first()
    if broken is None and (head.last_hash if head else GENESIS_HASH) != plain_previous:
        broken = {"entry": None, "reason": "the last entries were deleted"}
    note = entry_model(
        chain="",
        at=timezone.now(),
        action="audit.rekeyed",
        object_ref="audit",
        detail={"entries": count, "plain_chain_intact": broken is None, "break": broken},
        previous_hash=keyed_previous,
    )
    note.hash = _keyed("", *_content(note))
    note.save()
    _set_head(head_model, note.hash)


def unchain(apps, schema_editor) -> None:
    """Back to one plain SHA-256 chain over every entry, in the order they were written."""
    entry_model = apps.get_model("core", "AuditEntry")
    head_model = apps.get_model("core", "AuditHead")
    previous = GENESIS_HASH
    for batch in _batches(entry_model):
        for entry in batch:
            entry.previous_hash = previous
            entry.hash = previous = _plain(entry)
        entry_model.objects.bulk_update(batch, ["previous_hash", "hash"])
    head_model.objects.exclude(chain="").delete()
    head_model.objects.update_or_create(chain="", defaults={"last_hash": previous})


def reset_head_ids(apps, schema_editor) -> None:
    """The first head was made with an explicit id, which PostgreSQL's sequence never saw:
    move the sequence past it, so that the heads of new chains can be inserted."""
    head_model = apps.get_model("core", "AuditHead")
    for sql in schema_editor.connection.ops.sequence_reset_sql(no_style(), [head_model]):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_audithead_auditentry"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditentry",
            name="chain",
            field=models.CharField(blank=True, default="", max_length=32, verbose_name="chain"),
        ),
        migrations.AddField(
            model_name="audithead",
            name="chain",
            field=models.CharField(default="", max_length=32, unique=True),
        ),
        migrations.AddField(
            model_name="audithead",
            name="seal",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.RunPython(rechain, unchain),
        migrations.RunPython(reset_head_ids, migrations.RunPython.noop),
    ]

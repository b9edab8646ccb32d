"""The national procedure database (Cơ sở dữ liệu quốc gia về thủ tục hành chính) in the catalog.

A national export (the catalog's JSON or XLSX, from a file or from the national portal's
address) is read and checked by importexport, the catalog's one reader, then compared with the
catalog: the procedures it adds, what it changes in the known ones (old → new) and the ones it
no longer lists (withdrawn nationally). Nothing is written until that plan is applied.

The nation owns a procedure's description: NATIONAL_FIELDS, its sector, tiers and required
documents. The province owns how it carries it out, and a re-sync never touches it: fees, form
fields, deciding agencies, receiving points, time plan, payment before processing, whether it
is published, and each document's template file. A new procedure is written whole from the
export, its local parts included as a starting point. A withdrawn procedure is unpublished,
never deleted: its dossiers keep pointing at it.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import urllib.request
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.agencies.models import Tier
from motcua.catalog import importexport
from motcua.catalog.importexport import CheckedRecord, ImportFailed
from motcua.catalog.models import (
    Level,
    NationalEntry,
    OnlineMode,
    Procedure,
    ProcedureTier,
    RequiredDocument,
)
from motcua.core import audit
from motcua.core.national import LinkState

NATIONAL_FIELDS = (
    "name",
    "level",
    "online_mode",
    "processing_days",
    "processing_note",
    "requirements",
    "steps",
    "result_type",
    "legal_basis",
)
# What a document is, nationally; its template file is the province's.
DOCUMENT_FIELDS = ("originals", "copies", "mandatory")
FETCH_TIMEOUT_SECONDS = 30


@dataclass(frozen=True)
class FieldChange:
    """One national field of a known procedure: what the catalog holds and what the nation says."""

    name: str
    label: str
    old: list[str]
    new: list[str]


@dataclass
class ProcedureChange:
    procedure: Procedure
    record: CheckedRecord
    changes: list[FieldChange]


@dataclass
class SyncPlan:
    """What applying a national export would do; `digest` names it for a confirmation."""

    new: list[CheckedRecord] = field(default_factory=list)
    changed: list[ProcedureChange] = field(default_factory=list)
    withdrawn: list[Procedure] = field(default_factory=list)
    unchanged: int = 0
    listed: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.new or self.changed or self.withdrawn)

    def digest(self) -> str:
        summary = {
            "new": [record.procedure["code"] for record in self.new],
            "changed": {
                change.procedure.code: [(c.name, c.old, c.new) for c in change.changes]
                for change in self.changed
            },
            "withdrawn": [procedure.code for procedure in self.withdrawn],
        }
        text = json.dumps(summary, ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class SyncResult:
    created: int
    updated: int
    withdrawn: int


# ---------------------------------------------------------------- reading an export


def read_export(filename: str, content: bytes) -> list[CheckedRecord]:
    """The export's procedures, checked as any catalog file is; ImportFailed names every error."""
    return importexport.check_records(importexport.read_file(filename, content))


def fetch_export(url: str) -> bytes:
    """The JSON export the national portal serves at `url`; ImportFailed when it does not."""
    request = urllib.request.Request(url, headers={"Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT_SECONDS) as response:
            return response.read()
    except OSError as exc:  # refused, timed out, HTTP error status
        raise ImportFailed(
            [_("The national procedure database did not answer: %(why)s") % {"why": exc}]
        ) from exc


# ---------------------------------------------------------------- comparing


def plan(records: list[CheckedRecord]) -> SyncPlan:
    """Compare the export with the catalog, changing nothing."""
    codes = [record.procedure["code"] for record in records]
    known = {
        procedure.code: procedure
        for procedure in Procedure.objects.filter(code__in=codes)
        .select_related("sector", "national_entry")
        .prefetch_related("tier_links", "documents")
    }
    result = SyncPlan(listed=codes)
    for record in records:
        procedure = known.get(record.procedure["code"])
        if procedure is None:
            result.new.append(record)
            continue
        changes = _changes(procedure, record)
        if changes:
            result.changed.append(ProcedureChange(procedure, record, changes))
        else:
            result.unchanged += 1
    result.withdrawn = list(
        Procedure.objects.filter(national_entry__withdrawn_at__isnull=True)
        .exclude(code__in=codes)
        .select_related("sector")
        .order_by("code")
    )
    return result


def _changes(procedure: Procedure, record: CheckedRecord) -> list[FieldChange]:
    old, new = _local_view(procedure), _national_view(record)
    changes = [
        FieldChange(name, str(label), old[name], new[name])
        for name, label in _labels().items()
        if old[name] != new[name]
    ]
    entry = getattr(procedure, "national_entry", None)
    if entry is not None and entry.withdrawn_at is not None:
        changes.append(
            FieldChange(
                "national_status",
                _("in the national database"),
                [_("withdrawn")],
                [_("listed again")],
            )
        )
    return changes


def _labels() -> dict[str, str]:
    labels = {name: Procedure._meta.get_field(name).verbose_name for name in NATIONAL_FIELDS}
    labels["sector"] = Procedure._meta.get_field("sector").verbose_name
    labels["tiers"] = ProcedureTier._meta.verbose_name_plural
    labels["documents"] = RequiredDocument._meta.verbose_name_plural
    return labels


def _local_view(procedure: Procedure) -> dict[str, list[str]]:
    values = {name: getattr(procedure, name) for name in NATIONAL_FIELDS}
    documents = [
        {name: getattr(document, name) for name in ("name", *DOCUMENT_FIELDS)}
        for document in procedure.documents.all()
    ]
    return _shown(values, procedure.sector.name, procedure.tier_codes, documents)


def _national_view(record: CheckedRecord) -> dict[str, list[str]]:
    values = {name: record.procedure[name] for name in NATIONAL_FIELDS}
    return _shown(values, record.sector_name, record.tiers, record.documents)


def _shown(values: dict, sector: str, tiers: list[str], documents: list[dict]) -> dict:
    """The national fields as lines of text, the way the plan shows and compares them."""
    shown = {name: [str(value)] if value != "" else [] for name, value in values.items()}
    shown["level"] = [str(Level(values["level"]).label)]
    shown["online_mode"] = [str(OnlineMode(values["online_mode"]).label)]
    shown["sector"] = [sector]
    shown["tiers"] = sorted(str(Tier(tier).label) for tier in tiers)
    shown["documents"] = [_document_line(document) for document in documents]
    return shown


def _document_line(document: dict) -> str:
    line = _("%(name)s: %(originals)s original(s), %(copies)s copy(ies)") % document
    return line if document["mandatory"] else line + " " + _("(optional)")


# ---------------------------------------------------------------- applying


def apply(records: list[CheckedRecord], expected_digest: str = "", actor=None) -> SyncResult:
    """Apply the export as `plan` shows it, in one transaction.

    With `expected_digest`, the plan must still be the one that was shown: if the catalog or the
    export changed meanwhile, ImportFailed asks for a new look and nothing is written.
    """
    with transaction.atomic():
        sync = plan(records)
        if expected_digest and sync.digest() != expected_digest:
            raise ImportFailed(
                [_("The catalog changed since the differences were shown: look at them again.")]
            )
        now = timezone.now()
        importexport.write_records(sync.new)
        sectors = importexport.ensure_sectors([change.record for change in sync.changed])
        for change in sync.changed:
            _update(change.procedure, change.record, sectors)
        _withdraw(sync.withdrawn, now)
        _mark_listed(sync.listed, now)
        result = SyncResult(len(sync.new), len(sync.changed), len(sync.withdrawn))
        audit.log(
            "catalog.national_sync",
            "catalog",
            actor,
            created=[record.procedure["code"] for record in sync.new],
            updated=[change.procedure.code for change in sync.changed],
            withdrawn=[procedure.code for procedure in sync.withdrawn],
        )
    return result


def _update(procedure: Procedure, record: CheckedRecord, sectors: dict) -> None:
    """Write the nation's part of a known procedure; the province's part stays as it is."""
    for name in NATIONAL_FIELDS:
        setattr(procedure, name, record.procedure[name])
    procedure.sector = sectors[record.sector_name]
    procedure.save()
    procedure.tier_links.all().delete()
    ProcedureTier.objects.bulk_create(
        ProcedureTier(procedure=procedure, tier=tier) for tier in record.tiers
    )
    _merge_documents(procedure, record.documents)


def _merge_documents(procedure: Procedure, documents: list[dict]) -> None:
    """The export's documents, matched by name: a kept document keeps its id (the one the
    dossiers' attachments name) and its template; the others are added or removed."""
    existing = {document.name: document for document in procedure.documents.all()}
    listed = {document["name"] for document in documents}
    procedure.documents.exclude(name__in=listed).delete()
    for position, data in enumerate(documents):
        document = existing.get(data["name"]) or RequiredDocument(
            procedure=procedure, name=data["name"]
        )
        for name in DOCUMENT_FIELDS:
            setattr(document, name, data[name])
        document.position = position
        document.save()


def _withdraw(procedures: list[Procedure], now: datetime.datetime) -> None:
    Procedure.objects.filter(pk__in=[p.pk for p in procedures]).update(published=False)
    NationalEntry.objects.filter(procedure__in=procedures).update(withdrawn_at=now)


def _mark_listed(codes: list[str], now: datetime.datetime) -> None:
    procedures = Procedure.objects.filter(code__in=codes)
    NationalEntry.objects.filter(procedure__in=procedures).update(synced_at=now, withdrawn_at=None)
    new = procedures.filter(national_entry__isnull=True).values_list("pk", flat=True)
    NationalEntry.objects.bulk_create(NationalEntry(procedure_id=pk, synced_at=now) for pk in new)


# ---------------------------------------------------------------- the connection page


def link_state() -> LinkState:
    """The catalog sync's state for the national portal connection page."""
    entries = NationalEntry.objects.aggregate(last=Max("synced_at"))
    listed = NationalEntry.objects.filter(withdrawn_at__isnull=True).count()
    withdrawn = NationalEntry.objects.filter(withdrawn_at__isnull=False).count()
    return LinkState(
        configured=bool(settings.NATIONAL_CATALOG_URL) or entries["last"] is not None,
        working=True if entries["last"] else None,
        last_success=entries["last"],
        detail=_("%(listed)s procedures from the national database, %(withdrawn)s withdrawn.")
        % {"listed": listed, "withdrawn": withdrawn},
    )

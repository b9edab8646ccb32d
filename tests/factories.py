"""Small builders of catalog data for tests; they go through the real import path."""

from __future__ import annotations

import itertools
from typing import Any

from motcua.accounts.models import User
from motcua.agencies.models import Agency, Kind, Tier
from motcua.catalog.importexport import Located, ProcedureRecord, import_records
from motcua.catalog.models import Procedure

_codes = itertools.count(1)


def agency(
    code: str, name: str, tier: str = Tier.DEPARTMENT, parent: Agency | None = None, **extra
) -> Agency:
    kind = extra.pop(
        "kind",
        {
            Tier.PROVINCE: Kind.PEOPLES_COMMITTEE,
            Tier.DEPARTMENT: Kind.DEPARTMENT,
            Tier.DISTRICT: Kind.DISTRICT,
            Tier.COMMUNE: Kind.COMMUNE,
        }[tier],
    )
    return Agency.objects.create(code=code, name=name, tier=tier, kind=kind, parent=parent, **extra)


def procedure(
    name: str,
    *,
    code: str | None = None,
    sector: str = "Hộ tịch",
    tier: str = Tier.COMMUNE,
    agencies: list[Agency] = (),
    level: int = 3,
    fees: list[dict[str, Any]] = (),
    documents: list[dict[str, Any]] = (),
    **data: Any,
) -> Procedure:
    code = code or f"1.{900000 + next(_codes):06d}"
    record = ProcedureRecord(
        where="test",
        data={
            "code": code,
            "name": name,
            "sector": sector,
            "tiers": [tier],
            "agencies": [a.code for a in agencies],
            "level": level,
            "processing_days": data.pop("processing_days", 5),
            **data,
        },
        fees=[Located("test", fee) for fee in fees],
        documents=[Located("test", document) for document in documents],
    )
    import_records([record])
    return Procedure.objects.get(code=code)


def official(agency: Agency, role: str, name: str | None = None) -> User:
    return User.objects.create_user(
        name or f"{role}-{agency.code}", password="x", kind="official", role=role, agency=agency
    )

"""Catalog search over 5,000 procedures: the service alone and the whole API request."""

from __future__ import annotations

import itertools

from harness import Result, median_ms

QUERIES = [
    {"q": "dang ky ket hon"},
    {"q": "ĐĂNG KÝ KHAI SINH"},
    {"q": "cap giay phep"},
    {"q": "ho tich"},
    {"q": "xay dung nha o"},
    {"q": "giay chung nhan", "tier": "department"},
    {"q": "chung thuc", "level": "4"},
    {"tier": "commune"},
]
SIZE = 5000
BUDGET_MS = 50.0


def build_catalog() -> int:
    """The demo province, with its catalog grown to SIZE procedures by case variants."""
    from motcua.catalog.importexport import ProcedureRecord, import_records
    from motcua.demo.province import build_agencies, build_records

    groups = build_agencies()
    records = build_records({g: [a.code for a in agencies] for g, agencies in groups.items()})
    extra = []
    for number, base in zip(range(SIZE - len(records)), itertools.cycle(records)):
        data = {
            **base.data,
            "code": f"2.{number + 1:06d}",
            "name": f"{base.data['name']} (trường hợp {number // len(records) + 2})",
        }
        extra.append(ProcedureRecord(base.where, data, base.fees, base.documents))
    import_records(records + extra)
    return len(records) + len(extra)


def run() -> list[Result]:
    from django.db import connection
    from django.test import Client

    from motcua.catalog.models import Procedure
    from motcua.catalog.services import CatalogQuery, search_procedures

    assert build_catalog() == SIZE == Procedure.objects.count()
    client = Client()

    def service():
        for params in QUERIES:
            query = CatalogQuery(
                text=params.get("q", ""),
                tier=params.get("tier", ""),
                level=int(params["level"]) if "level" in params else None,
            )
            procedures = search_procedures(query)
            procedures.count()
            list(procedures[:20])

    def api():
        for params in QUERIES:
            assert client.get("/api/v1/procedures", params).status_code == 200

    def page():
        for params in QUERIES:
            assert client.get("/thu-tuc/", params).status_code == 200

    per_query = len(QUERIES)
    engine = connection.vendor
    return [
        Result(f"search_service_{engine}", median_ms(service, runs=30) / per_query, BUDGET_MS),
        Result(f"search_api_{engine}", median_ms(api, runs=30) / per_query, BUDGET_MS),
        Result(f"search_page_{engine}", median_ms(page, runs=15) / per_query, BUDGET_MS),
    ]

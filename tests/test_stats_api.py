"""GET /api/v1/stats/summary over HTTP: who sees what, bad queries, and the documented shape."""

import pytest
from rest_framework.test import APIClient

from motcua.accounts.models import Role
from motcua.stats.api import StatsSummarySerializer
from tests.factories import official, period, receive_three

URL = "/api/v1/stats/summary"


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def received(catalog, province, citizen):
    return receive_three(catalog, province, citizen)


def test_anyone_reads_the_province_without_the_per_agency_tables(api, received):
    response = api.get(URL, period(received))
    assert response.status_code == 200
    body = response.json()
    assert body["agency"] is None
    assert body["procedures"]["total"] == 6
    assert (body["procedures"]["online_level3"], body["procedures"]["online_level4"]) == (1, 3)
    assert body["procedures"]["online_share"] == 66.67
    assert (body["dossiers"]["received"], body["dossiers"]["online"]) == (3, 2)
    assert body["dossiers"]["online_rate"] == 66.67
    assert body["dossiers"]["on_time_rate"] is None  # nothing finished yet
    assert {row["tier"] for row in body["by_tier"]} == {"department", "district", "commune"}
    assert "by_agency" not in body and "rankings" not in body


def test_the_province_supervisor_reads_every_agency(api, received, province):
    api.force_authenticate(official(province["root"], Role.SUPERVISOR))
    body = api.get(URL, period(received)).json()
    rows = {row["code"]: row for row in body["by_agency"]}
    assert set(rows) == {province["justice"].code, province["district"].code}
    justice = rows[province["justice"].code]
    assert justice["name"] == "Sở Tư pháp"
    assert (justice["dossiers"]["received"], justice["dossiers"]["online_rate"]) == (1, 100.0)
    assert justice["procedures"] == {
        "total": 1,
        "online": 1,
        "online_level3": 0,
        "online_level4": 1,
        "online_full": 1,
        "online_partial": 0,
        "online_share": 100.0,
        "level4_share": 100.0,
    }
    assert rows[province["district"].code]["dossiers"]["online_rate"] == 50.0
    assert [r["code"] for r in body["rankings"]["online_rate"]] == [
        province["justice"].code,
        province["district"].code,
    ]


def test_an_official_reads_their_subtree_only(api, received, province):
    api.force_authenticate(official(province["district"], Role.LEADER))
    mine = api.get(URL, period(received, agency=province["commune_a"].code))
    assert mine.status_code == 200
    assert mine.json()["dossiers"]["received"] == 2
    assert mine.json()["agency"]["code"] == province["commune_a"].code
    others = api.get(URL, period(received, agency=province["justice"].code))
    assert others.status_code == 403
    whole = api.get(URL, period(received)).json()
    assert "by_agency" not in whole  # the province's detail is for officials at its top


def test_an_agency_is_not_public(api, received, province):
    response = api.get(URL, period(received, agency=province["commune_a"].code))
    assert response.status_code in (401, 403)


def test_the_province_code_alone_names_the_province(api, received, province):
    public = api.get(URL, period(received, agency="H57")).json()
    assert public["agency"]["code"] == province["root"].code
    assert public["dossiers"]["received"] == 3 and "by_agency" not in public
    api.force_authenticate(official(province["root"], Role.SUPERVISOR))
    assert len(api.get(URL, period(received, agency="H57")).json()["by_agency"]) == 2


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"from": "2020-13-01"}, "from"),
        ({"to": "26/05/2020"}, "to"),
        ({"from": "2020-06-01", "to": "2020-05-26"}, "non_field_errors"),
        ({"agency": "000.00.99.H57"}, "agency"),
    ],
)
def test_bad_queries_are_refused_with_a_reason(api, province, query, field):
    response = api.get(URL, query)
    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_a_bad_date_is_explained_in_vietnamese(api, db):
    response = api.get(URL, {"from": "2020-02-30"})
    assert response.json() == {"from": ["Nhập một ngày hợp lệ."]}


def test_the_period_defaults_to_the_year_so_far(api, received):
    body = api.get(URL).json()
    assert body["period"] == {
        "from": received.replace(month=1, day=1).isoformat(),
        "to": received.isoformat(),
    }
    assert body["dossiers"]["received"] == 3


def _shape(serializer) -> object:
    """The keys a serializer documents, nested."""
    from rest_framework import serializers

    if isinstance(serializer, serializers.ListSerializer):
        return [_shape(serializer.child)]
    if isinstance(serializer, serializers.DictField):
        return {"*": _shape(serializer.child)}
    if isinstance(serializer, serializers.Serializer):
        return {name: _shape(field) for name, field in serializer.fields.items()}
    return None


def _keys(value, shape) -> list[str]:
    """Where `value` strays from `shape`."""
    if isinstance(shape, dict) and "*" in shape:
        return [m for item in value.values() for m in _keys(item, shape["*"])]
    if isinstance(shape, dict):
        if value is None:
            return []
        missing = [k for k in set(shape) ^ set(value) if k not in ("by_agency", "rankings")]
        return missing + [m for k in shape if k in value for m in _keys(value[k], shape[k])]
    if isinstance(shape, list):
        return [m for item in value for m in _keys(item, shape[0])]
    return []


def test_the_json_is_the_one_the_schema_documents(api, received, province, catalog):
    api.force_authenticate(official(province["root"], Role.SUPERVISOR))
    body = api.get(URL, period(received)).json()
    assert body["unused_services"]["items"] and body["least_used"] and body["by_agency"]
    assert _keys(body, _shape(StatsSummarySerializer())) == []


def test_the_schema_documents_the_statistics(api, db):
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    summary = schema["paths"]["/api/v1/stats/summary"]["get"]
    assert {p["name"] for p in summary["parameters"]} == {"from", "to", "agency", "side"}
    reference = summary["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    documented = schema["components"]["schemas"][reference.rsplit("/", 1)[1]]
    assert {"procedures", "dossiers", "by_tier", "by_agency", "series"} <= set(
        documented["properties"]
    )
    assert "/api/v1/stats/report.xlsx" in schema["paths"]
    assert "/api/v1/stats/dossiers.csv" in schema["paths"]

import pytest
from rest_framework.test import APIClient


@pytest.fixture
def api():
    return APIClient()


def test_procedures_list_in_drf_envelope(api, catalog):
    body = api.get("/api/v1/procedures").json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 6
    first = body["results"][0]
    assert {"code", "name", "sector", "tiers", "level", "online_mode", "processing_days"} <= set(
        first
    )


def test_procedures_filters(api, catalog):
    def codes(**params):
        return [p["name"] for p in api.get("/api/v1/procedures", params).json()["results"]]

    assert codes(q="dang ky ket hon")[0] == "Đăng ký kết hôn"
    assert codes(q="ĐĂNG KÝ KẾT HÔN") == codes(q="đăng ký kết hôn") == codes(q="dang ky ket hon")
    assert codes(tier="department") == ["Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam"]
    assert codes(level=1) == ["Cấp giấy phép xây dựng nhà ở riêng lẻ"]
    assert codes(agency="000.00.02.H57") == ["Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam"]
    assert codes(sector="xay-dung") == ["Cấp giấy phép xây dựng nhà ở riêng lẻ"]


def test_pagination(api, catalog):
    body = api.get("/api/v1/procedures", {"page_size": 4}).json()
    assert len(body["results"]) == 4 and body["next"] and body["previous"] is None
    second = api.get(body["next"]).json()
    assert len(second["results"]) == 2 and second["next"] is None


def test_bad_filters_get_400_with_reason(api, catalog):
    response = api.get("/api/v1/procedures", {"level": 9, "tier": "planet"})
    assert response.status_code == 400
    assert set(response.json()) == {"level", "tier"}


def test_procedure_detail_has_what_a_form_needs(api, catalog):
    response = api.get("/api/v1/procedures/1.000894")
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "Đăng ký kết hôn"
    assert body["agencies"] == ["000.01.31.H57", "000.02.31.H57"]
    assert body["documents"][0] == {
        "id": catalog["marriage"].documents.get().pk,
        "name": "Tờ khai đăng ký kết hôn",
        "originals": 1,
        "copies": 0,
        "mandatory": True,
        "template_url": None,
    }
    assert body["fees"][0]["amount"] == 0 and body["total_fee"] == 0
    assert body["processing_days"] == 5
    assert "form_fields" in body
    assert api.get("/api/v1/procedures/9.999999").status_code == 404


def test_unpublished_procedure_is_not_served(api, catalog):
    catalog["birth"].published = False
    catalog["birth"].save()
    assert api.get(f"/api/v1/procedures/{catalog['birth'].code}").status_code == 404


def test_agencies_list_and_filters(api, catalog):
    body = api.get("/api/v1/agencies").json()
    assert body["count"] == 5
    communes = api.get("/api/v1/agencies", {"tier": "commune"}).json()["results"]
    assert [a["name"] for a in communes] == [
        "Ủy ban nhân dân xã Phú An",
        "Ủy ban nhân dân xã Phú Mỹ",
    ]
    assert communes[0]["parent"] == "000.00.31.H57"
    under = api.get("/api/v1/agencies", {"parent": "000.00.31.H57"}).json()
    assert under["count"] == 2
    found = api.get("/api/v1/agencies", {"q": "phu my"}).json()["results"]
    assert [a["code"] for a in found] == ["000.02.31.H57"]
    assert api.get("/api/v1/agencies/H57").json()["name"] == "Ủy ban nhân dân tỉnh Thừa Thiên Huế"


def test_ended_agencies_are_listed_only_when_asked(api, province):
    import datetime

    commune = province["commune_b"]
    commune.valid_to = datetime.date(2020, 1, 1)
    commune.save()
    assert api.get("/api/v1/agencies").json()["count"] == 4
    assert api.get("/api/v1/agencies", {"on": "2019-06-01"}).json()["count"] == 5
    assert api.get("/api/v1/agencies", {"on": "all"}).json()["count"] == 5
    assert api.get("/api/v1/agencies", {"on": "yesterday"}).status_code == 400


def test_sectors(api, catalog):
    codes = [s["code"] for s in api.get("/api/v1/sectors").json()["results"]]
    assert codes == ["ho-tich", "ly-lich-tu-phap", "xay-dung"]


def test_openapi_schema_and_docs(client, db):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    for path in ("/api/v1/agencies", "/api/v1/procedures", "/api/v1/procedures/{code}"):
        assert any(p.rstrip("/") == path for p in paths), path
    listing = next(v for p, v in paths.items() if p.rstrip("/") == "/api/v1/procedures")
    parameters = {p["name"] for p in listing["get"]["parameters"]}
    assert {"q", "tier", "level", "agency", "sector", "page"} <= parameters
    assert client.get("/api/docs/").status_code == 200


def test_api_docs_load_no_asset_from_a_cdn(client, db):
    page = client.get("/api/docs/").content.decode()
    assert "cdn" not in page.lower() and "/static/drf_spectacular_sidecar/" in page

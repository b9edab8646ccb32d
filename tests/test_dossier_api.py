"""The citizen's journey through the API, as a mobile app or a kiosk uses it."""

import datetime
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from motcua.accounts.models import ApiToken
from motcua.core import api as core_api
from motcua.dossiers import services
from motcua.dossiers.models import Dossier, Status
from tests import factories
from tests.factories import PDF

PASSWORD = "hoa-sen-tren-song"


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def token(api, citizen):
    response = api.post("/api/v1/auth/token", {"username": "+84905123456", "password": PASSWORD})
    assert response.status_code == 200
    return response.json()["token"]


@pytest.fixture
def app(api, token):
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return api


def submission(marriage, **changes):
    document = marriage.documents.order_by("pk").first()
    body = {
        "procedure": marriage.code,
        "agency": "000.01.31.H57",
        "fields": json.dumps({"ho_ten": "Trần Văn Bình", "cccd_vo": "046190001234"}),
        f"document_{document.pk}": SimpleUploadedFile("to-khai.pdf", PDF, "application/pdf"),
    }
    body.update(changes)
    return body


def test_token_has_an_expiry_and_wrong_passwords_get_none(api, citizen):
    good = api.post("/api/v1/auth/token", {"username": "0905123456", "password": PASSWORD})
    body = good.json()
    assert body["token_type"] == "Bearer"
    expires = datetime.datetime.fromisoformat(body["expires_at"])
    assert timezone.now() < expires < timezone.now() + datetime.timedelta(days=1)
    bad = api.post("/api/v1/auth/token", {"username": "0905123456", "password": "wrong"})
    assert bad.status_code == 400 and "Sai tên đăng nhập" in bad.json()["detail"]


def test_expired_or_unknown_token_is_refused(api, token):
    ApiToken.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert api.get("/api/v1/dossiers").status_code == 401
    api.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")
    assert api.get("/api/v1/dossiers").status_code == 401


def test_submit_list_and_read(app, marriage):
    response = app.post("/api/v1/dossiers", submission(marriage), format="multipart")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "submitted" and body["due_date"]
    # Listed by the required document's name, with the file handed in for it.
    assert body["documents"] == [
        {
            "name": "Tờ khai đăng ký kết hôn",
            "file_name": "to-khai.pdf",
            "on_paper": False,
            "content_type": "application/pdf",
            "size": len(PDF),
        }
    ]
    assert [e["status"] for e in body["history"]] == ["submitted"]
    listed = app.get("/api/v1/dossiers").json()
    assert [d["code"] for d in listed["results"]] == [body["code"]]
    assert (
        app.get(f"/api/v1/dossiers/{body['code']}").json()["form_data"]["ho_ten"] == "Trần Văn Bình"
    )


def test_replayed_request_with_the_same_idempotency_key_creates_one_dossier(app, marriage):
    first = app.post(
        "/api/v1/dossiers", submission(marriage), format="multipart", HTTP_IDEMPOTENCY_KEY="k-42"
    )
    again = app.post(
        "/api/v1/dossiers", submission(marriage), format="multipart", HTTP_IDEMPOTENCY_KEY="k-42"
    )
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["code"] == again.json()["code"]
    assert Dossier.objects.count() == 1


def test_bad_submissions_say_why_and_change_nothing(app, marriage):
    bad_cccd = app.post(
        "/api/v1/dossiers",
        submission(marriage, fields=json.dumps({"ho_ten": "A", "cccd_vo": "1"})),
        format="multipart",
    )
    assert bad_cccd.status_code == 400 and "field_cccd_vo" in bad_cccd.json()
    document = marriage.documents.order_by("pk").first()
    renamed = SimpleUploadedFile("to-khai.pdf", b"plain text", "application/pdf")
    bad_file = app.post(
        "/api/v1/dossiers",
        submission(marriage, **{f"document_{document.pk}": renamed}),
        format="multipart",
    )
    assert bad_file.status_code == 400
    assert (
        app.post(
            "/api/v1/dossiers", submission(marriage, fields="{oops"), format="multipart"
        ).status_code
        == 400
    )
    assert (
        app.post(
            "/api/v1/dossiers", submission(marriage, procedure="9.999999"), format="multipart"
        ).status_code
        == 404
    )
    assert Dossier.objects.count() == 0


def test_another_citizens_dossier_is_404(app, marriage, api, django_user_model):
    code = app.post("/api/v1/dossiers", submission(marriage), format="multipart").json()["code"]
    django_user_model.objects.create_user("0912000001", password=PASSWORD)
    other = APIClient()
    key = other.post("/api/v1/auth/token", {"username": "0912000001", "password": PASSWORD}).json()[
        "token"
    ]
    other.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert other.get(f"/api/v1/dossiers/{code}").status_code == 404
    assert other.post(f"/api/v1/dossiers/{code}/withdraw", {}).status_code == 404
    assert other.get("/api/v1/dossiers").json()["count"] == 0


def test_anonymous_callers_get_401(api, db):
    assert api.get("/api/v1/dossiers").status_code == 401


def test_public_lookup(app, marriage, api):
    code = app.post("/api/v1/dossiers", submission(marriage), format="multipart").json()["code"]
    anonymous = APIClient()
    body = anonymous.get(f"/api/v1/lookup/{code}").json()
    assert set(body) == {"code", "status", "status_label", "submitted_at", "due_date"}
    assert anonymous.get("/api/v1/lookup/H57-000000-0000").status_code == 404


def test_withdraw_supplement_and_rating(app, marriage, province, django_user_model):
    code = app.post("/api/v1/dossiers", submission(marriage), format="multipart").json()["code"]
    dossier = Dossier.objects.get(code=code)
    official = django_user_model.objects.create_user(
        "cv", password="x", kind="official", role="specialist", agency=dossier.agency
    )
    services.request_supplement(dossier, official, ["Giấy xác nhận tình trạng hôn nhân"])
    asked = app.get(f"/api/v1/dossiers/{code}").json()["supplement_request"]
    assert asked["items"] == ["Giấy xác nhận tình trạng hôn nhân"]
    upload = SimpleUploadedFile("xac-nhan.pdf", PDF, "application/pdf")
    answered = app.post(
        f"/api/v1/dossiers/{code}/supplement", {"files": [upload]}, format="multipart"
    )
    assert answered.status_code == 200 and answered.json()["status"] == "submitted"
    again = app.post(f"/api/v1/dossiers/{code}/supplement", {"note": "x"}, format="multipart")
    assert again.status_code == 409 and "không thể" in again.json()["detail"]

    assert app.post(f"/api/v1/dossiers/{code}/rating", {"level": "satisfied"}).status_code == 409
    factories.advance(Dossier.objects.get(pk=dossier.pk), Status.RETURNED)
    assert app.post(f"/api/v1/dossiers/{code}/rating", {"level": "satisfied"}).status_code == 201
    assert app.post(f"/api/v1/dossiers/{code}/rating", {"level": "satisfied"}).status_code == 409
    assert app.post(f"/api/v1/dossiers/{code}/withdraw", {"reason": "x"}).status_code == 409


def test_withdraw_through_the_api(app, marriage):
    code = app.post("/api/v1/dossiers", submission(marriage), format="multipart").json()["code"]
    response = app.post(f"/api/v1/dossiers/{code}/withdraw", {"reason": "Nộp nhầm"})
    assert response.status_code == 200 and response.json()["status"] == "withdrawn"


def test_schema_documents_the_journey_and_its_errors(client, db):
    paths = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()["paths"]
    strip = {p.rstrip("/"): v for p, v in paths.items()}
    assert "/api/v1/auth/token" in strip and "/api/v1/lookup/{code}" in strip
    create = strip["/api/v1/dossiers"]["post"]
    assert {"201", "200", "400", "404"} <= set(create["responses"])
    assert any(p["name"] == "Idempotency-Key" for p in create["parameters"])
    assert "409" in strip["/api/v1/dossiers/{code}/withdraw"]["post"]["responses"]


def test_officials_and_the_supervisor_cannot_take_the_applicants_actions(
    app, marriage, province, staff, api
):
    """Finding: a supervisor's token withdrew any dossier; a specialist answered a supplement
    and rated in the citizen's place. Each is refused (403) and changes nothing."""
    code = app.post("/api/v1/dossiers", submission(marriage), format="multipart").json()["code"]
    dossier = Dossier.objects.get(code=code)
    supervisor, specialist = staff["supervisor_district"], staff[("commune_a", "specialist")]
    official = APIClient()
    official.force_authenticate(supervisor)
    assert official.post(f"/api/v1/dossiers/{code}/withdraw", {"reason": "x"}).status_code == 403
    services.request_supplement(dossier, specialist, ["Giấy xác nhận tình trạng hôn nhân"])
    official.force_authenticate(specialist)
    answer = official.post(f"/api/v1/dossiers/{code}/supplement", {"note": "x"})
    assert answer.status_code == 403
    dossier.refresh_from_db()
    assert dossier.status == Status.SUPPLEMENT and dossier.supplements.get().answered_at is None
    answered = app.post(f"/api/v1/dossiers/{code}/supplement", {"note": "Đã bổ sung"})
    assert answered.status_code == 200
    factories.advance(Dossier.objects.get(pk=dossier.pk), Status.RETURNED)
    rating = official.post(f"/api/v1/dossiers/{code}/rating", {"level": "very_satisfied"})
    assert rating.status_code == 403
    dossier.refresh_from_db()
    assert dossier.status == Status.RETURNED and not hasattr(dossier, "rating")


def test_a_json_list_body_is_a_400_and_creates_nothing(app, marriage):
    response = app.post("/api/v1/dossiers", [{"procedure": marriage.code}], format="json")
    assert response.status_code == 400
    assert "đối tượng JSON" in response.json()["detail"][0]
    assert not Dossier.objects.exists()


def test_the_history_is_a_page_as_the_schema_says(app, marriage):
    code = app.post("/api/v1/dossiers", submission(marriage), format="multipart").json()["code"]
    history = app.get(f"/api/v1/dossiers/{code}/history").json()
    assert history["count"] == 1 and history["next"] is None
    assert [event["status"] for event in history["results"]] == ["submitted"]


def test_a_long_list_is_counted_up_to_the_cap_and_still_paged(app, marriage, citizen, monkeypatch):
    monkeypatch.setattr(core_api, "COUNT_CAP", 2)
    for _ in range(2):
        factories.dossier(marriage, citizen, marriage.agencies.order_by("code").first())
    exact = app.get("/api/v1/dossiers").json()
    assert (exact["count"], exact["count_capped"]) == (2, False)

    factories.dossier(marriage, citizen, marriage.agencies.order_by("code").first())
    first = app.get("/api/v1/dossiers", {"page_size": 2}).json()
    assert (first["count"], first["count_capped"], len(first["results"])) == (2, True, 2)
    second = app.get(first["next"]).json()
    assert len(second["results"]) == 1 and second["next"] is None

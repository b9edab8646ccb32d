"""The feedback API over HTTP: sending, reading one's own, officials listing and answering,
the published answers, the statistics; bad input answered in Vietnamese, changing nothing."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from motcua.accounts.models import Role, User
from motcua.feedback.models import Feedback, State
from motcua.stats.api import StatsFeedbackSerializer
from tests.factories import PDF, official

URL = "/api/v1/feedback"


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def leader(province):
    return official(province["justice"], Role.LEADER)


def anonymous_feedback(province, **changes) -> dict:
    return {
        "subject": "agency",
        "agency": province["justice"].code,
        "title": "Giờ làm việc",
        "text": "Bộ phận một cửa mở cửa muộn.",
        "name": "Lê Thị Mai",
        "email": "mai@example.vn",
        "publish_consent": True,
        **changes,
    }


def test_anyone_sends_feedback_and_follows_it(api, province):
    response = api.post(URL, anonymous_feedback(province), format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["state"] == "received" and body["agency"] == province["justice"].code
    assert "/phan-anh/theo-doi/" in body["follow_url"]
    assert APIClient().get(body["follow_url"]).status_code == 200


def test_a_citizen_sends_about_a_procedure_and_reads_their_own(api, citizen, catalog, province):
    api.force_authenticate(citizen)
    data = {
        "subject": "procedure",
        "procedure": catalog["criminal_record"].code,
        "title": "Phí",
        "text": "Phí cao",
    }
    sent = api.post(URL, data, format="json").json()
    assert sent["agency"] == province["justice"].code and sent["follow_url"] is None
    mine = api.get(f"{URL}/mine").json()
    assert [f["code"] for f in mine["results"]] == [sent["code"]]
    other = APIClient()
    other.force_authenticate(User.objects.create_user("0912000111", password="x"))
    assert other.get(f"{URL}/mine").json()["results"] == []


def test_officials_list_and_answer_then_the_answer_is_public(api, province, leader, staff):
    code = api.post(URL, anonymous_feedback(province), format="json").json()["code"]
    assert api.get(f"{URL}/{code}").status_code == 404  # not answered yet
    others = APIClient()
    others.force_authenticate(staff[("commune_a", Role.LEADER)])
    assert others.get(f"{URL}/handling").json()["results"] == []
    refused = others.post(f"{URL}/{code}/actions", {"action": "answer", "text": "x"}, format="json")
    assert refused.status_code == 404
    api.force_authenticate(leader)
    listed = api.get(f"{URL}/handling").json()["results"]
    assert [(f["code"], f["email"]) for f in listed] == [(code, "mai@example.vn")]
    answered = api.post(
        f"{URL}/{code}/actions", {"action": "answer", "text": "Đã chấn chỉnh."}, format="json"
    )
    assert answered.status_code == 200 and answered.json()["state"] == "answered"
    again = api.post(f"{URL}/{code}/actions", {"action": "answer", "text": "y"}, format="json")
    assert again.status_code == 409
    public = APIClient().get(f"{URL}/{code}").json()
    assert public["answer"] == "Đã chấn chỉnh." and "email" not in public and "name" not in public
    assert [f["code"] for f in APIClient().get(URL).json()["results"]] == [code]


def test_anonymous_callers_may_not_act_or_read_lists(api, province):
    code = api.post(URL, anonymous_feedback(province), format="json").json()["code"]
    for url in (f"{URL}/mine", f"{URL}/handling"):
        assert api.get(url).status_code == 401
    act = api.post(f"{URL}/{code}/actions", {"action": "answer", "text": "x"}, format="json")
    rate = api.post(f"{URL}/{code}/rating", {"rating": "satisfied"}, format="json")
    assert (act.status_code, rate.status_code) == (401, 401)
    assert Feedback.objects.get().state == State.RECEIVED


def test_the_sender_rates_once_through_the_api(api, citizen, province, leader):
    api.force_authenticate(citizen)
    code = api.post(URL, anonymous_feedback(province), format="json").json()["code"]
    early = api.post(f"{URL}/{code}/rating", {"rating": "satisfied"}, format="json")
    assert early.status_code == 409 and "Đã trả lời" not in early.json()["detail"]
    answerer = APIClient()
    answerer.force_authenticate(leader)
    answerer.post(f"{URL}/{code}/actions", {"action": "answer", "text": "OK"}, format="json")
    assert (
        api.post(f"{URL}/{code}/rating", {"rating": "satisfied"}, format="json").json()["rating"]
        == "satisfied"
    )
    assert (
        api.post(f"{URL}/{code}/rating", {"rating": "satisfied"}, format="json").status_code == 409
    )


@pytest.mark.parametrize(
    ("body", "content_type", "message"),
    [
        ("[1, 2]", "application/json", "đối tượng JSON"),
        ('"chuỗi"', "application/json", "đối tượng JSON"),
        ("{bad json", "application/json", "JSON"),
        ('{"subject": "agency", "text": "a\\u0000b"}', "application/json", "ký tự không được"),
    ],
)
def test_bad_bodies_are_told_in_vietnamese(api, province, body, content_type, message):
    response = api.generic("POST", URL, body, content_type=content_type)
    assert response.status_code == 400
    assert message in json.dumps(response.json(), ensure_ascii=False)
    assert not Feedback.objects.exists()


def test_a_list_instead_of_an_object_when_acting(api, province, leader):
    code = api.post(URL, anonymous_feedback(province), format="json").json()["code"]
    api.force_authenticate(leader)
    response = api.generic("POST", f"{URL}/{code}/actions", "[]", content_type="application/json")
    assert response.status_code == 400 and "đối tượng JSON" in response.json()["detail"][0]
    assert Feedback.objects.get().state == State.RECEIVED


def test_a_50_mb_attachment_is_refused(api, province):
    big = SimpleUploadedFile("lon.pdf", PDF + b"0" * (50 * 1024 * 1024), "application/pdf")
    data = {**anonymous_feedback(province), "attachment": big}
    response = api.post(URL, data, format="multipart")
    assert response.status_code == 400
    assert "mỗi tệp tối đa 10 MB" in response.json()["attachment"][0]
    assert not Feedback.objects.exists()


def test_the_statistics_api(api, province, leader):
    code = api.post(URL, anonymous_feedback(province), format="json").json()["code"]
    answerer = APIClient()
    answerer.force_authenticate(leader)
    answerer.post(f"{URL}/{code}/actions", {"action": "answer", "text": "OK"}, format="json")
    public = api.get("/api/v1/stats/feedback").json()
    assert StatsFeedbackSerializer(data=public).is_valid()
    assert (public["feedback"]["received"], public["feedback"]["answered_on_time"]) == (1, 1)
    assert public["feedback"]["on_time_rate"] == 100.0 and "by_agency" not in public
    agency = {"agency": province["justice"].code}
    assert api.get("/api/v1/stats/feedback", agency).status_code == 401
    api.force_authenticate(User.objects.create_user("0912000111", password="x"))
    assert api.get("/api/v1/stats/feedback", agency).status_code == 403
    api.force_authenticate(official(province["root"], Role.SUPERVISOR))
    rows = api.get("/api/v1/stats/feedback").json()["by_agency"]
    scoped = api.get("/api/v1/stats/feedback", agency).json()
    assert StatsFeedbackSerializer(data=scoped).is_valid(), scoped
    assert scoped["agency"]["tier"] == province["justice"].tier
    assert [(r["code"], r["answered"]) for r in rows] == [(province["justice"].code, 1)]

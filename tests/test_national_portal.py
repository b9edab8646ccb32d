"""The national portal connection against its simulator, over real HTTP on localhost: dossiers
taken in from it go through our workflow, and every status goes back to it in order, once,
whatever the portal's health."""

from __future__ import annotations

import datetime
import json
import time

import pytest
from django.utils import timezone

from motcua.core import national
from motcua.dossiers.models import NATIONAL_STATUS, Dossier, Event, Status
from motcua.integrations import intake, outbox
from motcua.integrations.models import MessageState, OutboxMessage, ReceivedDossier
from tests import factories
from tests.national_portal import INBOUND_TOKEN, INTAKE_PATH, Simulator, a_file
from tests.payment_sandbox import exchange

CODE = "000.01.31.H57-250801-9001"


def national_dossier(marriage, province, code: str = CODE, **changes) -> dict:
    submitted = timezone.now() - datetime.timedelta(hours=1)
    return {
        "dossier_code": code,
        "procedure_code": marriage.code,
        "agency_code": province["commune_a"].code,
        "submitted_at": submitted.isoformat(),
        "applicant": {
            "name": "Nguyễn Thị Hoa",
            "id_number": "046185001234",
            "phone": "0905123457",
            "email": "hoa@example.vn",
            "identity_verified": True,
        },
        "answers": {"ho_ten": "Nguyễn Thị Hoa", "cccd_vo": "046185001234"},
        **changes,
    }


def files(marriage, by_url: bool = False) -> list[dict]:
    return [a_file(marriage.documents.get().name, factories.PDF, by_url=by_url)]


def kept(simulator: Simulator, code: str) -> list[dict]:
    return simulator.received(code)["messages"]


def test_a_dossier_from_the_national_portal_is_processed_and_each_status_goes_back_in_order(
    simulator, marriage, province
):
    pushed = simulator.submit(national_dossier(marriage, province), files(marriage, by_url=True))
    assert pushed["pushed"]["status"] == 201, pushed
    assert pushed["pushed"]["body"]["created"] is True
    dossier = Dossier.objects.get(code=CODE)
    assert (dossier.status, dossier.channel, dossier.identity_verified) == (
        Status.SUBMITTED,
        "online",
        True,
    )
    assert dossier.applicant_id_number == "046185001234"
    assert dossier.attachments.get().original_name == "to-khai.pdf"
    assert dossier.due_date is not None
    assert simulator.state()["acknowledged"][CODE]["dossier_code"] == CODE

    factories.advance(dossier, Status.FINISHED)
    factories.advance(Dossier.objects.get(pk=dossier.pk), Status.RETURNED)

    messages = kept(simulator, CODE)
    events = list(Event.objects.filter(dossier=dossier).order_by("at", "pk"))
    assert [m["sequence"] for m in messages] == list(range(1, len(events) + 1))
    assert [m["status"] for m in messages] == [NATIONAL_STATUS[e.to_status] for e in events]
    assert messages[0]["status"] == 1 and messages[-1]["status"] == 10
    last = messages[-1]
    assert last["results"] and last["returned_date"] and last["finished_date"]
    assert last["identity_verified"] is True and last["channel"] == 2
    assert simulator.received(CODE)["duplicates"] == 0
    assert not OutboxMessage.objects.filter(state=MessageState.PENDING).exists()
    assert outbox.sync_rate().rate == 100.0


def test_the_portal_down_for_a_while_gets_everything_in_order_and_nothing_twice(
    simulator, marriage, citizen, province
):
    first = factories.dossier(marriage, citizen, province["commune_a"])
    second = factories.dossier(marriage, citizen, province["commune_b"])
    simulator.mode("down")
    for dossier in (first, second):
        factories.advance(dossier, Status.AWAITING_APPROVAL)
    waiting = OutboxMessage.objects.filter(state=MessageState.PENDING)
    queued = waiting.count()
    assert queued >= 8
    assert waiting.exclude(last_error="").exists()
    assert outbox.sync_rate().synced == 0
    assert national.state(national.STATUS_SYNC).working is False

    simulator.mode("failing")  # answering, but as a server in trouble
    outbox.retry_now()
    assert outbox.flush().portal_down
    assert waiting.count() == queued

    simulator.mode("up")
    outbox.retry_now()
    report = outbox.flush()
    assert report.delivered == queued
    for dossier in (first, second):
        messages = kept(simulator, dossier.code)
        events = Event.objects.filter(dossier=dossier).order_by("at", "pk")
        assert [m["sequence"] for m in messages] == list(range(1, events.count() + 1))
        assert [m["status"] for m in messages] == [NATIONAL_STATUS[e.to_status] for e in events]
        assert simulator.received(dossier.code)["duplicates"] == 0
    assert national.state(national.STATUS_SYNC).working is True
    assert outbox.sync_rate().rate == 100.0


def test_a_slow_portal_that_took_a_message_late_keeps_it_once(
    simulator, marriage, citizen, province, settings
):
    settings.NATIONAL_PORTAL = simulator.portal_settings(timeout=1)
    simulator.mode("up", delay=1.5)  # answers after we stopped waiting, having taken it
    dossier = factories.dossier(marriage, citizen, province["commune_a"])
    assert OutboxMessage.objects.get(dossier=dossier).state == MessageState.PENDING
    simulator.mode("up")
    outbox.retry_now()
    outbox.flush()
    assert OutboxMessage.objects.get(dossier=dossier).state == MessageState.DELIVERED
    time.sleep(1)  # the late answer lands: the portal recognises the message it has
    assert len(kept(simulator, dossier.code)) == 1
    assert simulator.received(dossier.code)["duplicates"] == 1


def test_messages_the_portal_lost_are_sent_again_from_the_one_it_expects(
    simulator, marriage, citizen, province
):
    dossier = factories.dossier(marriage, citizen, province["commune_a"], Status.ACCEPTED)
    assert len(kept(simulator, dossier.code)) == 2
    simulator.control("reset")  # the portal loses what it had
    factories.advance(dossier, Status.PROCESSING)
    outbox.flush()
    statuses = [m["status"] for m in kept(simulator, dossier.code)]
    assert statuses == [NATIONAL_STATUS[e.to_status] for e in dossier.events.order_by("at", "pk")]

    assert outbox.resend(OutboxMessage.objects.filter(dossier=dossier, sequence=1)) >= 3
    outbox.flush()
    assert len(kept(simulator, dossier.code)) == len(statuses)
    assert not OutboxMessage.objects.filter(state=MessageState.PENDING).exists()


def test_a_dossier_delivered_twice_creates_nothing_new(simulator, marriage, province):
    simulator.submit(national_dossier(marriage, province), files(marriage))
    again = simulator.control("push", code=CODE)["pushed"]
    assert again["status"] == 200 and again["body"]["created"] is False
    assert Dossier.objects.filter(code=CODE).count() == 1
    assert ReceivedDossier.objects.count() == 1
    assert Event.objects.filter(dossier__code=CODE).count() == 1
    assert len(kept(simulator, CODE)) == 1


def test_dossiers_the_portal_holds_are_pulled_when_it_does_not_push(simulator, marriage, province):
    simulator.submit(national_dossier(marriage, province), files(marriage), push=False)
    assert intake.pull() == 1
    assert ReceivedDossier.objects.get().pulled is True
    state = simulator.state()
    assert state["outgoing"] == [] and state["acknowledged"][CODE]["accepted"] is True
    assert intake.pull() == 0


def _post(live_server, body: dict, token: str | None = INBOUND_TOKEN):
    headers = {"Content-Type": "application/json", "Accept-Language": "vi"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    status, _headers, answer = exchange(
        "POST", f"{live_server.url}{INTAKE_PATH}", json.dumps(body).encode(), headers
    )
    return status, json.loads(answer)


def test_intake_is_refused_without_the_portals_credential(
    simulator, live_server, marriage, province
):
    body = {**national_dossier(marriage, province), "documents": []}
    assert _post(live_server, body, token=None)[0] == 401
    assert _post(live_server, body, token="not-the-portal")[0] == 401
    assert not Dossier.objects.exists()


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"applicant": {"name": "A", "id_number": "12345"}}, "applicant.id_number", "12 chữ số"),
        ({"procedure_code": "9.999999"}, "procedure_code", "thủ tục"),
        ({"agency_code": "999.99.99.H57"}, "agency_code", "cơ quan"),
        ({"answers": {"ho_ten": "Hoa", "cccd_vo": "999"}}, "cccd_vo", "CCCD"),
        ({"dossier_code": "mã có dấu"}, "dossier_code", "mã hồ sơ"),
        (
            {"documents": [{"document": "Tờ khai", "file_name": "a.pdf", "content_base64": "@@"}]},
            "documents",
            "Tờ khai",
        ),
        ({"submitted_at": "2999-01-01T00:00:00+07:00"}, "submitted_at", "tương lai"),
    ],
)
def test_bad_input_is_refused_in_vietnamese_and_changes_nothing(
    simulator, live_server, marriage, province, change, field, words
):
    body = {
        **national_dossier(marriage, province),
        "documents": [
            {"document": marriage.documents.get().name, "file_name": "a.pdf", **_pdf_inline()}
        ],
        **change,
    }
    status, answer = _post(live_server, body)
    assert status == 400, answer
    assert words in " ".join(answer[field]), answer
    assert not Dossier.objects.exists()
    assert not OutboxMessage.objects.exists()


def _pdf_inline() -> dict:
    return {"content_base64": a_file("x", factories.PDF)["content_base64"]}


def test_without_a_portal_nothing_is_queued_and_intake_is_closed(
    client, marriage, citizen, province
):
    factories.dossier(marriage, citizen, province["commune_a"], Status.ACCEPTED)
    assert not OutboxMessage.objects.exists()
    response = client.post(
        INTAKE_PATH, {}, content_type="application/json", HTTP_AUTHORIZATION="Bearer "
    )
    assert response.status_code == 401
    assert national.state(national.STATUS_SYNC).configured is False
    assert national.state(national.INTAKE).configured is False


def test_the_connection_page_shows_the_six_connections_and_the_sync(
    simulator, client, django_user_model, marriage, citizen, province
):
    factories.dossier(marriage, citizen, province["commune_a"], Status.ACCEPTED)
    admin = django_user_model.objects.create_user("quantri", password="x", is_staff=True)
    client.force_login(admin)
    page = client.get("/ket-noi-quoc-gia/").content.decode()
    for label in national.ITEMS.values():
        assert factories.vi(label) in page
    assert page.count('<tr id="item-') == 6
    sync = page[page.index('id="item-status_sync"') :]
    assert "Đang hoạt động" in sync[: sync.index("</tr>")]
    for key in national.ITEMS:
        if key not in national._PROBES:
            row = page[page.index(f'id="item-{key}"') :]
            assert "Chưa cấu hình" in row[: row.index("</tr>")]
    assert "1 / 1 (100.0 %)" in page or "1 / 1 (100,0 %)" in page


def test_the_connection_page_is_for_staff_only(client, citizen):
    client.force_login(citizen)
    assert client.get("/ket-noi-quoc-gia/").status_code == 302


def test_the_statistics_give_the_sync_rate_once_a_portal_is_connected(
    simulator, client, marriage, citizen, province, settings
):
    factories.dossier(marriage, citizen, province["commune_a"])
    simulator.mode("down")
    factories.dossier(marriage, citizen, province["commune_b"])
    summary = client.get("/api/v1/stats/summary").json()
    assert summary["national_sync"] == {"registered": 2, "synced": 1, "rate": 50.0}
    settings.NATIONAL_PORTAL = {"CLASS": "motcua.integrations.portal.DisabledPortal"}
    assert client.get("/api/v1/stats/summary").json()["national_sync"] is None

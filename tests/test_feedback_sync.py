"""Item 6 of the national connection against the portal's simulator, over real HTTP on
localhost: feedback sent here reaches the portal with each of its changes, in order, once;
feedback citizens send on the portal arrives here, routed to the agency concerned, once; a
portal down for a while gets it all when it returns, nothing twice."""

from __future__ import annotations

import datetime
import importlib
import json

import pytest
from django.apps import apps
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from motcua.accounts.models import Role
from motcua.core import national
from motcua.feedback import rules, services
from motcua.feedback.forms import FeedbackForm
from motcua.feedback.models import Feedback, State, Subject
from motcua.integrations import feedback_intake, outbox
from motcua.integrations.models import MessageKind, MessageState, OutboxMessage
from motcua.notifications.models import Kind, Notice
from tests.factories import official, vi
from tests.national_portal import FEEDBACK_PATH
from tests.payment_sandbox import exchange

NATIONAL_CODE = "PAKN-QG-250801-0001"


@pytest.fixture
def justice(province):
    return {role: official(province["justice"], role) for role in rules.HANDLING_ROLES}


@pytest.fixture
def notice_texts(simulator):
    """The notices' texts the data migration wrote (a test before this one emptied the
    tables, as tests on a live server do)."""
    seeded = importlib.import_module("motcua.notifications.migrations.0004_feedback_templates")
    seeded.seed(apps, None)


def send(procedure, **data) -> tuple[Feedback, str]:
    form = FeedbackForm(
        AnonymousUser(),
        {
            "subject": Subject.PROCEDURE,
            "procedure": procedure.code,
            "title": "Thời gian chờ quá lâu",
            "text": "Tôi chờ ở bộ phận một cửa hơn hai giờ.",
            "name": "Lê Văn An",
            "phone": "0912345678",
            **data,
        },
    )
    assert form.is_valid(), form.errors
    return services.submit(form.cleaned_data, None)


def from_the_portal(procedure, code: str = NATIONAL_CODE, **changes) -> dict:
    return {
        "national_code": code,
        "subject": "procedure",
        "procedure_code": procedure.code,
        "title": "Không được hướng dẫn",
        "text": "Cán bộ không hướng dẫn cách kê khai.",
        "sender": {"name": "Phạm Thị Hoa", "phone": "0905123457", "email": "hoa@example.vn"},
        "publish_consent": True,
        "submitted_at": (timezone.now() - datetime.timedelta(hours=1)).isoformat(),
        **changes,
    }


def test_feedback_sent_here_reaches_the_portal_with_each_change_in_order(
    simulator, catalog, justice
):
    feedback, key = send(catalog["criminal_record"])
    asked = services.perform(
        feedback, "request_info", justice[Role.SPECIALIST], text="Quầy số mấy?"
    )
    replied = services.perform(asked, "reply", None, text="Quầy số 3.", key=key)
    services.perform(replied, "answer", justice[Role.LEADER], text="Đã bố trí thêm quầy.")

    kept = simulator.feedback(feedback.code)
    messages = kept["messages"]
    assert [m["sequence"] for m in messages] == [1, 2, 3, 4]
    assert [m["history"][0]["action"] for m in messages] == [
        "submit",
        "request_info",
        "reply",
        "answer",
    ]
    assert [m["state"] for m in messages] == [1, 2, 1, 3]
    assert messages[1]["question"] == "Quầy số mấy?"
    assert messages[-1]["answer"] == "Đã bố trí thêm quầy."
    assert messages[-1]["agency_code"] == catalog["criminal_record"].agencies.get().code
    assert kept["duplicates"] == 0 and simulator.rejected() == []
    assert not OutboxMessage.objects.filter(state=MessageState.PENDING).exists()
    state = national.state(national.FEEDBACK)
    assert (state.configured, state.working, state.backlog) == (True, True, 0)


def test_feedback_sent_on_the_portal_arrives_routed_to_the_agency_once(
    simulator, notice_texts, catalog, justice
):
    answer = simulator.send_feedback(from_the_portal(catalog["criminal_record"]))
    assert answer["status"] == 201, answer
    feedback = Feedback.objects.get(national_code=NATIONAL_CODE)
    assert answer["body"]["feedback_code"] == feedback.code
    assert feedback.agency == catalog["criminal_record"].agencies.get()
    assert (feedback.state, feedback.name, feedback.access_key_hash) == (
        State.RECEIVED,
        "Phạm Thị Hoa",
        "",
    )
    told = Notice.objects.filter(kind=Kind.FEEDBACK_NEW, feedback=feedback)
    assert {notice.recipient for notice in told} == set(justice.values())

    again = simulator.send_feedback(from_the_portal(catalog["criminal_record"]))
    assert (again["status"], again["body"]["created"]) == (200, False)
    assert again["body"]["feedback_code"] == feedback.code
    assert Feedback.objects.count() == 1

    services.perform(feedback, "answer", justice[Role.HEAD_OF_DIVISION], text="Đã nhắc nhở.")
    messages = simulator.feedback(feedback.code)["messages"]
    assert [(m["sequence"], m["state"]) for m in messages] == [(1, 1), (2, 3)]
    assert {m["national_code"] for m in messages} == {NATIONAL_CODE}


def test_feedback_the_portal_holds_is_pulled_when_it_does_not_push(
    simulator, notice_texts, catalog, justice
):
    simulator.send_feedback(from_the_portal(catalog["criminal_record"]), push=False)
    bad = from_the_portal(catalog["criminal_record"], "PAKN-QG-250801-0002", procedure_code="X")
    simulator.send_feedback(bad, push=False)
    assert simulator.state()["outgoing_feedback"] == ["PAKN-QG-250801-0001", "PAKN-QG-250801-0002"]

    assert feedback_intake.pull() == 1
    feedback = Feedback.objects.get()
    assert (feedback.national_code, feedback.agency) == (
        NATIONAL_CODE,
        catalog["criminal_record"].agencies.get(),
    )
    state = simulator.state()
    assert state["outgoing_feedback"] == []
    taken = state["citizens_feedback"][NATIONAL_CODE]["body"]
    assert taken["accepted"] is True and taken["feedback_code"] == feedback.code
    assert taken["answer_due"] == feedback.answer_due.isoformat()
    refused = state["citizens_feedback"]["PAKN-QG-250801-0002"]["body"]
    assert refused["accepted"] is False
    assert refused["errors"]["procedure"] == [vi("No published procedure has this code.")]
    assert feedback_intake.pull() == 0

    simulator.mode("down")  # an unreachable portal is tried again at the next pull
    assert feedback_intake.pull() == 0


def test_the_portals_feedback_is_refused_without_its_credential_or_with_bad_input(
    simulator, live_server, catalog
):
    url = f"{live_server.url}{FEEDBACK_PATH}"
    body = json.dumps(from_the_portal(catalog["criminal_record"])).encode()
    status, _headers, _body = exchange("POST", url, body, {"Content-Type": "application/json"})
    assert status == 401
    bad = from_the_portal(catalog["criminal_record"], procedure_code="KHONG-CO")
    answer = simulator.send_feedback(bad)
    assert answer["status"] == 400
    assert answer["body"]["procedure"] == [vi("No published procedure has this code.")]
    assert not Feedback.objects.exists()


def test_a_portal_down_for_a_while_gets_the_feedback_once_when_it_returns(
    simulator, catalog, justice
):
    simulator.mode("down")
    feedback, _key = send(catalog["criminal_record"])
    services.perform(feedback, "refuse", justice[Role.LEADER], text="Trùng lặp.")
    waiting = OutboxMessage.objects.filter(kind=MessageKind.FEEDBACK, state=MessageState.PENDING)
    assert waiting.count() == 2
    assert national.state(national.FEEDBACK).working is False

    simulator.mode("up")
    outbox.retry_now()
    assert outbox.flush().delivered == 2
    # Sent again by an administrator: the portal has them, nothing is kept twice.
    assert outbox.resend(OutboxMessage.objects.filter(feedback=feedback)) == 2
    outbox.flush()  # sent already after the resend's commit: nothing left to do
    assert not waiting.exists()
    kept = simulator.feedback(feedback.code)
    assert [(m["sequence"], m["state"]) for m in kept["messages"]] == [(1, 1), (2, 4)]
    assert kept["messages"][1]["refusal_reason"] == "Trùng lặp."
    assert kept["duplicates"] == 2
    assert national.state(national.FEEDBACK).working is True

"""One door for many agencies: the Service Center receives a department's dossiers, transfers
them, and hands the results back; each side does its part and sees what it must."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from motcua.accounts.models import Role
from motcua.backoffice import paperwork
from motcua.catalog import reception
from motcua.dossiers import services, workflow
from motcua.dossiers.models import Delivery, Dossier, Status
from motcua.dossiers.receipts import receipt_html
from motcua.stats.models import AgencyDay, DeciderDay, DossierFact
from tests import factories
from tests.factories import at_nine, flat_pdf_text, official


@pytest.fixture
def people(province, center):
    justice = province["justice"]
    return {
        "center desk": official(center, Role.DESK_OFFICER, "tn-trungtam"),
        "justice desk": official(justice, Role.DESK_OFFICER, "vt-sotuphap"),
        "justice head": official(justice, Role.HEAD_OF_DIVISION, "tp-sotuphap"),
        "justice specialist": official(justice, Role.SPECIALIST, "cv-sotuphap"),
        "justice leader": official(justice, Role.LEADER, "gd-sotuphap"),
        "commune desk": official(province["commune_a"], Role.DESK_OFFICER, "tn-phuan"),
        "justice supervisor": official(justice, Role.SUPERVISOR, "gs-sotuphap"),
    }


@pytest.fixture
def received(record, citizen, center):
    """Submitted online at the center on Monday 7 December 2026 at nine."""
    draft, _ = services.start_draft(
        procedure=record, agency=center, applicant=citizen, form_data={}
    )
    return services.submit(draft, now=at_nine(datetime.date(2026, 12, 7)))


def test_the_catalog_names_where_it_is_received_and_who_decides(record, province, center):
    justice, commune = province["justice"], province["commune_a"]
    assert reception.receiving_points(record) == sorted([center, justice], key=lambda a: a.path)
    assert reception.decider_for(record, center) == justice
    assert reception.decider_for(record, justice) == justice
    assert not reception.receives(record, commune)
    assert set(reception.received_at(center)) == {record}


def test_a_dossier_received_at_the_center_is_decided_by_the_department(received, center, province):
    assert received.agency == center  # its code is taken where it is received
    assert received.code.startswith(f"{center.code}-261207-")
    assert received.decider == province["justice"]
    assert received.for_another_agency
    assert received.received_on == datetime.date(2026, 12, 7)


def test_a_point_that_does_not_receive_the_procedure_registers_nothing(record, citizen, province):
    draft, _ = services.start_draft(
        procedure=record, agency=province["commune_a"], applicant=citizen, form_data={}
    )
    with pytest.raises(ValidationError, match=r"không tiếp nhận|does not receive"):
        services.submit(draft)
    assert Dossier.objects.get(pk=draft.pk).status == Status.DRAFT


def _refused(dossier, action, person, **given):
    before = Dossier.objects.get(pk=dossier.pk)
    with pytest.raises(workflow.TransitionRefused):
        services.perform(dossier, action, person, **given)
    after = Dossier.objects.get(pk=dossier.pk)
    assert (after.status, after.transferred_at, after.assignee_id) == (
        before.status,
        before.transferred_at,
        before.assignee_id,
    )


def test_the_whole_path_through_both_desks(received, people, citizen):
    center_desk, justice_head = people["center desk"], people["justice head"]
    specialist, leader = people["justice specialist"], people["justice leader"]
    # The department's officials do not take the intake; the center's desk does.
    _refused(received, "accept", people["justice desk"])
    services.perform(received, "accept", center_desk)
    # Not assignable before the transfer; only the receiving desk transfers.
    _refused(received, "assign", justice_head, assignee=specialist)
    _refused(received, "transfer", people["justice desk"])
    services.perform(received, "transfer", center_desk)
    dossier = Dossier.objects.get(pk=received.pk)
    assert dossier.transferred_at is not None and dossier.status == Status.ACCEPTED
    assert dossier.events.last().action == "transfer"
    assert "Sở Tư pháp" in dossier.events.last().note
    _refused(dossier, "transfer", center_desk)  # once
    # The center's desk never processes; the department does.
    _refused(dossier, "assign", center_desk, assignee=specialist)
    services.perform(dossier, "assign", justice_head, assignee=specialist)
    services.perform(dossier, "send_for_review", specialist)
    dossier = Dossier.objects.get(pk=dossier.pk)
    if dossier.status == Status.UNDER_REVIEW:
        services.perform(dossier, "submit_for_approval", justice_head)
    _refused(dossier, "approve", center_desk)
    services.perform(dossier, "approve", leader)
    # The result comes back to the door it came in by.
    _refused(dossier, "return_result", people["justice desk"], delivery=Delivery.DESK)
    services.perform(dossier, "return_result", center_desk, delivery=Delivery.DESK)
    assert Dossier.objects.get(pk=dossier.pk).status == Status.RETURNED


def test_the_transfer_takes_its_share_of_the_time(received, people):
    services.perform(received, "accept", people["center desk"])
    plan = workflow.plan(Dossier.objects.get(pk=received.pk))
    assert [step.kind for step in plan][:2] == ["transfer", "process"]
    assert plan[0].share == workflow.TRANSFER_SHARE
    assert sum(step.share for step in plan) == 100
    assert plan[-1].due_date == received.due_date


def _codes_seen_by(person) -> set[str]:
    api = APIClient()
    api.force_authenticate(person)
    return {item["code"] for item in api.get("/api/v1/dossiers").json()["results"]}


def test_each_side_sees_what_it_must(received, people, marriage, citizen, province):
    own = factories.dossier_in(marriage, citizen, province["commune_a"], Status.SUBMITTED)
    for reader in ("center desk", "justice specialist", "justice supervisor"):
        assert _codes_seen_by(people[reader]) == {received.code}, reader
    assert _codes_seen_by(people["commune desk"]) == {own.code}
    api = APIClient()
    api.force_authenticate(people["justice specialist"])
    body = api.get(f"/api/v1/dossiers/{received.code}").json()
    assert (body["agency"], body["decider"]) == ("000.00.99.H57", "000.00.02.H57")


def test_statistics_count_where_received_and_who_decided(received, people):
    services.perform(received, "accept", people["center desk"])
    factories.advance(Dossier.objects.get(pk=received.pk), Status.FINISHED)
    center_rows = AgencyDay.objects.filter(agency=received.agency_id)
    assert sum(row.received_online for row in center_rows) == 1
    decided = DeciderDay.objects.filter(decider=received.decider_id)
    assert sum(row.received_online for row in decided) == 1
    finished = sum(row.finished_early + row.finished_on_time + row.finished_late for row in decided)
    assert finished == 1
    assert not AgencyDay.objects.filter(agency=received.decider_id).exists()
    fact = DossierFact.objects.get(dossier=received.pk)
    assert (fact.agency_id, fact.decider_id) == (received.agency_id, received.decider_id)


def test_paper_intake_at_the_center_with_a_document_kept_on_paper(record, people, center):
    desk = Client()
    desk.force_login(people["center desk"])
    first, second = record.documents.order_by("position")
    response = desk.post(
        "/mot-cua/tiep-nhan/",
        {
            "procedure": record.code,
            "token": "paper-1",
            "channel": "desk",
            "applicant_name": "Lê Thị Hoa",
            "applicant_id_number": "046190001234",
            f"document_{first.pk}": factories.pdf(),
            f"paper_{second.pk}": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    dossier = Dossier.objects.get(idempotency_key="paper-1")
    assert (dossier.agency, dossier.status) == (center, Status.ACCEPTED)
    assert dossier.decider == record.agencies.get()
    kept = dossier.attachments.get(document=second)
    assert kept.on_paper and not kept.file
    assert not DossierFact.objects.get(dossier=dossier).digitised
    receipt = receipt_html(dossier, "https://motcua.example/tra-cuu")
    assert "Bản chụp giấy tờ tùy thân — " in receipt
    assert "NGƯỜI NỘP HỒ SƠ" in receipt and "NGƯỜI TIẾP NHẬN HỒ SƠ" in receipt
    assert "Sở Tư pháp" in receipt  # the deciding agency, printed beside the receiving one
    # A document kept on paper has no file to download.
    download = desk.get(f"/mot-cua/ho-so/{dossier.code}/tep/{kept.pk}/")
    assert download.status_code == 404


def test_paper_intake_still_needs_each_document_scanned_or_on_paper(record, people):
    desk = Client()
    desk.force_login(people["center desk"])
    first = record.documents.order_by("position").first()
    response = desk.post(
        "/mot-cua/tiep-nhan/",
        {
            "procedure": record.code,
            "token": "paper-2",
            "channel": "desk",
            "applicant_name": "Lê Thị Hoa",
            f"document_{first.pk}": factories.pdf(),
        },
    )
    assert response.status_code == 400
    assert not Dossier.objects.filter(idempotency_key="paper-2").exists()


def test_a_second_supplement_request_needs_its_reason_and_counts_as_a_fault(
    marriage, citizen, province
):
    dossier = factories.dossier_in(marriage, citizen, province["commune_a"], Status.PROCESSING)
    specialist = factories.builder_official(province["commune_a"], Role.SPECIALIST)
    services.request_supplement(dossier, specialist, ["Giấy xác nhận tình trạng hôn nhân"])
    services.answer_supplement(dossier, citizen, [], "Đã bổ sung")
    with pytest.raises(ValidationError) as refusal:
        services.request_supplement(dossier, specialist, ["Bản sao hộ khẩu"])
    assert "61/2018" in " ".join(refusal.value.messages)
    assert Dossier.objects.get(pk=dossier.pk).supplement_count == 1
    services.request_supplement(
        dossier, specialist, ["Bản sao hộ khẩu"], note="Giấy tờ nộp lần trước đã hết hạn"
    )
    assert Dossier.objects.get(pk=dossier.pk).supplement_count == 2
    assert DossierFact.objects.get(dossier=dossier).supplements == 2  # a fault (Decision 766)


def test_the_control_sheet_judges_each_step_by_its_own_day(received, people, clock):
    """10 working days from Mon 7 Dec 2026: due Mon 21 Dec. The transfer's 5 % (half a day,
    rounded to none) ends on the day of acceptance; the specialist's 55 % on Tue 15 Dec."""
    clock.set(2026, 12, 7, 10)
    services.perform(received, "accept", people["center desk"])
    clock.set(2026, 12, 9, 10)  # the transfer, two days late for its step
    services.perform(received, "transfer", people["center desk"])
    dossier = Dossier.objects.get(pk=received.pk)
    steps = {step.kind: step.due_date for step in workflow.plan(dossier)}
    assert steps["transfer"] == datetime.date(2026, 12, 7)
    assert steps["process"] == datetime.date(2026, 12, 15)
    assert dossier.due_date == datetime.date(2026, 12, 21)
    _submitted, accepted, transferred = paperwork.hand_overs(dossier)
    assert accepted.result == "early"  # within the specialist's step, which ends on 15 Dec
    assert transferred.result == "late"  # its step ended on 7 Dec; the final date is far


def test_a_register_across_1_july_2025_prints_each_dossier_on_its_edition(
    marriage, citizen, province
):
    commune = province["commune_a"]
    before = factories.register(
        marriage, commune, citizen, datetime.date(2025, 6, 30), channel="online"
    )
    after = factories.register(
        marriage, commune, citizen, datetime.date(2025, 7, 1), channel="online"
    )
    text = flat_pdf_text(
        paperwork.render_register(commune, datetime.date(2025, 6, 28), datetime.date(2025, 7, 3))
    )
    # Form 06 of Circular 01/2018, then form 07 of Circular 03/2025.
    first, second = text.index(before.code), text.index(after.code)
    assert text.index("Mẫu số 06") < first < text.index("Mẫu số 07") < second


def test_the_code_and_the_count_follow_the_receipt_day(marriage, citizen, province):
    """Submitted online on Saturday 5 December 2026 at ten: received Monday 7 December."""
    draft, _ = services.start_draft(
        procedure=marriage, agency=province["commune_a"], applicant=citizen, form_data={}
    )
    saturday = timezone.make_aware(datetime.datetime(2026, 12, 5, 10))
    dossier = services.submit(draft, now=saturday)
    assert dossier.received_on == datetime.date(2026, 12, 7)
    assert "-261207-" in dossier.code
    assert DossierFact.objects.get(dossier=dossier).received == datetime.date(2026, 12, 7)


def test_the_page_warns_before_a_second_supplement_request(marriage, citizen, province):
    dossier = factories.dossier_in(marriage, citizen, province["commune_a"], Status.PROCESSING)
    specialist = factories.builder_official(province["commune_a"], Role.SPECIALIST)
    page = Client()
    page.force_login(specialist)
    url = f"/mot-cua/ho-so/{dossier.code}/"
    first = page.get(url, {"action": "request_supplement"}).content.decode()
    assert "61/2018" not in first
    services.request_supplement(dossier, specialist, ["Giấy xác nhận tình trạng hôn nhân"])
    services.answer_supplement(dossier, citizen, [], "Đã bổ sung")
    second = page.get(url, {"action": "request_supplement"}).content.decode()
    assert "Nghị định 61/2018" in second
    sent = page.post(
        f"{url}xu-ly/", {"action": "request_supplement", "items": "Bản sao hộ khẩu", "reason": ""}
    )
    assert sent.status_code == 400
    assert Dossier.objects.get(pk=dossier.pk).supplement_count == 1


def test_the_summary_counts_either_side_on_request(received, people, province, center):
    services.perform(received, "accept", people["center desk"])
    factories.advance(Dossier.objects.get(pk=received.pk), Status.FINISHED)
    api = APIClient()
    api.force_authenticate(factories.official(province["root"], Role.SUPERVISOR, "gs-tinh"))
    period = {"from": "2026-12-01", "to": "2026-12-31"}

    def rows(side: str) -> dict:
        body = api.get("/api/v1/stats/summary", {**period, "side": side}).json()
        assert body["side"] == side
        return {row["code"]: row["dossiers"]["received"] for row in body["by_agency"]}

    received_side, decided_side = rows("received"), rows("decided")
    justice = province["justice"].code
    assert (received_side[center.code], received_side.get(justice, 0)) == (1, 0)
    assert (decided_side.get(center.code, 0), decided_side[justice]) == (0, 1)
    refused = api.get("/api/v1/stats/summary", {**period, "side": "elsewhere"})
    assert refused.status_code == 400 and "side" in refused.json()


def test_the_history_names_a_transfer_as_such(received, people):
    services.perform(received, "accept", people["center desk"])
    services.perform(received, "transfer", people["center desk"])
    steps = [event.label for event in Dossier.objects.get(pk=received.pk).events.all()]
    assert steps == [
        "Đã nộp, chờ tiếp nhận",
        "Đã tiếp nhận",
        "Chuyển hồ sơ đến cơ quan giải quyết",
    ]


def test_once_transferred_the_department_asks_for_supplements(received, people):
    center_desk = people["center desk"]
    services.perform(received, "accept", center_desk)
    services.perform(received, "transfer", center_desk)
    services.perform(
        received, "assign", people["justice head"], assignee=people["justice specialist"]
    )
    dossier = Dossier.objects.get(pk=received.pk)
    _refused(dossier, "request_supplement", center_desk, items=["Bản sao giấy khai sinh"])
    offered = {t.action for t in workflow.allowed(dossier, center_desk)}
    assert "request_supplement" not in offered
    services.request_supplement(dossier, people["justice specialist"], ["Bản sao giấy khai sinh"])
    assert Dossier.objects.get(pk=received.pk).status == Status.SUPPLEMENT

"""The officials' workspace: where they land, the inbox's tabs and search, the dossier page's
answers and one action panel, notes kept from the applicant, a ward without a head of division."""

import datetime

import pytest
from rest_framework.test import APIClient

from motcua.accounts.models import Role
from motcua.backoffice import inbox
from motcua.dossiers import services, workflow
from motcua.dossiers.models import Dossier, Status
from tests import factories
from tests.factories import dossier_in, vi


def codes(client, **params) -> list[str]:
    return [row["code"] for row in client.get("/api/v1/inbox", params).json()["results"]]


def api_as(person) -> APIClient:
    api = APIClient()
    api.force_authenticate(person)
    return api


def tab_counts(person) -> dict[str, str]:
    return {tab["key"]: tab["count"] for tab in api_as(person).get("/api/v1/inbox/tabs").json()}


# ---------------------------------------------------------------- landing and header


@pytest.mark.parametrize("kind", ["official", "citizen"])
def test_after_logging_in_an_official_lands_on_the_workspace(kind, client, staff, citizen):
    person = staff[("commune_a", Role.DESK_OFFICER)] if kind == "official" else citizen
    password = "x" if kind == "official" else "hoa-sen-tren-song"
    response = client.post(
        "/tai-khoan/dang-nhap/", {"username": person.username, "password": password}
    )
    assert response.status_code == 302
    assert response.url == ("/mot-cua/" if kind == "official" else "/ho-so/")


def test_the_header_names_the_officials_agency_and_role(client, staff):
    client.force_login(staff[("commune_a", Role.HEAD_OF_DIVISION)])
    page = client.get("/mot-cua/").content.decode()
    assert "Trưởng phòng" in page and "Ủy ban nhân dân xã Phú An" in page


# ---------------------------------------------------------------- tabs


@pytest.fixture
def work(marriage, citizen, province):
    """One dossier of commune A at each stage of the desk's and the deciders' work."""
    place = province["commune_a"]
    return {
        status: dossier_in(marriage, citizen, place, status)
        for status in (
            Status.SUBMITTED,
            Status.ACCEPTED,
            Status.PROCESSING,
            Status.UNDER_REVIEW,
            Status.AWAITING_APPROVAL,
            Status.SUPPLEMENT,
            Status.FINISHED,
            Status.RETURNED,
        )
    }


def test_each_tab_holds_its_kind_of_work(work, staff):
    desk, head, leader = (
        staff[("commune_a", role)]
        for role in (Role.DESK_OFFICER, Role.HEAD_OF_DIVISION, Role.LEADER)
    )
    specialist = Dossier.objects.get(pk=work[Status.PROCESSING].pk).assignee
    expected = {
        (desk, "intake"): [work[Status.SUBMITTED]],
        (desk, "assignment"): [work[Status.ACCEPTED]],
        (head, "assignment"): [work[Status.ACCEPTED]],
        (desk, "handover"): [work[Status.FINISHED]],
        (desk, "supplement"): [work[Status.SUPPLEMENT]],
        (head, "decision"): [work[Status.UNDER_REVIEW]],
        (leader, "decision"): [work[Status.AWAITING_APPROVAL]],
        (desk, "transfer"): [],
    }
    for (person, tab), dossiers in expected.items():
        assert codes(api_as(person), tab=tab) == [d.code for d in dossiers], (person, tab)
    mine = codes(api_as(specialist), tab="mine")
    assert work[Status.PROCESSING].code in mine and work[Status.SUBMITTED].code not in mine
    everything = set(codes(api_as(desk), tab="all"))
    assert work[Status.RETURNED].code not in everything and len(everything) == 7
    counts = tab_counts(desk)
    assert counts["intake"] == "1" and counts["all"] == "7" and "decision" not in counts
    assert list(tab_counts(leader)) == [
        "decision",
        "overdue",
        "today",
        "soon",
        "supplement",
        "consultations",
        "all",
    ]


def test_the_page_marks_the_active_tab_with_its_count_and_lands_on_the_roles_first(
    work, staff, client
):
    client.force_login(staff[("commune_a", Role.DESK_OFFICER)])
    page = client.get("/mot-cua/").content.decode()
    assert 'data-tab="intake" aria-current="page"' in page
    assert work[Status.SUBMITTED].code in page and work[Status.ACCEPTED].code not in page
    assert '<span class="count" data-count="all">7</span>' in page
    handover = client.get("/mot-cua/?tab=handover").content.decode()
    assert 'data-tab="handover" aria-current="page"' in handover
    assert work[Status.FINISHED].code in handover


def test_a_dossier_due_in_three_weeks_is_in_all_open_only_and_a_supplement_is_never_late(
    marriage, citizen, province, staff, clock
):
    place = province["commune_a"]
    later = dossier_in(marriage, citizen, place, Status.PROCESSING)
    waiting = dossier_in(marriage, citizen, place, Status.SUPPLEMENT)
    Dossier.objects.filter(pk=later.pk).update(due_date=clock.now.date() + datetime.timedelta(21))
    Dossier.objects.filter(pk=waiting.pk).update(due_date=clock.now.date() - datetime.timedelta(5))
    head = api_as(staff[("commune_a", Role.HEAD_OF_DIVISION)])
    for due in ("overdue", "today", "soon"):
        assert codes(head, tab=due) == []
    assert set(codes(head, tab="all")) == {later.code, waiting.code}
    assert codes(head, tab="supplement") == [waiting.code]
    Dossier.objects.filter(pk=later.pk).update(due_date=clock.now.date())
    assert codes(head, tab="today") == [later.code]


def test_sorted_by_deadline_by_default_or_by_receipt(marriage, citizen, province, staff, clock):
    place = province["commune_a"]
    first = dossier_in(marriage, citizen, place, Status.SUBMITTED)
    clock.set(2020, 3, 3, 9)
    second = dossier_in(marriage, citizen, place, Status.SUBMITTED)
    Dossier.objects.filter(pk=second.pk).update(due_date=first.due_date + datetime.timedelta(3))
    desk = api_as(staff[("commune_a", Role.DESK_OFFICER)])
    assert codes(desk, tab="intake") == [first.code, second.code]
    assert codes(desk, tab="intake", sort="received") == [second.code, first.code]
    Dossier.objects.filter(pk=second.pk).update(due_date=first.due_date - datetime.timedelta(3))
    assert codes(desk, tab="intake") == [second.code, first.code]


def test_the_page_is_paginated_on_the_server(
    marriage, citizen, province, staff, client, monkeypatch
):
    monkeypatch.setattr(inbox, "PAGE_SIZE", 2)
    made = [
        dossier_in(marriage, citizen, province["commune_a"], Status.SUBMITTED) for _ in range(3)
    ]
    client.force_login(staff[("commune_a", Role.DESK_OFFICER)])
    first = client.get("/mot-cua/?tab=intake").content.decode()
    second = client.get("/mot-cua/?tab=intake&page=2").content.decode()
    assert first.count('<tr class="deadline-') == 2 and 'rel="next"' in first
    assert second.count('<tr class="deadline-') == 1 and 'rel="prev"' in second
    assert {d.code for d in made} == {d.code for d in made if d.code in first + second}
    assert client.get("/mot-cua/?tab=intake&page=abc").status_code == 200


def test_counts_stop_at_the_cap(marriage, citizen, province, staff, monkeypatch):
    monkeypatch.setattr(inbox, "COUNT_CAP", 2)
    for _ in range(3):
        dossier_in(marriage, citizen, province["commune_a"], Status.SUBMITTED)
    assert tab_counts(staff[("commune_a", Role.DESK_OFFICER)])["intake"] == "2+"


# ---------------------------------------------------------------- the one-stop door


@pytest.fixture
def received_for_the_district(catalog, citizen, province):
    """A district's procedure handed in at commune A's desk: commune A receives, the district
    decides."""
    procedure = catalog["marriage_foreign"]
    procedure.receiving_points.add(province["commune_a"])
    return factories.dossier(procedure, citizen, province["commune_a"], Status.ACCEPTED)


def test_a_dossier_received_for_another_agency_waits_in_to_transfer(
    received_for_the_district, province, staff
):
    dossier = received_for_the_district
    assert workflow.awaits_transfer(dossier)
    desk = api_as(staff[("commune_a", Role.DESK_OFFICER)])
    assert codes(desk, tab="transfer") == [dossier.code]
    assert codes(desk, tab="assignment") == []
    district_head = factories.official(province["district"], Role.HEAD_OF_DIVISION)
    assert codes(api_as(district_head), tab="assignment") == []
    services.perform(dossier, "transfer", staff[("commune_a", Role.DESK_OFFICER)])
    dossier.refresh_from_db()
    assert not workflow.awaits_transfer(dossier)
    assert codes(desk, tab="transfer") == []
    assert codes(api_as(district_head), tab="assignment") == [dossier.code]


def test_the_transfer_condition_in_sql_agrees_with_the_workflow(
    received_for_the_district, work, staff
):
    everyone = Dossier.objects.exclude(status=Status.DRAFT)
    in_sql = set(everyone.filter(inbox.awaits_transfer_q()).values_list("pk", flat=True))
    assert in_sql == {d.pk for d in everyone if workflow.awaits_transfer(d)}
    assert in_sql == {received_for_the_district.pk}


# ---------------------------------------------------------------- search


def test_search_by_code_name_without_diacritics_cccd_or_phone(
    marriage, citizen, province, staff, client
):
    found = dossier_in(marriage, citizen, province["commune_a"], Status.RETURNED)
    other = factories.dossier(
        marriage,
        factories.User.objects.create_user(
            "0912000111", full_name="Lê Thị Hoa", phone="0912000111"
        ),
        province["commune_a"],
    )
    api = api_as(staff[("commune_a", Role.SPECIALIST)])
    for text in (
        found.code,
        found.code.lower(),
        "tran van binh",
        "Bình",
        "046085001234",
        "0905 123 456",
        "+84905123456",
    ):
        assert codes(api, q=text) == [found.code], text
    assert codes(api, q="hoa") == [other.code]
    assert codes(api, q="van b") == [found.code]
    assert codes(api, q="nobody") == []
    client.force_login(staff[("commune_a", Role.SPECIALIST)])
    page = client.get("/mot-cua/", {"q": "tran van"}).content.decode()
    assert found.code in page and other.code not in page and "Hồ sơ tìm được" in page


# ---------------------------------------------------------------- who may not see


def test_another_agency_and_supervisors_see_what_their_scope_allows(work, staff, client):
    outsider = staff[("commune_b", Role.DESK_OFFICER)]
    assert set(tab_counts(outsider).values()) == {"0"}
    for tab in inbox.TAB_KEYS:
        assert codes(api_as(outsider), tab=tab) == [], tab
    assert codes(api_as(outsider), q=work[Status.SUBMITTED].code) == []
    client.force_login(outsider)
    assert work[Status.SUBMITTED].code not in client.get("/mot-cua/?tab=all").content.decode()

    supervisor = staff["supervisor_district"]
    assert tab_counts(supervisor)["all"] == "7"
    client.force_login(supervisor)
    page = client.get(f"/mot-cua/ho-so/{work[Status.SUBMITTED].code}/").content.decode()
    assert 'id="action-panel"' not in page  # reads, never acts
    post = client.post(f"/mot-cua/ho-so/{work[Status.SUBMITTED].code}/xu-ly/", {"action": "accept"})
    assert post.status_code == 404
    assert tab_counts(staff["supervisor_justice"])["all"] == "0"
    admin = staff[("commune_a", Role.AGENCY_ADMIN)]
    assert codes(api_as(admin), tab="all") == [] and tab_counts(admin) == {}


def test_citizens_have_no_inbox(work, citizen, client):
    assert codes(api_as(citizen)) == [] and tab_counts(citizen) == {}
    client.force_login(citizen)
    assert client.get("/mot-cua/").status_code == 403


# ---------------------------------------------------------------- the dossier page


def test_the_dossier_page_shows_the_forms_labels_and_the_documents_names(
    marriage, citizen, province, staff, client
):
    marriage.form_fields += [
        {"name": "ngay_cuoi", "label": "Ngày dự kiến tổ chức", "type": "date"},
        {
            "name": "noi_cu_tru",
            "label": "Nơi cư trú",
            "type": "select",
            "choices": ["Trong xã", "Ngoài xã"],
        },
        {"name": "da_ly_hon", "label": "Đã từng ly hôn", "type": "checkbox"},
    ]
    marriage.save()
    document = marriage.documents.get()
    dossier = factories.dossier(
        marriage,
        citizen,
        province["commune_a"],
        form_data={
            "ho_ten": "Trần Văn Bình",
            "cccd_vo": "046190001111",
            "ngay_cuoi": "2020-04-30",
            "noi_cu_tru": "Ngoài xã",
            "da_ly_hon": False,
        },
        uploads={document.pk: factories.pdf("scan_0001.pdf")},
    )
    client.force_login(staff[("commune_a", Role.DESK_OFFICER)])
    page = client.get(f"/mot-cua/ho-so/{dossier.code}/").content.decode()
    for shown in (
        "Họ và tên",
        "Số CCCD bên nữ",
        "30/04/2020",
        "Ngoài xã",
        "Không",
        "Tờ khai đăng ký kết hôn",
    ):
        assert shown in page, shown
    for hidden in ("ho_ten", "cccd_vo", "2020-04-30", "scan_0001.pdf"):
        assert hidden not in page, hidden


def test_one_action_panel_with_only_the_chosen_actions_fields(work, staff, client):
    client.force_login(staff[("commune_a", Role.DESK_OFFICER)])
    code = work[Status.SUBMITTED].code
    page = client.get(f"/mot-cua/ho-so/{code}/").content.decode()
    panel = page[page.index('id="action-panel"') :].split("</section>")[0]
    assert page.count('class="action"') == 1 and panel.count("<textarea") == 1
    assert 'data-action="accept"' in page and 'data-choose="refuse_intake"' in page
    refusing = client.get(f"/mot-cua/ho-so/{code}/?action=refuse_intake").content.decode()
    assert 'data-action="refuse_intake"' in refusing and 'data-action="accept"' not in refusing
    assert vi("The applicant reads it on their dossier page.") in refusing
    assigning = client.get(
        f"/mot-cua/ho-so/{work[Status.ACCEPTED].code}/?action=assign", HTTP_HX_REQUEST="true"
    ).content.decode()
    assert assigning.startswith('<section id="action-panel"')
    assert "— Chọn chuyên viên —" in assigning
    assert "---------" not in assigning

    missing = client.post(f"/mot-cua/ho-so/{code}/xu-ly/", {"action": "refuse_intake"})
    assert missing.status_code == 400 and 'data-action="refuse_intake"' in missing.content.decode()
    done = client.post(f"/mot-cua/ho-so/{code}/xu-ly/", {"action": "accept"}, follow=True)
    assert "Đã tiếp nhận. Hồ sơ hiện ở trạng thái “Đã tiếp nhận”." in done.content.decode()
    refused = client.post(f"/mot-cua/ho-so/{code}/xu-ly/", {"action": "approve"}, follow=True)
    assert vi("This action is not open to you on this dossier now.") in refused.content.decode()
    assert Dossier.objects.get(code=code).status == Status.ACCEPTED


def test_the_agencies_to_consult_show_their_district(work, staff, province, client):
    factories.agency("000.03.32.H57", "Ủy ban nhân dân huyện Phú Lộc", "district", province["root"])
    twin_district = factories.Agency.objects.get(code="000.03.32.H57")
    factories.agency("000.04.32.H57", "Ủy ban nhân dân xã Phú Mỹ", "commune", twin_district)
    client.force_login(staff[("commune_a", Role.SPECIALIST)])
    code = work[Status.PROCESSING].code
    Dossier.objects.filter(code=code).update(assignee=staff[("commune_a", Role.SPECIALIST)])
    panel = client.get(f"/mot-cua/ho-so/{code}/?action=consult").content.decode()
    assert "Ủy ban nhân dân xã Phú Mỹ (Ủy ban nhân dân huyện Phú Vang)" in panel
    assert "Ủy ban nhân dân xã Phú Mỹ (Ủy ban nhân dân huyện Phú Lộc)" in panel
    assert "— Chọn cơ quan —" in panel


# ---------------------------------------------------------------- notes


def test_an_internal_remark_is_kept_from_the_applicant(work, staff, citizen, client):
    code = work[Status.PROCESSING].code
    specialist = Dossier.objects.get(code=code).assignee
    client.force_login(specialist)
    client.post(
        f"/mot-cua/ho-so/{code}/xu-ly/",
        {"action": "send_for_review", "reason": "Chữ ký mờ, đã gọi điện xác minh"},
    )
    client.force_login(staff[("commune_a", Role.HEAD_OF_DIVISION)])
    client.post(
        f"/mot-cua/ho-so/{code}/xu-ly/",
        {"action": "send_back", "reason": "Bổ sung ảnh chân dung", "to_applicant": "on"},
    )
    refused = work[Status.SUBMITTED].code
    client.force_login(staff[("commune_a", Role.DESK_OFFICER)])
    client.post(
        f"/mot-cua/ho-so/{refused}/xu-ly/", {"action": "refuse_intake", "reason": "Sai thẩm quyền"}
    )
    officials_page = client.get(f"/mot-cua/ho-so/{code}/").content.decode()
    assert "Chữ ký mờ" in officials_page and "nội bộ" in officials_page
    assert "người nộp xem được" in officials_page

    client.force_login(citizen)
    citizens_page = client.get(f"/ho-so/{code}/").content.decode()
    assert "Chữ ký mờ" not in citizens_page and "Bổ sung ảnh chân dung" in citizens_page
    assert "Sai thẩm quyền" in client.get(f"/ho-so/{refused}/").content.decode()
    history = APIClient()
    history.force_authenticate(citizen)
    notes = [e["note"] for e in history.get(f"/api/v1/dossiers/{code}/history").json()["results"]]
    assert not any("Chữ ký mờ" in note for note in notes)


# ---------------------------------------------------------------- a ward without a head


def test_without_a_head_of_division_the_leader_approves_once(marriage, citizen, province):
    ward = province["commune_b"]  # no head of division there
    specialist = factories.official(ward, Role.SPECIALIST)
    leader = factories.official(ward, Role.LEADER)
    dossier = dossier_in(marriage, citizen, ward, Status.PROCESSING)
    Dossier.objects.filter(pk=dossier.pk).update(assignee=specialist)
    # The builder's head assigned the dossier, then left: the ward has no head of division.
    factories.User.objects.filter(agency=ward, role=Role.HEAD_OF_DIVISION).update(is_active=False)
    services.perform(dossier, "send_for_review", specialist, reason="Đủ điều kiện")
    dossier.refresh_from_db()
    assert dossier.status == Status.AWAITING_APPROVAL
    assert "submit_for_approval" not in {t.action for t in workflow.allowed(dossier, leader)}
    services.perform(dossier, "approve", leader)
    dossier.refresh_from_db()
    assert dossier.status == Status.FINISHED
    assert [e.to_status for e in dossier.events.all()][-2:] == [
        Status.AWAITING_APPROVAL,
        Status.FINISHED,
    ]


def test_with_a_head_of_division_the_head_reviews_first(work, staff):
    dossier = work[Status.UNDER_REVIEW]
    assert dossier.status == Status.UNDER_REVIEW
    leader = staff[("commune_a", Role.LEADER)]
    with pytest.raises(workflow.TransitionRefused):
        services.perform(dossier, "submit_for_approval", leader)
    services.perform(dossier, "submit_for_approval", staff[("commune_a", Role.HEAD_OF_DIVISION)])
    assert Dossier.objects.get(pk=dossier.pk).status == Status.AWAITING_APPROVAL

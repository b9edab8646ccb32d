"""The official forms of the one-stop process, in the edition in force on the receipt date."""

import datetime
from zoneinfo import ZoneInfo

import pytest

from motcua.accounts.models import Role
from motcua.backoffice import paperwork
from motcua.dossiers import services
from motcua.dossiers.models import Dossier, Event, Status
from tests.factories import dossier_in, local, received
from tests.factories import flat_pdf_text as pdf_text

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
CONTROL_2018 = "Phiếu kiểm soát quá trình giải quyết hồ sơ"
STOP_2025 = "Thông báo dừng giải quyết hồ sơ"


def has(text: str, written: str) -> bool:
    """Whether `written` is in the text; titles are printed in capitals."""
    return written.upper() in text.upper()


@pytest.fixture
def dossier_2020(marriage, citizen, province):
    dossier = dossier_in(marriage, citizen, province["commune_a"], Status.SUBMITTED)
    return received(dossier, local(2020, 6, 10, 8, 5), datetime.date(2020, 6, 17))


@pytest.fixture
def dossier_2025(marriage, citizen, province):
    dossier = dossier_in(marriage, citizen, province["commune_a"], Status.SUBMITTED)
    return received(dossier, local(2025, 7, 15, 14, 30), datetime.date(2025, 7, 22))


# Who takes each step, and when. The time plan of the appointment of 17 June 2020 (five
# working days from acceptance on Wed 10 June: 60 % processing, 15 % review, 15 % approval,
# 10 % return) ends processing on Mon 15, review and approval on Tue 16, the return on Wed 17.
PATH = [
    ("accept", Role.DESK_OFFICER, local(2020, 6, 10, 9, 12), {}),
    ("assign", Role.HEAD_OF_DIVISION, local(2020, 6, 11, 10, 20), {"assignee": "specialist"}),
    ("send_for_review", Role.SPECIALIST, local(2020, 6, 15, 15, 40), {"reason": "Đủ điều kiện"}),
    ("submit_for_approval", Role.HEAD_OF_DIVISION, local(2020, 6, 17, 8, 45), {}),
    ("approve", Role.LEADER, local(2020, 6, 18, 16, 5), {}),
    ("return_result", Role.DESK_OFFICER, local(2020, 6, 19, 7, 55), {"delivery": "desk"}),
]


def walk(dossier: Dossier, people: dict, path=PATH) -> Dossier:
    """Take the dossier along `path`, dating each step as the path says."""
    for action, role, at, extra in path:
        assignee = people[Role.SPECIALIST] if extra.get("assignee") else None
        services.perform(
            dossier,
            action,
            people[role],
            reason=extra.get("reason", ""),
            assignee=assignee,
            delivery=extra.get("delivery", ""),
        )
        Event.objects.filter(pk=dossier.events.latest("at", "pk").pk).update(at=at)
        if action == "accept":  # the time plan counts from acceptance
            Dossier.objects.filter(pk=dossier.pk).update(accepted_at=at)
    return Dossier.objects.get(pk=dossier.pk)


def test_the_edition_changes_on_1_july_2025():
    assert paperwork.edition_for(datetime.date(2020, 6, 10)) == "2018"
    assert paperwork.edition_for(datetime.date(2025, 6, 30)) == "2018"
    assert paperwork.edition_for(datetime.date(2025, 7, 1)) == "2025"
    kinds = ["supplement_request", "refusal", "apology", "stop_notice", "control_sheet"]
    july = datetime.date(2025, 7, 1)
    numbers = {kind: paperwork.form_for(kind, july).number for kind in [*kinds, "register"]}
    assert numbers == {
        "supplement_request": "02",
        "refusal": "03",
        "apology": "04",
        "stop_notice": "05",
        "control_sheet": "06",
        "register": "07",
    }


def test_the_control_sheet_of_2018_lists_every_hand_over_and_judges_it(dossier_2020, people):
    dossier = walk(dossier_2020, people)
    text = pdf_text(paperwork.render_form("control_sheet", dossier))
    assert "Mẫu số 05" in text and has(text, CONTROL_2018)
    assert "Mẫu số 06" not in text
    assert dossier.code in text and has(text, "Ủy ban nhân dân xã Phú An")
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    for _action, _role, at, _extra in PATH:
        assert f"{at:%H:%M}" in text and f"{at:%d/%m/%Y}" in text
    for name in ("Thu", "Hải", "Lan", "Quang", "Bình"):
        assert name in text
    for judgement in ("Trước hạn", "Đúng hạn", "Quá hạn"):
        assert text.count(judgement) >= 2, judgement  # the heading names each once
    assert "Đủ điều kiện" in text

    rows = paperwork.hand_overs(dossier)
    assert [row.at for row in rows] == [local(2020, 6, 10, 8, 5)] + [step[2] for step in PATH]
    # Each hand-over against its own step's last day, not the final appointment date:
    # processing sent on Mon 15 (its day); review on Wed 17, approval on Thu 18 (both due Tue
    # 16) and the return on Fri 19 (due Wed 17) are late.
    results = [row.result for row in rows]
    assert results == ["early"] * 3 + ["on_time"] + ["late"] * 3
    assert rows[0].giver == "Trần Văn Bình" and rows[0].receiver.startswith("Thu (")
    assert rows[2].giver.startswith("Hải (") and rows[2].receiver.startswith("Lan (")
    assert rows[-1].giver.startswith("Thu (") and rows[-1].receiver == "Trần Văn Bình"


def test_the_control_sheet_of_2025_is_form_06(dossier_2025, people):
    text = pdf_text(paperwork.render_form("control_sheet", dossier_2025))
    assert "Mẫu số 06" in text and has(text, CONTROL_2018)
    assert "Mẫu số 05" not in text
    assert "14:30" in text and "15/07/2025" in text


def test_the_supplement_request_lists_what_is_missing(dossier_2020, people):
    items = ["Giấy xác nhận tình trạng hôn nhân", "Bản sao giấy khai sinh"]
    desk = people[Role.DESK_OFFICER]
    services.request_supplement(dossier_2020, desk, items, "Thiếu giấy tờ", local(2020, 6, 12, 9))
    text = pdf_text(paperwork.render_form("supplement_request", dossier_2020))
    assert "Ngày 12 tháng 06 năm 2020" in text, "dated the day it was asked, not printed"
    assert "Mẫu số 02" in text and has(text, "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ")
    for written in [*items, "Thiếu giấy tờ", "Thu", "Trần Văn Bình", "Đăng ký kết hôn"]:
        assert written in text


def test_the_refusal_gives_the_reason(dossier_2020, people):
    services.perform(
        dossier_2020, "refuse_intake", people[Role.DESK_OFFICER], reason="Sai thẩm quyền"
    )
    text = pdf_text(paperwork.render_form("refusal", dossier_2020))
    assert "Mẫu số 03" in text and has(text, "Phiếu từ chối tiếp nhận giải quyết hồ sơ")
    assert "Sai thẩm quyền" in text


@pytest.mark.parametrize(
    ("fixture", "title", "promise"),
    [
        ("dossier_2020", "Phiếu xin lỗi và hẹn lại ngày trả kết quả", "sẽ trả kết quả"),
        ("dossier_2025", "Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết", "gia hạn"),
    ],
)
def test_the_apology_takes_its_reason_and_new_date(fixture, title, promise, request):
    dossier = request.getfixturevalue(fixture)
    new_date = dossier.due_date + datetime.timedelta(days=5)
    content = paperwork.render_form("apology", dossier, reason="Chờ xác minh", new_date=new_date)
    text = pdf_text(content)
    assert "Mẫu số 04" in text and has(text, title) and promise in text
    assert "Chờ xác minh" in text and f"{new_date:%d/%m/%Y}" in text


def test_the_stop_notice_exists_only_in_the_2025_edition(dossier_2020, dossier_2025, people):
    for dossier in (dossier_2020, dossier_2025):
        Dossier.objects.filter(pk=dossier.pk).update(status=Status.PROCESSING)
        services.perform(dossier, "stop", people[Role.LEADER], reason="Người nộp đề nghị dừng")
    text = pdf_text(paperwork.render_form("stop_notice", dossier_2025))
    assert "Mẫu số 05" in text and has(text, STOP_2025)
    assert "Người nộp đề nghị dừng" in text
    with pytest.raises(paperwork.FormUnavailable, match="01/2018/TT-VPCP"):
        paperwork.render_form("stop_notice", dossier_2020)


def test_a_form_without_its_data_or_unknown_is_refused(dossier_2020):
    with pytest.raises(paperwork.FormUnavailable, match="Phiếu từ chối"):
        paperwork.render_form("refusal", dossier_2020)
    with pytest.raises(paperwork.FormUnavailable, match="receipt_and_cake"):
        paperwork.render_form("receipt_and_cake", dossier_2020)
    with pytest.raises(paperwork.FormUnavailable, match="Sổ theo dõi"):
        paperwork.render_form("register", dossier_2020)


def form_path(dossier: Dossier, kind: str) -> str:
    return f"/mot-cua/ho-so/{dossier.code}/bieu-mau/{kind}.pdf"


def test_officials_of_the_agency_download_the_forms_inline(dossier_2020, people, client):
    client.force_login(people[Role.SPECIALIST])
    response = client.get(form_path(dossier_2020, "control_sheet"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('inline; filename="control-sheet-')
    assert "Mẫu số 05" in pdf_text(response.content)


def test_a_stop_notice_of_a_2018_dossier_is_refused_with_a_reason(dossier_2020, people, client):
    client.force_login(people[Role.DESK_OFFICER])
    response = client.get(form_path(dossier_2020, "stop_notice"))
    assert response.status_code == 404
    message = response.content.decode()
    assert STOP_2025 in message and "01/2018/TT-VPCP" in message and "10/06/2020" in message


def test_other_agencies_and_citizens_get_nothing(dossier_2020, staff, citizen, client):
    client.force_login(staff[("commune_b", Role.DESK_OFFICER)])
    assert client.get(form_path(dossier_2020, "control_sheet")).status_code == 404
    client.force_login(staff["supervisor_justice"])
    assert client.get(form_path(dossier_2020, "control_sheet")).status_code == 404
    client.force_login(citizen)
    assert client.get(form_path(dossier_2020, "control_sheet")).status_code in (403, 404)
    assert client.get("/mot-cua/so-theo-doi.pdf?from=2020-06-01&to=2020-06-30").status_code == 403
    client.logout()
    assert client.get(form_path(dossier_2020, "control_sheet")).status_code == 302


def test_the_register_lists_the_agency_s_dossiers_of_the_period(
    marriage, citizen, province, people, client
):
    def made(agency: str, at: datetime.datetime) -> Dossier:
        dossier = dossier_in(marriage, citizen, province[agency], Status.SUBMITTED)
        return received(dossier, at, at.date() + datetime.timedelta(days=7))

    first = made("commune_a", local(2020, 6, 1, 0, 10))
    second = made("commune_a", local(2020, 6, 30, 23, 50))
    before = made("commune_a", local(2020, 5, 31, 23, 50))
    after = made("commune_a", local(2020, 7, 1, 0, 5))
    elsewhere = made("commune_b", local(2020, 6, 15, 9, 0))
    client.force_login(people[Role.DESK_OFFICER])
    response = client.get("/mot-cua/so-theo-doi.pdf?from=2020-06-01&to=2020-06-30")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "Mẫu số 06" in text and has(text, "Sổ theo dõi hồ sơ")
    assert first.code in text and second.code in text
    for absent in (before, after, elsewhere):
        assert absent.code not in text
    assert text.index(first.code) < text.index(second.code)

    july = datetime.date(2025, 7, 1)
    recent = pdf_text(paperwork.render_register(province["commune_a"], july, july))
    assert "Mẫu số 07" in recent and "Không có hồ sơ" in recent


BAD_PERIODS = [
    "",  # none given
    "?from=2020-06-01",  # no end
    "?from=2020-06-31&to=2020-07-01",  # no such day
    "?from=2020-07-01&to=2020-06-01",  # backwards
    "?from=2019-01-01&to=2020-06-01",  # longer than a year
    "?from=hôm-nay&to=2020-06-01",  # not a date
]


@pytest.mark.parametrize("query", BAD_PERIODS)
def test_a_bad_period_is_refused_with_a_clear_message(query, people, client):
    client.force_login(people[Role.DESK_OFFICER])
    response = client.get(f"/mot-cua/so-theo-doi.pdf{query}")
    assert response.status_code == 400
    assert "YYYY-MM-DD" in response.content.decode()


def test_the_dossier_page_links_the_forms_that_apply(dossier_2020, dossier_2025, people, client):
    client.force_login(people[Role.DESK_OFFICER])
    page = client.get(f"/mot-cua/ho-so/{dossier_2020.code}/").content.decode()
    assert form_path(dossier_2020, "control_sheet") in page
    assert form_path(dossier_2020, "supplement_request") not in page
    services.request_supplement(dossier_2020, people[Role.DESK_OFFICER], ["Tờ khai"])
    page = client.get(f"/mot-cua/ho-so/{dossier_2020.code}/").content.decode()
    assert form_path(dossier_2020, "supplement_request") in page
    assert form_path(dossier_2020, "stop_notice") not in page

    Dossier.objects.filter(pk=dossier_2025.pk).update(status=Status.PROCESSING)
    services.perform(dossier_2025, "stop", people[Role.LEADER], reason="Dừng theo đề nghị")
    page = client.get(f"/mot-cua/ho-so/{dossier_2025.code}/").content.decode()
    assert form_path(dossier_2025, "stop_notice") in page
    assert "Mẫu số 06" in page and "Mẫu số 05" in page
    assert form_path(dossier_2025, "refusal") not in page

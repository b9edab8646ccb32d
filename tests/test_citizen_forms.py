"""The citizen's forms without traps: registering returns to the form one came from; fields
are filled from the profile only where the form definition says so, and that definition is
checked."""

import re

import pytest

from motcua.catalog.formdef import definition_errors


def _field(**changes) -> dict:
    return {"name": "cccd", "label": "Số CCCD", "type": "text", **changes}


@pytest.mark.parametrize(
    ("field", "expected"),
    [
        (_field(profile="id_number"), []),
        (_field(profile=""), []),
        (_field(type="date", name="ngay_sinh", profile="birth_date"), []),
        (_field(type="textarea", name="dia_chi", profile="address"), []),
        (_field(profile="password"), ["the profile attribute must be one of"]),
        (_field(profile="birth_date"), ["fits only a field of type date"]),
        (_field(type="integer", profile="phone"), ["fits only a field of type text"]),
    ],
)
def test_the_profile_key_names_a_known_attribute_of_a_fitting_type(field, expected, settings):
    settings.LANGUAGE_CODE = "en"
    errors = definition_errors([field])
    assert len(errors) == len(expected)
    for error, words in zip(errors, expected, strict=True):
        assert words in error


def test_only_the_fields_marked_as_the_applicants_own_are_filled(signed_in, marriage):
    page = signed_in.get(f"/thu-tuc/{marriage.code}/nop/").content.decode()
    assert 'value="Trần Văn Bình"' in page
    assert "046085001234" not in page, "the wife's CCCD field is not the applicant's own"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("next_page", "lands_on"),
    [
        ("/thu-tuc/1.000894/nop/", "/thu-tuc/1.000894/nop/"),
        ("https://lua-dao.example/thu-tuc/", "/"),
        ("//lua-dao.example/", "/"),
        ("", "/"),
    ],
)
def test_registering_returns_to_a_page_of_this_site_only(client, mailoutbox, next_page, lands_on):
    registration = {
        "kind": "citizen",
        "full_name": "Lê Thị Mai",
        "contact": "mai@example.vn",
        "password1": "song-huong-xanh",
        "password2": "song-huong-xanh",
        "next": next_page,
    }
    assert client.post("/tai-khoan/dang-ky/", registration).status_code == 302
    code = re.search(r"\d{6}", mailoutbox[-1].body).group()
    response = client.post("/tai-khoan/xac-nhan/", {"code": code})
    assert response.status_code == 302 and response["Location"] == lands_on


def test_the_login_page_passes_the_form_it_guards_on_to_registration(client, marriage):
    login = client.get(f"/thu-tuc/{marriage.code}/nop/", follow=True).content.decode()
    assert f'href="/tai-khoan/dang-ky/?next=/thu-tuc/{marriage.code}/nop/"' in login


PAID = ["Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam", "Đăng ký kết hôn có yếu tố nước ngoài"]
FREE = [
    "Cấp giấy phép xây dựng nhà ở riêng lẻ",
    "Đăng ký khai sinh",
    "Đăng ký kết hôn",  # its one fee line is 0 đồng
    "Đăng ký kết hôn lưu động",
]


@pytest.mark.parametrize(("charged", "names"), [("paid", PAID), ("free", FREE), ("", PAID + FREE)])
def test_the_catalog_api_filters_by_fee_and_gives_the_total(client, catalog, charged, names):
    body = client.get("/api/v1/procedures", {"charged": charged}).json()
    assert sorted(p["name"] for p in body["results"]) == sorted(names)
    totals = {p["name"]: p["total_fee"] for p in body["results"]}
    assert totals.get("Đăng ký kết hôn có yếu tố nước ngoài", 1_000_000) == 1_000_000
    assert totals.get("Đăng ký khai sinh", 0) == 0


def test_a_filter_of_fee_the_api_does_not_know_is_refused(client, catalog):
    response = client.get("/api/v1/procedures", {"charged": "cheap"})
    assert response.status_code == 400 and "charged" in response.json()


def test_the_catalog_page_filters_by_fee_and_shows_it(client, catalog):
    paid = client.get("/thu-tuc/", {"charged": "paid"}).content.decode()
    assert "Tìm thấy 2 thủ tục" in paid
    assert "Lệ phí: 1.000.000 đồng" in paid and "Lệ phí: 200.000 đồng" in paid
    free = client.get("/thu-tuc/", {"charged": "free"}).content.decode()
    assert "Tìm thấy 4 thủ tục" in free and "Miễn phí" in free and "Lệ phí:" not in free
    assert "Đăng ký khai sinh" in free and "Đăng ký khai sinh" not in paid


def test_the_submission_form_shows_the_fees_before_submitting(signed_in, fee_procedure):
    page = signed_in.get(f"/thu-tuc/{fee_procedure.code}/nop/").content.decode()
    assert "Phí, lệ phí phải nộp" in page and "Lệ phí cấp Phiếu lý lịch tư pháp" in page
    assert '<td class="num" id="fee-total">200.000 đồng</td>' in page
    saved = signed_in.post(
        f"/thu-tuc/{fee_procedure.code}/nop/luu-nhap/",
        {"token": "t-fees", "field_ho_ten": "Trần Văn Bình", "field_so_ban": "3"},
    ).content.decode()
    assert 'id="fee-total">215.000 đồng<' in saved, "the total follows the copies asked for"

"""The public pages over HTTP, as a browser without JavaScript sees them."""

import pytest


def test_home_is_vietnamese_with_figures(client, catalog):
    page = client.get("/").content.decode()
    assert '<html lang="vi">' in page
    assert "Tìm thủ tục hành chính" in page
    assert "Ủy ban nhân dân tỉnh Thừa Thiên Huế" in page
    assert "<strong>6</strong> thủ tục hành chính" in page
    assert "<strong>4</strong> nộp hồ sơ trực tuyến được" in page
    # Tiers with procedures, with their counts; the province tier has none here.
    assert "?tier=district" in page and "?tier=province" not in page


def test_accept_language_alone_does_not_switch_to_english(client, catalog):
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "Tìm thủ tục hành chính" in page


def test_language_switch_to_english_and_back(client, catalog):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/thu-tuc/"})
    assert response.status_code == 302 and response["Location"] == "/thu-tuc/"
    page = client.get("/thu-tuc/").content.decode()
    assert '<html lang="en">' in page and "Search procedures" in page
    client.post("/i18n/setlang/", {"language": "vi", "next": "/"})
    assert "Tra cứu thủ tục hành chính" in client.get("/thu-tuc/").content.decode()


def test_search_page_without_javascript(client, catalog):
    page = client.get("/thu-tuc/", {"q": "dang ky ket hon"}).content.decode()
    assert "Tìm thấy 3 thủ tục" in page
    assert page.index("Đăng ký kết hôn</a>") < page.index("Đăng ký kết hôn lưu động")
    assert 'href="/thu-tuc/1.000894/"' in page


def test_search_filters_on_the_page(client, catalog):
    page = client.get("/thu-tuc/", {"tier": "department", "level": "4"}).content.decode()
    assert "Tìm thấy 1 thủ tục" in page and "Cấp Phiếu lý lịch tư pháp" in page
    assert '<details class="more-filters" open>' in page
    assert '<option value="department" selected>' in page


def test_filters_stay_folded_when_none_is_chosen(client, catalog):
    page = client.get("/thu-tuc/", {"q": "ket hon"}).content.decode()
    assert '<details class="more-filters">' in page


def test_invalid_filter_values_are_ignored_not_fatal(client, catalog):
    response = client.get("/thu-tuc/", {"level": "nine", "tier": "planet"})
    assert response.status_code == 200


def test_htmx_request_gets_only_the_results(client, catalog):
    response = client.get("/thu-tuc/", {"q": "khai sinh"}, HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert "<html" not in page and "Đăng ký khai sinh" in page


def test_pagination_keeps_the_query(client, province):
    from tests import factories

    for number in range(25):
        factories.procedure(f"Cấp giấy phép loại {number}", agencies=[province["justice"]])
    page = client.get("/thu-tuc/", {"q": "giay phep"}).content.decode()
    assert "Trang 1/2" in page and "?q=giay+phep&amp;page=2" in page
    second = client.get("/thu-tuc/", {"q": "giay phep", "page": 2}).content.decode()
    assert "Trang 2/2" in second


def test_procedure_page_says_what_to_prepare_time_cost_and_online(client, catalog):
    page = client.get("/thu-tuc/1.000894/").content.decode()
    assert "<h1>Đăng ký kết hôn</h1>" in page
    assert "Được, toàn trình" in page
    assert "Tờ khai đăng ký kết hôn" in page and "1 bản chính" in page
    assert "5 ngày làm việc kể từ khi nhận đủ hồ sơ hợp lệ." in page
    assert "Không mất phí." in page
    assert "Nộp tại 2 nơi" in page and "/co-quan/000.01.31.H57/" in page


def test_procedure_page_with_fees_and_not_online(client, catalog):
    fee_page = client.get(f"/thu-tuc/{catalog['criminal_record'].code}/").content.decode()
    assert "200.000 đồng" in fee_page
    offline = client.get(f"/thu-tuc/{catalog['construction'].code}/").content.decode()
    assert "Chưa: hãy tải mẫu đơn" in offline


@pytest.mark.parametrize("code", ["9.999999", "not-a-code"])
def test_unknown_procedure_is_404(client, catalog, code):
    assert client.get(f"/thu-tuc/{code}/").status_code == 404


def test_agencies_page_lists_the_tree(client, catalog):
    page = client.get("/co-quan/").content.decode()
    assert page.index("Ủy ban nhân dân huyện Phú Vang") < page.index("Ủy ban nhân dân xã Phú An")
    assert 'href="/thu-tuc/?agency=000.00.02.H57"' in page


def test_admin_is_in_vietnamese(admin_client, catalog):
    page = admin_client.get("/admin/catalog/procedure/").content.decode()
    assert "Nhập từ tệp" in page and "Mức độ dịch vụ công trực tuyến" in page
    assert admin_client.get("/admin/catalog/procedure/?q=ket+hon").status_code == 200
    assert admin_client.get("/admin/agencies/agency/?tier__exact=commune").status_code == 200

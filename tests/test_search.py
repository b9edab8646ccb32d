import pytest

from motcua.catalog.services import CatalogQuery, search_procedures


def names(query: CatalogQuery) -> list[str]:
    return [p.name for p in search_procedures(query)]


@pytest.mark.parametrize(
    "typed", ["dang ky ket hon", "ĐĂNG KÝ KẾT HÔN", "đăng ký kết hôn", "Dang Ky Ket Hon"]
)
def test_search_ignores_diacritics_and_case(catalog, typed):
    assert names(CatalogQuery(text=typed)) == [
        "Đăng ký kết hôn",
        "Đăng ký kết hôn lưu động",
        "Đăng ký kết hôn có yếu tố nước ngoài",
    ]


def test_exact_name_ranks_before_longer_names(catalog):
    assert names(CatalogQuery(text="ket hon"))[0] == "Đăng ký kết hôn"


def test_words_must_start_words(catalog):
    # "hon" starts a word; "on" does not start any word in "kết hôn".
    assert "Đăng ký kết hôn" in names(CatalogQuery(text="hon"))
    assert names(CatalogQuery(text="on")) == []


def test_words_may_come_in_any_order_and_partly_typed(catalog):
    assert names(CatalogQuery(text="khai sinh dang"))[0] == "Đăng ký khai sinh"
    assert names(CatalogQuery(text="ly lich tu p")) == [
        "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam"
    ]


def test_search_by_code_and_by_sector(catalog):
    assert names(CatalogQuery(text="1.000894")) == ["Đăng ký kết hôn"]
    assert names(CatalogQuery(text="xay dung")) == ["Cấp giấy phép xây dựng nhà ở riêng lẻ"]


def test_filters(catalog, province):
    assert set(names(CatalogQuery(tier="district"))) == {
        "Đăng ký kết hôn có yếu tố nước ngoài",
        "Cấp giấy phép xây dựng nhà ở riêng lẻ",
    }
    assert set(names(CatalogQuery(level=4))) == {
        "Đăng ký kết hôn",
        "Đăng ký khai sinh",
        "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam",
    }
    assert names(CatalogQuery(agency="000.00.02.H57")) == [
        "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam"
    ]
    assert names(CatalogQuery(sector="ly-lich-tu-phap", text="phieu")) == [
        "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam"
    ]
    assert names(CatalogQuery(text="ket hon", tier="commune", level=2)) == [
        "Đăng ký kết hôn lưu động"
    ]


def test_unpublished_procedures_are_not_found(catalog):
    marriage = catalog["marriage"]
    marriage.published = False
    marriage.save()
    assert "Đăng ký kết hôn" not in names(CatalogQuery(text="ket hon"))

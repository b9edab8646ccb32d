"""Rules that do not need the database: text folding and Vietnamese identifiers."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from motcua.agencies.models import canonical_code
from motcua.core.text import fold
from motcua.core.validators import cccd_birth_year, validate_cccd, validate_phone, validate_tax_code


@pytest.mark.parametrize(
    "typed", ["dang ky ket hon", "ĐĂNG KÝ KẾT HÔN", "đăng ký kết hôn", "  Đăng  ký, kết-hôn! "]
)
def test_fold_ignores_diacritics_case_and_punctuation(typed):
    assert fold(typed) == "dang ky ket hon"


def test_fold_keeps_digits_of_codes():
    assert fold("Thủ tục 1.001612") == "thu tuc 1 001612"


def test_fold_decomposed_input_matches_precomposed():
    import unicodedata

    assert fold(unicodedata.normalize("NFD", "Hộ tịch")) == fold("Hộ tịch") == "ho tich"


@pytest.mark.parametrize(
    ("number", "year"),
    [("046085001234", 1985), ("046301001234", 2001), ("079199000001", 1999)],
)
def test_cccd_encodes_birth_year(number, year):
    assert cccd_birth_year(number) == year
    validate_cccd(number, datetime.date(year, 5, 1))


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("04608500123", "cccd_format"),
        ("04608500123a", "cccd_format"),
        ("003085001234", "cccd_province"),
        ("046985001234", "cccd_birth_year"),
    ],
)
def test_malformed_cccd_is_refused_in_vietnamese(number, code):
    with pytest.raises(ValidationError) as caught:
        validate_cccd(number)
    assert caught.value.code == code


def test_cccd_must_agree_with_birth_date():
    with pytest.raises(ValidationError, match="1985"):
        validate_cccd("046085001234", datetime.date(1986, 1, 1))


@pytest.mark.parametrize("phone", ["0905123456", "+84905123456", "090 512 3456", "0387.654.321"])
def test_valid_phones(phone):
    validate_phone(phone)


@pytest.mark.parametrize("phone", ["0105123456", "090512345", "84905123456", "09051234567"])
def test_invalid_phones(phone):
    with pytest.raises(ValidationError):
        validate_phone(phone)


@pytest.mark.parametrize("code", ["3300101234", "3300101234-001", "046085001234"])
def test_valid_tax_codes(code):
    validate_tax_code(code)


def test_invalid_tax_code():
    with pytest.raises(ValidationError):
        validate_tax_code("33001012")


def test_bare_province_code_is_the_committee():
    assert canonical_code("h57") == "000.00.00.H57"
    assert canonical_code("000.00.02.H57") == "000.00.02.H57"

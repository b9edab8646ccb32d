"""Validators of Vietnamese identifiers, shared by forms, the API and procedure form definitions."""

from __future__ import annotations

import datetime
import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

# Codes of the province of birth registration that open a CCCD (Circular 07/2016/TT-BCA).
CCCD_PROVINCE_CODES = frozenset(
    f"{code:03d}"
    for code in (
        1,
        2,
        4,
        6,
        8,
        10,
        11,
        12,
        14,
        15,
        17,
        19,
        20,
        22,
        24,
        25,
        26,
        27,
        30,
        31,
        33,
        34,
        35,
        36,
        37,
        38,
        40,
        42,
        44,
        45,
        46,
        48,
        49,
        51,
        52,
        54,
        56,
        58,
        60,
        62,
        64,
        66,
        67,
        68,
        70,
        72,
        74,
        75,
        77,
        79,
        80,
        82,
        83,
        84,
        86,
        87,
        89,
        91,
        92,
        93,
        94,
        95,
        96,
    )
)
_PHONE = re.compile(r"^(?:0|\+84)[35789]\d{8}$")
_TAX_CODE = re.compile(r"^\d{10}(?:-\d{3})?$|^\d{12}$")
_SEPARATORS = re.compile(r"[\s.\-()]")


def cccd_birth_year(number: str) -> int:
    """The birth year a CCCD number encodes in its century-and-gender and two year digits."""
    century = 1900 + (int(number[3]) // 2) * 100
    return century + int(number[4:6])


def validate_cccd(value: str, birth_date: datetime.date | None = None) -> None:
    number = value.strip()
    if not re.fullmatch(r"\d{12}", number):
        raise ValidationError(_("A CCCD number has exactly 12 digits."), code="cccd_format")
    if number[:3] not in CCCD_PROVINCE_CODES:
        raise ValidationError(
            _("The first three digits of a CCCD number must be a province code."),
            code="cccd_province",
        )
    year = cccd_birth_year(number)
    if birth_date is not None and birth_date.year != year:
        raise ValidationError(
            _("This CCCD number belongs to someone born in %(year)s, not in %(given)s.")
            % {"year": year, "given": birth_date.year},
            code="cccd_birth_year",
        )
    if year > datetime.date.today().year:
        raise ValidationError(
            _("The birth year in this CCCD number is in the future."), code="cccd_birth_year"
        )


def normalize_phone(value: str) -> str:
    return _SEPARATORS.sub("", value)


def validate_phone(value: str) -> None:
    if not _PHONE.match(normalize_phone(value)):
        raise ValidationError(
            _(
                "A mobile phone number has 10 digits starting with 03, 05, 07, 08 or 09"
                " (or +84 instead of 0)."
            ),
            code="phone",
        )


def validate_tax_code(value: str) -> None:
    if not _TAX_CODE.match(value.strip()):
        raise ValidationError(
            _("A tax code has 10 digits, or 10 digits, a dash and 3 digits for a branch."),
            code="tax_code",
        )


# Named validators that a procedure's form definition may refer to.
FIELD_VALIDATORS = {
    "cccd": validate_cccd,
    "phone": validate_phone,
    "email": validate_email,
    "tax_code": validate_tax_code,
}

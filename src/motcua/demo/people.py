"""Made-up applicants for the demo's dossiers: plausible Vietnamese names, phones and CCCD
numbers drawn at random, so that no real person is described."""

from __future__ import annotations

import random
from bisect import bisect
from dataclasses import dataclass
from itertools import accumulate

from motcua.demo.lifecycle import pick

# Family names with their rough share of the population (in percent).
FAMILY_NAMES = {
    "Nguyễn": 31,
    "Trần": 11,
    "Lê": 9,
    "Phạm": 7,
    "Hoàng": 4,
    "Huỳnh": 2,
    "Phan": 4,
    "Võ": 3,
    "Vũ": 2,
    "Đặng": 2,
    "Bùi": 2,
    "Đỗ": 1,
    "Hồ": 2,
    "Ngô": 1,
    "Dương": 1,
    "Lý": 1,
    "Trương": 1,
}
MIDDLE_NAMES = {
    "male": ("Văn", "Văn", "Hữu", "Đức", "Minh", "Quang", "Công", "Thanh", "Ngọc", "Xuân"),
    "female": ("Thị", "Thị", "Thị", "Ngọc", "Thu", "Thanh", "Kim", "Hoài", "Diệu", "Bảo"),
}
GIVEN_NAMES = {
    "male": (
        "An",
        "Bảo",
        "Bình",
        "Cường",
        "Dũng",
        "Đạt",
        "Hải",
        "Hiếu",
        "Hòa",
        "Hùng",
        "Huy",
        "Khánh",
        "Khoa",
        "Long",
        "Lộc",
        "Minh",
        "Nam",
        "Nhân",
        "Phong",
        "Phúc",
        "Quân",
        "Sơn",
        "Tài",
        "Thắng",
        "Thành",
        "Thịnh",
        "Toàn",
        "Trung",
        "Tuấn",
        "Việt",
        "Vinh",
        "Vũ",
    ),
    "female": (
        "Anh",
        "Chi",
        "Dung",
        "Giang",
        "Hà",
        "Hạnh",
        "Hằng",
        "Hiền",
        "Hoa",
        "Hương",
        "Lan",
        "Liên",
        "Linh",
        "Loan",
        "Mai",
        "My",
        "Nga",
        "Ngân",
        "Nhung",
        "Oanh",
        "Phương",
        "Quỳnh",
        "Tâm",
        "Thảo",
        "Thủy",
        "Trang",
        "Trinh",
        "Tuyết",
        "Uyên",
        "Vân",
        "Xuân",
        "Yến",
    ),
}
# Mobile prefixes in use in 2020, after the switch from 11 to 10 digits (MobiFone,
# VinaPhone, Viettel).
MOBILE_PREFIXES = (
    "090",
    "093",
    "070",
    "076",
    "077",
    "078",
    "079",
    "089",
    "091",
    "094",
    "081",
    "082",
    "083",
    "084",
    "085",
    "088",
    "096",
    "097",
    "098",
    "032",
    "033",
    "034",
    "035",
    "036",
    "037",
    "038",
    "039",
    "086",
)
HUE_BIRTH_PLACE = "046"  # the CCCD province code of Thừa Thiên Huế
_FAMILIES, _FAMILY_WEIGHTS = list(FAMILY_NAMES), list(accumulate(FAMILY_NAMES.values()))


@dataclass(frozen=True)
class Applicant:
    name: str
    id_number: str
    phone: str


def applicants(count: int, seed: str) -> tuple[Applicant, ...]:
    """The people who file the period's dossiers; many file more than one."""
    rng = random.Random(seed)
    return tuple(applicant(rng) for _ in range(count))


def applicant(rng: random.Random) -> Applicant:
    """A person of 18 to 75 in 2020, born and registered in Thừa Thiên Huế."""
    sex = "male" if rng.random() < 0.5 else "female"
    family = _FAMILIES[bisect(_FAMILY_WEIGHTS, rng.random() * _FAMILY_WEIGHTS[-1])]
    name = f"{family} {pick(rng, MIDDLE_NAMES[sex])} {pick(rng, GIVEN_NAMES[sex])}"
    born = 1945 + int(rng.random() * 58)
    century = (born // 100 - 19) * 2 + (sex == "female")
    serial = int(rng.random() * 10**6)
    id_number = f"{HUE_BIRTH_PLACE}{century}{born % 100:02d}{serial:06d}"
    phone = f"{pick(rng, MOBILE_PREFIXES)}{int(rng.random() * 10**7):07d}"
    return Applicant(name=name, id_number=id_number, phone=phone)

"""How many dossiers the demo province receives: per group of agencies, per agency, per day.

The figures of the seed article (the provincial conference of 30 May 2020 on online public
services) are the inputs; every count the statistics show follows from them and from the few
assumptions below, where the article is silent.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from motcua.demo.province import largest_remainder

# The seed article: "Từ ngày 01/01/2020 đến 26/5/2020 Tổng số hồ sơ yêu cầu giải quyết thủ tục
# hành chính trên địa bàn tỉnh là 232.527 hồ sơ, tổng số hồ sơ tiếp nhận trực tuyến là 20.697
# hồ sơ, chiếm tỉ lệ 8,9%."
FIRST_DAY = datetime.date(2020, 1, 1)
LAST_DAY = datetime.date(2020, 5, 26)
RECEIVED = 232_527
ONLINE = 20_697
# "Tỷ lệ hồ sơ trực tuyến tại Trung tâm Phục vụ hành chính công tỉnh chiếm tỉ lệ 32,05%"
CENTER_ONLINE_RATE = Decimal("32.05")
# "cấp huyện cung cấp tổng cộng 289 dịch vụ công trực tuyến, trong Quý I năm 2020 phát sinh
# 5.963 hồ sơ chiếm tỉ lệ 16,8%"
QUARTER_LAST_DAY = datetime.date(2020, 3, 31)
DISTRICT_Q1_ONLINE = 5_963
DISTRICT_Q1_ONLINE_RATE = Decimal("16.8")

# The demo's assumptions where the article gives no figure.
CENTER_SHARE = Decimal("0.13")  # of all dossiers: those the service center receives
DEPARTMENT_DESK_SHARE = Decimal("0.06")  # those the departments receive at their own desks
COMMUNE_ONLINE_RATE = Decimal("0.2")  # percent: "lượng hồ sơ trực tuyến phát sinh còn quá thấp"
# Nationwide social distancing (Directive 16/CT-TTg) kept people at home: fewer dossiers.
DISTANCING = (datetime.date(2020, 4, 1), datetime.date(2020, 4, 15))
DAY_VOLUME, DISTANCING_VOLUME = 10, 6  # relative volume of a working day

HUNDREDTH = Decimal("0.01")


def percent(part: int, whole: int) -> Decimal:
    """`part` as a percentage of `whole`, to two decimals, as the statistics show it."""
    return (Decimal(part * 100) / whole).quantize(HUNDREDTH, ROUND_HALF_UP)


def total_for_rate(online: int, rate: Decimal) -> int:
    """The number of dossiers, nearest to exact, of which `online` make `rate` percent."""
    guess = round(online * 100 / rate)
    for total in sorted(range(guess - 100, guess + 101), key=lambda n: (abs(n - guess), n)):
        if percent(online, total) == rate.quantize(HUNDREDTH):
            return total
    raise ValueError(f"No total makes {online} dossiers {rate} %")


def online_for_rate(total: int, rate: Decimal) -> int:
    """The number of online dossiers among `total` that makes `rate` percent."""
    online = round(total * rate / 100)
    if percent(online, total) != rate.quantize(HUNDREDTH):
        raise ValueError(f"No share of {total} dossiers is {rate} %")
    return online


def volume(day: datetime.date) -> int:
    """How many dossiers a working day brings, relative to the others."""
    return DISTANCING_VOLUME if DISTANCING[0] <= day <= DISTANCING[1] else DAY_VOLUME


@dataclass(frozen=True)
class Stream:
    """Dossiers a group of agencies receives over some days: how many, how many online."""

    group: str
    days: tuple[datetime.date, ...]
    received: int
    online: int


def streams(working_days: Sequence[datetime.date]) -> list[Stream]:
    """The article's period split by group of agencies, each with its dossiers and online ones.

    `working_days` are those of the period. The district tier's later months receive as many
    dossiers per working day as its first quarter, with the same online share.
    """
    quarter = tuple(d for d in working_days if d <= QUARTER_LAST_DAY)
    later = tuple(d for d in working_days if d > QUARTER_LAST_DAY)
    everyday = tuple(working_days)
    center = round(RECEIVED * CENTER_SHARE)
    center_online = online_for_rate(center, CENTER_ONLINE_RATE)
    district_q1 = total_for_rate(DISTRICT_Q1_ONLINE, DISTRICT_Q1_ONLINE_RATE)
    district_later = round(district_q1 * sum(map(volume, later)) / sum(map(volume, quarter)))
    district_later_online = round(district_later * DISTRICT_Q1_ONLINE_RATE / 100)
    departments = round(RECEIVED * DEPARTMENT_DESK_SHARE)
    communes = RECEIVED - center - departments - district_q1 - district_later
    commune_online = round(communes * COMMUNE_ONLINE_RATE / 100)
    department_online = (
        ONLINE - center_online - DISTRICT_Q1_ONLINE - district_later_online - commune_online
    )
    if not 0 <= department_online <= departments:
        raise ValueError(f"{department_online} online dossiers left for the departments")
    return [
        Stream("center", everyday, center, center_online),
        Stream("department", everyday, departments, department_online),
        Stream("district", quarter, district_q1, DISTRICT_Q1_ONLINE),
        Stream("district", later, district_later, district_later_online),
        Stream("commune", everyday, communes, commune_online),
    ]


def split(total: int, weights: Sequence[int]) -> list[int]:
    """`total` shared in proportion to `weights`; nothing for a weight of 0."""
    if total and not any(weights):
        raise ValueError(f"{total} dossiers for no one")
    return largest_remainder(list(weights), total) if total else [0] * len(weights)


def per_day(total: int, days: Sequence[datetime.date]) -> list[int]:
    """`total` dossiers spread over `days` by each day's volume."""
    return split(total, [volume(day) for day in days])

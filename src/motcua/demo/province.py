"""The demo province: Thừa Thiên Huế (H57) as the 2020 article describes it.

Its catalog reproduces the article's figures exactly: 2,132 procedures of which 1,425 are
online services of level 3 or 4 (departments 506 and 527, districts 179 and 112, communes 31
and 70), and the online share of each department the article names. Everything here is
deterministic: the same call builds the same province, to the last fee.
"""

from __future__ import annotations

import base64
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django_otp.plugins.otp_totp.models import TOTPDevice

from motcua.accounts.models import AccountKind, Role, User
from motcua.accounts.two_factor import AUTHENTICATOR, needs_second_factor
from motcua.agencies.models import Agency, Kind, Tier
from motcua.catalog.importexport import Located, ProcedureRecord
from motcua.demo.results import FORMS as RESULT_FORMS

DATA_DIR = Path(__file__).resolve().parent / "data"
PROVINCE_CODE = "000.00.00.H57"
PROVINCE_NAME = "Ủy ban nhân dân tỉnh Thừa Thiên Huế"
OFFICE_HOURS = "Thứ Hai – thứ Sáu, 7:00–11:30 và 13:30–17:00"
SERVICE_CENTER_NAME = "Trung tâm Phục vụ hành chính công tỉnh Thừa Thiên Huế"
SERVICE_CENTER_CODE = "000.00.01.H57"


@dataclass(frozen=True)
class Target:
    """How many procedures a group has, and how many of them are online at level 3 and 4."""

    total: int
    level3: int
    level4: int


# Per department: (total procedures, online services). The first five are the article's.
DEPARTMENT_ONLINE: dict[str, tuple[int, int]] = {
    "Sở Giáo dục và Đào tạo": (60, 60),  # 100 %
    "Sở Thông tin và Truyền thông": (50, 42),  # 84 %
    "Sở Y tế": (160, 120),  # 75 %
    "Sở Kế hoạch và Đầu tư": (150, 108),  # 72 %
    "Sở Tài nguyên và Môi trường": (105, 63),  # 60 %
    "Sở Tư pháp": (150, 90),
    "Sở Công Thương": (140, 95),
    "Sở Xây dựng": (60, 35),
    "Sở Giao thông vận tải": (110, 75),
    "Sở Lao động - Thương binh và Xã hội": (90, 50),
    "Sở Nội vụ": (80, 40),
    "Sở Tài chính": (40, 22),
    "Sở Nông nghiệp và Phát triển nông thôn": (130, 80),
    "Sở Văn hóa và Thể thao": (80, 45),
    "Sở Du lịch": (40, 25),
    "Sở Khoa học và Công nghệ": (60, 40),
    "Ban Quản lý Khu kinh tế, công nghiệp tỉnh": (45, 28),
    "Ban Dân tộc": (5, 2),
    "Thanh tra tỉnh": (10, 3),
    "Sở Ngoại vụ": (15, 10),
}
DEPARTMENT_LEVELS = (506, 527)
DISTRICT_TARGET = Target(total=400, level3=179, level4=112)
COMMUNE_TARGET = Target(total=152, level3=31, level4=70)

# Procedures citizens look for most, with what they really ask for.
WELL_KNOWN: dict[str, dict[str, Any]] = {
    "Đăng ký khai sinh": {
        "level": 4,
        "processing_days": 0,
        "processing_note": "Trong ngày làm việc; nếu nhận hồ sơ sau 15 giờ thì trả kết quả "
        "trong ngày làm việc tiếp theo.",
        "result_type": "Giấy khai sinh (bản chính)",
        "legal_basis": "Luật Hộ tịch số 60/2014/QH13; Nghị định số 123/2015/NĐ-CP.",
        "documents": [
            ("Tờ khai đăng ký khai sinh theo mẫu", 1, 0, True),
            ("Giấy chứng sinh hoặc văn bản của người làm chứng xác nhận về việc sinh", 1, 0, True),
            ("Giấy tờ tùy thân của người đi đăng ký khai sinh", 0, 1, True),
        ],
        "fees": [("fee", "Lệ phí đăng ký khai sinh đúng hạn", 0)],
    },
    "Đăng ký kết hôn": {
        "level": 4,
        "processing_days": 0,
        "processing_note": "Ngay trong ngày nhận hồ sơ; trường hợp cần xác minh thì không quá "
        "05 ngày làm việc.",
        "result_type": "Giấy chứng nhận kết hôn",
        "legal_basis": "Luật Hôn nhân và gia đình số 52/2014/QH13; Luật Hộ tịch số "
        "60/2014/QH13; Nghị định số 123/2015/NĐ-CP.",
        "requirements": "Nam từ đủ 20 tuổi, nữ từ đủ 18 tuổi; việc kết hôn do nam và nữ tự "
        "nguyện quyết định; hai bên có mặt khi đăng ký kết hôn.",
        "documents": [
            ("Tờ khai đăng ký kết hôn theo mẫu", 1, 0, True),
            (
                "Giấy xác nhận tình trạng hôn nhân (nếu đăng ký tại nơi không thường trú)",
                1,
                0,
                False,
            ),
            ("Giấy tờ tùy thân của hai bên nam, nữ", 0, 1, True),
        ],
        "fees": [("fee", "Lệ phí đăng ký kết hôn trong nước", 0)],
        "form_fields": [
            {
                "name": "ho_ten_chong",
                "label": "Họ và tên bên nam",
                "type": "text",
                "required": True,
            },
            {
                "name": "cccd_chong",
                "label": "Số CCCD bên nam",
                "type": "text",
                "required": True,
                "validator": "cccd",
            },
            {
                "name": "ngay_sinh_chong",
                "label": "Ngày sinh bên nam",
                "type": "date",
                "required": True,
            },
            {"name": "ho_ten_vo", "label": "Họ và tên bên nữ", "type": "text", "required": True},
            {
                "name": "cccd_vo",
                "label": "Số CCCD bên nữ",
                "type": "text",
                "required": True,
                "validator": "cccd",
            },
            {"name": "ngay_sinh_vo", "label": "Ngày sinh bên nữ", "type": "date", "required": True},
            {
                "name": "dien_thoai",
                "label": "Số điện thoại liên hệ",
                "type": "text",
                "required": True,
                "validator": "phone",
                "profile": "phone",
            },
            {
                "name": "so_ban_sao",
                "label": "Số bản sao Giấy chứng nhận kết hôn",
                "type": "integer",
                "required": False,
                "internal": True,
            },
        ],
    },
    "Đăng ký khai tử": {
        "level": 4,
        "processing_days": 0,
        "result_type": "Trích lục khai tử",
        "legal_basis": "Luật Hộ tịch số 60/2014/QH13; Nghị định số 123/2015/NĐ-CP.",
        "documents": [
            ("Tờ khai đăng ký khai tử theo mẫu", 1, 0, True),
            ("Giấy báo tử hoặc giấy tờ thay thế Giấy báo tử", 1, 0, True),
        ],
        "fees": [("fee", "Lệ phí đăng ký khai tử đúng hạn", 0)],
    },
    "Cấp bản sao trích lục hộ tịch": {
        "level": 4,
        "processing_days": 0,
        "result_type": "Bản sao trích lục hộ tịch",
        "fees": [("charge", "Phí cấp bản sao trích lục hộ tịch (mỗi bản)", 8000, "so_ban")],
        "form_fields": [
            {"name": "so_ban", "label": "Số bản sao cần cấp", "type": "integer", "required": True},
        ],
    },
}

FEE_AMOUNTS = (0, 0, 0, 0, 20000, 50000, 100000, 150000, 200000, 500000, 1000000)
PROCESSING_DAYS = (1, 3, 5, 7, 10, 12, 15, 20, 30)
RESULTS = ("Giấy chứng nhận", "Giấy phép", "Quyết định", "Văn bản chấp thuận", "Giấy xác nhận")
# The applicant's own fields say which profile attribute fills them; the marriage form's
# spouses take none, since the applicant may be either of them (or neither).
BASE_FORM = [
    {
        "name": "ho_ten",
        "label": "Họ và tên người nộp hồ sơ",
        "type": "text",
        "required": True,
        "profile": "full_name",
    },
    {
        "name": "so_cccd",
        "label": "Số CCCD",
        "type": "text",
        "required": True,
        "validator": "cccd",
        "profile": "id_number",
    },
    {
        "name": "dien_thoai",
        "label": "Số điện thoại",
        "type": "text",
        "required": True,
        "validator": "phone",
        "profile": "phone",
    },
    {
        "name": "dia_chi",
        "label": "Địa chỉ liên hệ",
        "type": "text",
        "required": True,
        "profile": "address",
    },
    {"name": "noi_dung", "label": "Nội dung đề nghị", "type": "textarea", "required": False},
]


def read_data(name: str) -> Any:
    return json.loads((DATA_DIR / name).read_text(encoding="utf-8"))


def departments() -> list[dict[str, Any]]:
    return read_data("departments_1.json") + read_data("departments_2.json")


def districts() -> list[dict[str, Any]]:
    return read_data("districts.json")


# ---------------------------------------------------------------- agencies


def build_agencies() -> dict[str, list[Agency]]:
    """Create the agency tree; answer the agencies of each group that carries out procedures."""
    province = Agency.objects.create(
        code=PROVINCE_CODE,
        name=PROVINCE_NAME,
        short_name="UBND tỉnh",
        tier=Tier.PROVINCE,
        kind=Kind.PEOPLES_COMMITTEE,
        address="16 Lê Lợi, thành phố Huế",
        **_contact(1),
    )
    Agency.objects.create(
        code=SERVICE_CENTER_CODE,
        name=SERVICE_CENTER_NAME,
        short_name="Trung tâm PVHCC",
        tier=Tier.DEPARTMENT,
        kind=Kind.SERVICE_CENTER,
        parent=province,
        has_one_stop_desk=True,
        address="01 Lê Lai, thành phố Huế",
        opening_hours=f"{OFFICE_HOURS}; sáng thứ Bảy 7:30–11:30",
        phone="0234 3822 345",
    )
    groups: dict[str, list[Agency]] = {"district": [], "commune": []}
    for number, department in enumerate(departments(), start=2):
        groups[department["name"]] = [
            Agency.objects.create(
                code=f"000.00.{number:02d}.H57",
                name=department["name"],
                short_name=department["short_name"],
                tier=Tier.DEPARTMENT,
                kind=Kind.DEPARTMENT,
                parent=province,
                has_one_stop_desk=True,
                address=f"{department['short_name']}, thành phố Huế",
                **_contact(number),
            )
        ]
    for number, district in enumerate(districts(), start=31):
        unit = Agency.objects.create(
            code=f"000.00.{number:02d}.H57",
            name=f"Ủy ban nhân dân {district['name'][0].lower()}{district['name'][1:]}",
            short_name=district["short_name"],
            tier=Tier.DISTRICT,
            kind=district["kind"],
            parent=province,
            has_one_stop_desk=True,
            address=f"Trụ sở Ủy ban nhân dân {district['name'][0].lower()}{district['name'][1:]}",
            **_contact(number),
        )
        groups["district"].append(unit)
        for index, commune in enumerate(district["communes"], start=1):
            groups["commune"].append(
                Agency.objects.create(
                    code=f"000.{index:02d}.{number:02d}.H57",
                    name=f"Ủy ban nhân dân {commune['name'][0].lower()}{commune['name'][1:]}",
                    short_name=commune["name"],
                    tier=Tier.COMMUNE,
                    kind=commune["kind"],
                    parent=unit,
                    has_one_stop_desk=True,
                    address=f"Trụ sở Ủy ban nhân dân {commune['name'][0].lower()}"
                    f"{commune['name'][1:]}, {district['name'][0].lower()}{district['name'][1:]}",
                    **_contact(number, index),
                )
            )
    return groups


def _contact(number: int, index: int = 0) -> dict[str, str]:
    """Made-up opening hours and phone number of an agency's desk (the demo's only)."""
    return {
        "opening_hours": OFFICE_HOURS,
        "phone": f"0234 38{number:02d} {100 + index:03d}",
    }


# ---------------------------------------------------------------- levels


def spread(count: int, among: int) -> list[int]:
    """`count` positions spread evenly over `among`, the first one included."""
    return [math.floor(i * among / count) for i in range(count)] if count else []


def largest_remainder(weights: list[int], total: int) -> list[int]:
    """Split `total` in proportion to `weights` into whole numbers that add up exactly."""
    whole = sum(weights)
    shares = [w * total / whole for w in weights]
    floors = [math.floor(s) for s in shares]
    by_remainder = sorted(range(len(weights)), key=lambda i: (floors[i] - shares[i], i))
    for i in by_remainder[: total - sum(floors)]:
        floors[i] += 1
    return floors


def department_targets() -> dict[str, Target]:
    names = list(DEPARTMENT_ONLINE)
    online = [DEPARTMENT_ONLINE[name][1] for name in names]
    level4 = largest_remainder(online, DEPARTMENT_LEVELS[1])
    return {
        name: Target(total=DEPARTMENT_ONLINE[name][0], level3=o - l4, level4=l4)
        for name, o, l4 in zip(names, online, level4, strict=True)
    }


def assign_levels(names: list[str], target: Target) -> list[int]:
    """A level for each name: well-known procedures keep theirs, the rest meet `target`."""
    levels = [WELL_KNOWN.get(name, {}).get("level", 0) for name in names]
    free = [i for i, level in enumerate(levels) if level == 0]
    level4 = target.level4 - levels.count(4)
    level3 = target.level3 - levels.count(3)
    online = [free[i] for i in spread(level3 + level4, len(free))]
    online_level4 = {online[i] for i in spread(level4, len(online))}
    online_level3 = set(online) - online_level4
    offline_rank = 0
    for position in free:
        if position in online_level4:
            levels[position] = 4
        elif position in online_level3:
            levels[position] = 3
        else:
            levels[position] = 1 if offline_rank % 3 == 2 else 2
            offline_rank += 1
    return levels


def pick(sectors: list[dict[str, Any]], count: int) -> list[tuple[str, str]]:
    """`count` (sector, name) pairs taken in turn from each sector, listed sector by sector."""
    available = sum(len(sector["procedures"]) for sector in sectors)
    if available < count:
        raise ValueError(f"{count} procedures wanted, only {available} named")
    chosen: set[tuple[int, int]] = set()
    depth = 0
    while len(chosen) < count:
        for s, sector in enumerate(sectors):
            if depth < len(sector["procedures"]) and len(chosen) < count:
                chosen.add((s, depth))
        depth += 1
    return [
        (sector["name"], name)
        for s, sector in enumerate(sectors)
        for d, name in enumerate(sector["procedures"])
        if (s, d) in chosen
    ]


# ---------------------------------------------------------------- procedures


def build_records(groups: dict[str, list[str]]) -> list[ProcedureRecord]:
    """The catalog as import records; `groups` maps each group to its agencies' codes."""
    plan: list[tuple[str, str, list[dict[str, Any]], Target]] = []
    targets = department_targets()
    for department in departments():
        name = department["name"]
        plan.append((name, Tier.DEPARTMENT, department["sectors"], targets[name]))
    local = read_data("local_procedures.json")
    plan.append(("district", Tier.DISTRICT, local["district"], DISTRICT_TARGET))
    plan.append(("commune", Tier.COMMUNE, local["commune"], COMMUNE_TARGET))
    records: list[ProcedureRecord] = []
    taken: set[str] = set()
    for group, tier, sectors, target in plan:
        # A name met at an earlier tier is left out: every name in the demo is unique.
        sectors = [
            {
                "name": sector["name"],
                "procedures": [n for n in sector["procedures"] if n not in taken],
            }
            for sector in sectors
        ]
        pairs = pick(sectors, target.total)
        taken.update(name for _sector, name in pairs)
        levels = assign_levels([name for _sector, name in pairs], target)
        for (sector, name), level in zip(pairs, levels, strict=True):
            number = len(records)
            # The Service Center receives every department's procedures, beside its own desk.
            points = [SERVICE_CENTER_CODE, *groups[group]] if tier == Tier.DEPARTMENT else []
            records.append(_record(number, name, sector, tier, groups[group], level, points))
    return records


def _record(
    number: int,
    name: str,
    sector: str,
    tier: str,
    agencies: list[str],
    level: int,
    receiving_points: list[str],
) -> ProcedureRecord:
    known = WELL_KNOWN.get(name, {})
    data = {
        "code": f"1.{100001 + number:06d}",
        "name": name,
        "sector": sector,
        "tiers": [tier],
        "agencies": agencies,
        "receiving_points": receiving_points,
        "level": level,
        "processing_days": known.get("processing_days", PROCESSING_DAYS[number % 9]),
        "processing_note": known.get("processing_note", ""),
        "requirements": known.get("requirements", ""),
        "result_type": known.get("result_type", RESULTS[number % len(RESULTS)]),
        "legal_basis": known.get("legal_basis", ""),
        "form_fields": known.get("form_fields")
        or RESULT_FORMS.get(name, BASE_FORM if level >= 3 else []),
        "published": True,
    }
    where = f"demo {data['code']}"
    documents = known.get(
        "documents",
        [
            ("Đơn đề nghị theo mẫu", 1, 0, True),
            ("Giấy tờ tùy thân của người nộp hồ sơ", 0, 1, True),
            ("Giấy tờ chứng minh điều kiện theo quy định", 0, 1, number % 2 == 0),
        ],
    )
    amount = FEE_AMOUNTS[number % len(FEE_AMOUNTS)]
    fees = known.get(
        "fees", [("fee", f"Lệ phí {name[0].lower()}{name[1:]}", amount)] if amount else []
    )
    return ProcedureRecord(
        where=where,
        data=data,
        documents=[
            Located(where, {"name": n, "originals": o, "copies": c, "mandatory": m})
            for n, o, c, m in documents
        ],
        fees=[
            Located(
                where,
                {
                    "kind": f[0],
                    "description": f[1],
                    "amount": f[2],
                    "per_field": f[3] if len(f) > 3 else "",
                },
            )
            for f in fees
        ],
    )


# ---------------------------------------------------------------- accounts

DEMO_PASSWORD = "demo-motcua-2020"
# Every demo official's authenticator holds this published secret (in the demo only), so that
# anyone trying the demo can add it to an authenticator app or ask `manage.py demo_code`.
DEMO_TOTP_SECRET = base64.b32encode(b"motcua-demo-2020-2fa").decode()


@dataclass(frozen=True)
class DemoAccount:
    username: str
    full_name: str
    kind: str
    role: str = ""
    agency: str = ""  # a group of build_agencies(), or "province" / "center"
    superuser: bool = False


DEMO_ACCOUNTS = (
    DemoAccount("congdan", "Nguyễn Văn An", AccountKind.CITIZEN),
    DemoAccount("doanhnghiep", "Công ty TNHH Hương Giang Xanh", AccountKind.BUSINESS),
    DemoAccount(
        "motcua.trungtam", "Trần Thị Bình", AccountKind.OFFICIAL, Role.DESK_OFFICER, "center"
    ),
    DemoAccount("motcua.xa", "Lê Văn Cường", AccountKind.OFFICIAL, Role.DESK_OFFICER, "commune"),
    DemoAccount(
        "chuyenvien.tuphap", "Phạm Thị Dung", AccountKind.OFFICIAL, Role.SPECIALIST, "Sở Tư pháp"
    ),
    DemoAccount("chuyenvien.xa", "Hoàng Văn Em", AccountKind.OFFICIAL, Role.SPECIALIST, "commune"),
    DemoAccount(
        "truongphong.tuphap",
        "Võ Thị Giang",
        AccountKind.OFFICIAL,
        Role.HEAD_OF_DIVISION,
        "Sở Tư pháp",
    ),
    DemoAccount("lanhdao.tuphap", "Đặng Văn Hải", AccountKind.OFFICIAL, Role.LEADER, "Sở Tư pháp"),
    DemoAccount("lanhdao.xa", "Bùi Thị Hoa", AccountKind.OFFICIAL, Role.LEADER, "commune"),
    DemoAccount(
        "quantri.tuphap", "Ngô Văn Khoa", AccountKind.OFFICIAL, Role.AGENCY_ADMIN, "Sở Tư pháp"
    ),
    DemoAccount("giamsat", "Đỗ Thị Lan", AccountKind.OFFICIAL, Role.SUPERVISOR, "province"),
    DemoAccount(
        "quantri", "Quản trị hệ thống", AccountKind.OFFICIAL, "", "province", superuser=True
    ),
)


def demo_authenticator(user: User) -> TOTPDevice:
    """The demo official's confirmed authenticator, holding DEMO_TOTP_SECRET."""
    key = base64.b32decode(DEMO_TOTP_SECRET).hex()
    return TOTPDevice.objects.create(user=user, name=AUTHENTICATOR, key=key, confirmed=True)


def holds_demo_secret(usernames) -> bool:
    """Whether any of these accounts has the demo authenticator (only a loaded demo does)."""
    key = base64.b32decode(DEMO_TOTP_SECRET).hex()
    return TOTPDevice.objects.filter(user__username__in=usernames, key=key).exists()


def build_accounts(groups: dict[str, list[Agency]]) -> list[User]:
    """One account for each role, all with DEMO_PASSWORD; they exist only in the demo."""
    places = {
        **{group: agencies[0] for group, agencies in groups.items()},
        "province": Agency.objects.by_code(PROVINCE_CODE),
        "center": Agency.objects.get(kind=Kind.SERVICE_CENTER),
    }
    users = []
    for account in DEMO_ACCOUNTS:
        user = User(
            username=account.username,
            full_name=account.full_name,
            kind=account.kind,
            role=account.role,
            agency=places.get(account.agency),
            email=f"{account.username}@demo.motcua.vn",
            is_staff=account.superuser,
            is_superuser=account.superuser,
        )
        user.set_password(DEMO_PASSWORD)
        user.save()
        if needs_second_factor(user):
            demo_authenticator(user)
        users.append(user)
    return users

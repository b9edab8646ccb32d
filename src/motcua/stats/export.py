"""The periodic report as an Excel workbook, and the dossiers behind it as CSV.

Both are files in the layout provincial offices send upward, so their headings are fixed
Vietnamese words (like the catalog's spreadsheet), numbers are numbers and rates are
percentages (8.9 means 8.9 %).
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import Q
from django.utils import translation
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from motcua.agencies.models import Agency, Tier
from motcua.dossiers.models import Channel, Satisfaction, Status
from motcua.stats import indicators
from motcua.stats.models import DossierFact, Outcome

TITLE = "BÁO CÁO TÌNH HÌNH TIẾP NHẬN, GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH"
HEADING_ROW = 4  # title, scope and period above; the data below
YES, NO = "Có", "Không"


@dataclass(frozen=True)
class Column:
    heading: str
    value: object  # a key of the row, or a function of it
    width: int = 14


def _cell(row: dict, value) -> object:
    return value(row) if callable(value) else row.get(value)


def _figure(part: str, key: str):
    return lambda row: row[part][key]


def _dossiers(key: str):
    return _figure("dossiers", key)


def _procedures(key: str):
    return _figure("procedures", key)


def _target(key: str):
    return lambda row: (row["target"] or {}).get(key)


def _tiers(row: dict) -> str:
    names = _labels(Tier)
    return ", ".join(names.get(tier, tier) for tier in row["tiers"])


def _labels(choices) -> dict[str, str]:
    """The Vietnamese name of each value of `choices`, whatever the request's language."""
    with translation.override("vi"):
        return {value: str(label) for value, label in choices.choices}


def _numbered(rows: list[dict]) -> list[dict]:
    return [{**row, "number": n} for n, row in enumerate(rows, start=1)]


SUMMARY_COLUMNS = [Column("Chỉ tiêu", "label", 60), Column("Giá trị", "value", 16)]
PROGRESS = [
    Column("STT", "number", 6),
    Column("Mã đơn vị", "code", 16),
    Column("Đơn vị", "name", 48),
    Column("Kỳ trước chuyển qua", _dossiers("carried_over")),
    Column("Tiếp nhận trực tuyến", _dossiers("online")),
    Column("Tiếp nhận trực tiếp", _dossiers("desk")),
    Column("Tiếp nhận qua dịch vụ bưu chính", _dossiers("post")),
    Column("Tổng số phải giải quyết", _dossiers("to_process")),
    Column("Đã giải quyết trước hạn", _dossiers("early")),
    Column("Đã giải quyết đúng hạn", _dossiers("on_time")),
    Column("Đã giải quyết quá hạn", _dossiers("late")),
    Column("Đang giải quyết trong hạn", _dossiers("pending_within_time")),
    Column("Đang giải quyết quá hạn", _dossiers("pending_overdue")),
    Column("Chờ bổ sung", _dossiers("in_supplement")),
    Column("Chờ nộp phí, lệ phí", _dossiers("fees_requested")),
    Column("Tạm dừng", _dossiers("paused")),
    Column("Dừng xử lý", _dossiers("stopped")),
    Column("Không tiếp nhận", _dossiers("not_accepted")),
    Column("Rút hồ sơ", _dossiers("withdrawn")),
    Column("Tỷ lệ trễ hạn (%)", _dossiers("late_rate")),
]
UNITS = [
    Column("STT", "number", 6),
    Column("Mã đơn vị", "code", 16),
    Column("Đơn vị", "name", 48),
    Column("Tổng số TTHC", _procedures("total")),
    Column("DVCTT mức độ 3", _procedures("online_level3")),
    Column("DVCTT mức độ 4", _procedures("online_level4")),
    Column("Tỷ lệ DVCTT (%)", _procedures("online_share")),
    Column("Hồ sơ tiếp nhận", _dossiers("received")),
    Column("Hồ sơ trực tuyến", _dossiers("online")),
    Column("Tỷ lệ hồ sơ trực tuyến (%)", _dossiers("online_rate")),
    Column("Chỉ tiêu (%)", _target("online_rate")),
    Column("Còn thiếu so với chỉ tiêu (điểm %)", _target("gap")),
    Column("Tỷ lệ đúng hạn (%)", _dossiers("on_time_rate")),
    Column("Tỷ lệ thanh toán trực tuyến (%)", _dossiers("online_payment_rate")),
    Column("Tỷ lệ hài lòng (%)", _dossiers("satisfaction_rate")),
]
TIERS = [
    Column("Cấp", "name", 24),
    Column("Tổng số TTHC", _procedures("total")),
    Column("DVCTT mức độ 3", _procedures("online_level3")),
    Column("DVCTT mức độ 4", _procedures("online_level4")),
    Column("Toàn trình", _procedures("online_full")),
    Column("Một phần", _procedures("online_partial")),
    Column("Tỷ lệ DVCTT (%)", _procedures("online_share")),
    Column("Hồ sơ tiếp nhận", _dossiers("received")),
    Column("Hồ sơ trực tuyến", _dossiers("online")),
    Column("Tỷ lệ hồ sơ trực tuyến (%)", _dossiers("online_rate")),
    Column("Tỷ lệ đúng hạn (%)", _dossiers("on_time_rate")),
    Column("Tỷ lệ trễ hạn (%)", _dossiers("late_rate")),
]
UNUSED = [
    Column("STT", "number", 6),
    Column("Mã thủ tục", "code", 16),
    Column("Tên thủ tục", "name", 70),
    Column("Mức độ", "level", 8),
    Column("Cấp thực hiện", _tiers, 20),
]
LEAST_USED = [*UNUSED, Column("Hồ sơ tiếp nhận", "received"), Column("Trực tuyến", "online")]
SIMPLIFICATION = [
    *UNUSED[:4],
    Column("Phí, lệ phí (đồng)", "fee"),
    Column("Hồ sơ tiếp nhận", "received"),
    Column("Lần yêu cầu bổ sung", "supplement_requests"),
    Column("Từ chối, dừng xử lý", "refused"),
    Column("Giải quyết quá hạn", "late"),
    Column("Tỷ lệ quá hạn (%)", "late_rate"),
    Column("Đánh giá không hài lòng", "dissatisfied"),
    Column("Số ngày giải quyết bình quân", "average_days"),
]
SCORECARD = [
    Column("Nhóm tiêu chí", "group_label", 30),
    Column("Chỉ số", "label", 70),
    Column("Tỷ lệ (%)", "rate"),
    Column("Số hồ sơ, thủ tục đạt", "count"),
    Column("Trên tổng số", "of"),
    Column("Mức đạt điểm tối đa (%)", "full_marks_at"),
]
NOT_COMPUTED = [
    Column("Nhóm tiêu chí", "group_label", 30),
    Column("Chỉ số chưa tính được", "label", 50),
    Column("Lý do", "reason", 80),
]


def report_workbook(start: datetime.date, end: datetime.date, agency: Agency | None) -> bytes:
    """The report for [start, end] and `agency`'s subtree (None: the province), one sheet
    per table, in Vietnamese whatever the request's language."""
    with translation.override("vi"):
        data = indicators.summary(start, end, agency, detail=True)
    scope = agency.name if agency else "Toàn tỉnh"
    subtitle = f"{scope} — từ ngày {start:%d/%m/%Y} đến ngày {end:%d/%m/%Y}"
    total = {"name": "Tổng cộng", "dossiers": data["dossiers"], "procedures": data["procedures"]}
    groups = {g["key"]: g["label"] for g in data["scorecard"]["groups"]}
    book = Workbook()
    book.remove(book.active)
    sheets = [
        ("Tiến độ giải quyết", PROGRESS, [*_numbered(data["by_agency"]), total]),
        ("Tổng hợp", SUMMARY_COLUMNS, summary_rows(data)),
        ("Theo cấp", TIERS, data["by_tier"]),
        (
            "Theo đơn vị",
            UNITS,
            [*_numbered(data["by_agency"]), {**total, "target": data["target"]}],
        ),
        ("DVCTT không phát sinh hồ sơ", UNUSED, _numbered(data["unused_services"]["items"])),
        ("DVCTT ít được sử dụng", LEAST_USED, _numbered(data["least_used"])),
        ("Đề xuất đơn giản hóa", SIMPLIFICATION, _numbered(data["simplification"])),
        ("Bộ chỉ số 766", SCORECARD, _grouped(data["scorecard"]["parts"], groups)),
        ("766 chưa tính được", NOT_COMPUTED, _grouped(data["scorecard"]["not_computed"], groups)),
    ]
    for name, columns, rows in sheets:
        _write_sheet(book.create_sheet(name), subtitle, columns, rows)
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def summary_rows(data: dict) -> list[dict]:
    """The headline figures, one per line."""
    procedures, dossiers, target = data["procedures"], data["dossiers"], data["target"] or {}
    lines = [
        ("Tổng số thủ tục hành chính", procedures["total"]),
        ("Dịch vụ công trực tuyến mức độ 3", procedures["online_level3"]),
        ("Dịch vụ công trực tuyến mức độ 4", procedures["online_level4"]),
        ("Tỷ lệ dịch vụ công trực tuyến mức độ 3, 4 (%)", procedures["online_share"]),
        ("Hồ sơ kỳ trước chuyển qua", dossiers["carried_over"]),
        ("Hồ sơ tiếp nhận trong kỳ", dossiers["received"]),
        ("Hồ sơ tiếp nhận trực tuyến", dossiers["online"]),
        ("Tỷ lệ hồ sơ trực tuyến (%)", dossiers["online_rate"]),
        ("Chỉ tiêu hồ sơ trực tuyến (%)", target.get("online_rate")),
        ("Còn thiếu so với chỉ tiêu (điểm %)", target.get("gap")),
        ("Hồ sơ đã giải quyết", dossiers["finished"]),
        ("Tỷ lệ giải quyết đúng hạn (%)", dossiers["on_time_rate"]),
        ("Hồ sơ đang giải quyết", dossiers["pending"]),
        ("Tỷ lệ trễ hạn (%)", dossiers["late_rate"]),
        ("Hồ sơ có phí, lệ phí", dossiers["with_fee"]),
        ("Hồ sơ thanh toán trực tuyến", dossiers["paid_online"]),
        ("Tỷ lệ thanh toán trực tuyến (%)", dossiers["online_payment_rate"]),
        ("Lượt đánh giá", dossiers["ratings"]),
        ("Tỷ lệ hài lòng (%)", dossiers["satisfaction_rate"]),
        ("DVCTT không phát sinh hồ sơ", data["unused_services"]["count"]),
    ]
    return [{"label": label, "value": value} for label, value in lines]


def _grouped(rows: list[dict], groups: dict[str, str]) -> list[dict]:
    return [{**row, "group_label": groups.get(row["group"], "")} for row in rows]


def _write_sheet(sheet, subtitle: str, columns: list[Column], rows: list[dict]) -> None:
    sheet.append([TITLE])
    sheet.append([subtitle])
    sheet.append([])
    sheet.append([c.heading for c in columns])
    for cell in sheet[HEADING_ROW]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    sheet["A1"].font = Font(bold=True, size=13)
    for row in rows:
        sheet.append([_cell(row, c.value) for c in columns])
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = sheet.cell(row=HEADING_ROW + 1, column=1)


# ---------------------------------------------------------------- the dossiers behind it

CSV_HEADINGS = [
    "Mã hồ sơ",
    "Mã thủ tục",
    "Tên thủ tục",
    "Mã cơ quan",
    "Cơ quan tiếp nhận",
    "Kênh nộp",
    "Trạng thái",
    "Ngày tiếp nhận",
    "Ngày hẹn trả",
    "Ngày kết thúc xử lý",
    "Kết quả xử lý",
    "Số lần yêu cầu bổ sung",
    "Phí, lệ phí (đồng)",
    "Đã thanh toán trực tuyến",
    "Đánh giá",
]
CSV_FIELDS = (
    "dossier__code",
    "procedure__code",
    "procedure__name",
    "agency__code",
    "agency__name",
    "channel",
    "dossier__status",
    "received",
    "due",
    "closed",
    "outcome",
    "supplements",
    "dossier__fee_amount",
    "paid",
    "rating",
)


def dossier_rows(start: datetime.date, end: datetime.date, agency: Agency | None):
    """The dossiers the report counts: in the work at some point of [start, end]."""
    facts = DossierFact.objects.using(indicators.reports_database()).filter(
        Q(closed__isnull=True) | Q(closed__gte=start), received__lte=end
    )
    if agency is not None:
        facts = facts.filter(agency__path__startswith=agency.path)
    return facts.order_by("received", "dossier_id").values_list(*CSV_FIELDS)


def _csv_line(values: list) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow(values)
    return buffer.getvalue()


def dossier_csv(start: datetime.date, end: datetime.date, agency: Agency | None) -> Iterator[str]:
    """Lines of CSV (with a byte-order mark, for spreadsheet programs), streamed."""
    channels, statuses, outcomes = _labels(Channel), _labels(Status), _labels(Outcome)
    ratings = _labels(Satisfaction)
    yield "\ufeff" + _csv_line(CSV_HEADINGS)
    for values in dossier_rows(start, end, agency).iterator(chunk_size=2000):
        row = dict(zip(CSV_FIELDS, values, strict=True))
        yield _csv_line(
            [
                row["dossier__code"],
                row["procedure__code"],
                row["procedure__name"],
                row["agency__code"],
                row["agency__name"],
                channels.get(row["channel"], ""),
                statuses.get(row["dossier__status"], ""),
                row["received"].isoformat(),
                row["due"].isoformat() if row["due"] else "",
                row["closed"].isoformat() if row["closed"] else "",
                outcomes.get(row["outcome"], ""),
                row["supplements"],
                row["dossier__fee_amount"],
                YES if row["paid"] else NO,
                ratings.get(row["rating"], ""),
            ]
        )

"""The periodic report as an Excel workbook and the dossiers behind it as CSV."""

import csv
import datetime
import io

import pytest
from django.utils import translation
from openpyxl import load_workbook
from rest_framework.test import APIClient

from motcua.accounts.models import Role
from motcua.agencies.models import Tier
from motcua.dossiers.models import Channel, Satisfaction, Status
from motcua.stats import export, indicators
from motcua.stats.export import CSV_HEADINGS, HEADING_ROW
from motcua.stats.models import Outcome
from tests.factories import official, period, receive_three


@pytest.fixture
def received(catalog, province, citizen):
    return receive_three(catalog, province, citizen)


def sheet_rows(sheet) -> list[list]:
    return [list(row) for row in sheet.iter_rows(min_row=HEADING_ROW, values_only=True)]


def test_the_workbook_has_a_sheet_per_table_with_numbers_as_numbers(received, province):
    content = export.report_workbook(received.replace(month=1, day=1), received, None)
    book = load_workbook(io.BytesIO(content))
    assert book.sheetnames[:3] == ["Tiến độ giải quyết", "Tổng hợp", "Theo cấp"]
    assert "Bộ chỉ số 766" in book.sheetnames

    progress = sheet_rows(book["Tiến độ giải quyết"])
    headings = progress[0]
    assert headings[:4] == ["STT", "Mã đơn vị", "Đơn vị", "Kỳ trước chuyển qua"]
    assert "Tỷ lệ trễ hạn (%)" in headings
    rows = {row[1]: dict(zip(headings, row, strict=True)) for row in progress[1:]}
    justice = rows[province["justice"].code]
    assert justice["Đơn vị"] == "Sở Tư pháp"
    assert justice["Tiếp nhận trực tuyến"] == 1 and isinstance(justice["STT"], int)
    total = progress[-1]
    assert total[2] == "Tổng cộng" and total[headings.index("Tổng số phải giải quyết")] == 3

    units = sheet_rows(book["Theo đơn vị"])
    district = dict(zip(units[0], units[2], strict=True))
    assert district["Tỷ lệ hồ sơ trực tuyến (%)"] == 50.0
    assert (
        district["Chỉ tiêu (%)"] == 50.0 and district["Còn thiếu so với chỉ tiêu (điểm %)"] == 0.0
    )
    tiers = sheet_rows(book["Theo cấp"])
    assert tiers[0][:3] == ["Cấp", "Tổng số TTHC", "DVCTT mức độ 3"]
    assert all(isinstance(row[1], int) for row in tiers[1:])
    summary = dict(sheet_rows(book["Tổng hợp"])[1:])
    assert summary["Hồ sơ tiếp nhận trong kỳ"] == 3
    assert summary["Tỷ lệ hồ sơ trực tuyến (%)"] == 66.67


def test_the_csv_lists_the_dossiers_of_the_period(received, province):
    start = received.replace(month=1, day=1)
    text = "".join(export.dossier_csv(start, received, province["district"]))
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0] == CSV_HEADINGS
    assert len(rows) == 3  # the two dossiers of commune A
    line = dict(zip(rows[0], rows[1], strict=True))
    assert line["Mã cơ quan"] == province["commune_a"].code
    assert line["Ngày tiếp nhận"] == received.isoformat()
    assert line["Số lần yêu cầu bổ sung"] == "0" and line["Đã thanh toán trực tuyến"] == "Không"
    earlier = "".join(
        export.dossier_csv(datetime.date(2000, 1, 1), datetime.date(2000, 12, 31), None)
    )
    assert len(list(csv.reader(io.StringIO(earlier)))) == 1


@pytest.fixture
def supervisor(province):
    client = APIClient()
    client.force_authenticate(official(province["root"], Role.SUPERVISOR))
    return client


def test_officials_download_the_report_and_the_dossiers(supervisor, received):
    workbook = supervisor.get("/api/v1/stats/report.xlsx", period(received))
    assert workbook.status_code == 200
    assert workbook["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in workbook["Content-Disposition"]
    load_workbook(io.BytesIO(workbook.content))
    listing = supervisor.get("/api/v1/stats/dossiers.csv", period(received), HTTP_ACCEPT="text/csv")
    assert listing.status_code == 200 and listing["Content-Type"].startswith("text/csv")
    assert len(b"".join(listing.streaming_content).decode().splitlines()) == 4


def test_an_official_downloads_their_own_agency_by_default(received, province):
    client = APIClient()
    client.force_authenticate(official(province["commune_a"], Role.DESK_OFFICER))
    listing = client.get("/api/v1/stats/dossiers.csv", period(received))
    assert len(b"".join(listing.streaming_content).decode().splitlines()) == 3
    other = client.get("/api/v1/stats/report.xlsx", period(received, agency="000.00.02.H57"))
    assert other.status_code == 403


def test_the_reports_are_not_public(received, citizen):
    client = APIClient()
    assert client.get("/api/v1/stats/report.xlsx").status_code in (401, 403)
    client.force_authenticate(citizen)
    assert client.get("/api/v1/stats/dossiers.csv").status_code == 403


def test_every_sheet_speaks_vietnamese_without_raw_keys(received, province):
    """Whatever the language of the request, no cell holds a code of the program (`department`,
    `on_time_rate`…): tiers, groups and parts by their Vietnamese names."""
    raw = {*Tier.values, *Outcome.values, *Status.values, *Channel.values, *Satisfaction.values}
    with translation.override("en"):
        content = export.report_workbook(received.replace(month=1, day=1), received, None)
        scorecard = indicators.summary(received, received)["scorecard"]
    raw |= {part["key"] for part in scorecard["parts"]}
    raw |= {group["key"] for group in scorecard["groups"]}
    book = load_workbook(io.BytesIO(content))
    for sheet in book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            for cell in row:
                words = {w.strip() for w in cell.split(",")} if isinstance(cell, str) else set()
                assert not words & raw, (sheet.title, cell)
    tiers = [row[0] for row in sheet_rows(book["Theo cấp"])[1:]]
    assert "Cấp sở, ngành" in tiers and "Cấp xã" in tiers
    unused = sheet_rows(book["DVCTT không phát sinh hồ sơ"])
    assert any("Cấp xã" in (row[-1] or "") for row in unused[1:])
    groups = {row[0] for row in sheet_rows(book["Bộ chỉ số 766"])[1:]}
    assert "Số hóa hồ sơ" in groups

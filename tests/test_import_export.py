import io
import json

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook, load_workbook

from motcua.catalog.importexport import (
    FEE_SHEET,
    FIELD_SHEET,
    PROCEDURE_SHEET,
    WORKFLOW_SHEET,
    ImportFailed,
    export_json,
    export_xlsx,
    import_records,
    read_json,
    read_xlsx,
)
from motcua.catalog.models import Procedure, StepKind, WorkflowStep


def good_item(code="1.000894", **changes):
    item = {
        "code": code,
        "name": "Đăng ký kết hôn",
        "sector": "Hộ tịch",
        "tiers": ["commune"],
        "agencies": ["000.01.31.H57"],
        "level": 4,
        "processing_days": 3,
        "fees": [{"kind": "fee", "description": "Lệ phí", "amount": 0}],
        "documents": [{"name": "Tờ khai", "originals": 1, "copies": 0, "mandatory": True}],
        "form_fields": [
            {
                "name": "cccd",
                "label": "Số CCCD",
                "type": "text",
                "required": True,
                "validator": "cccd",
            }
        ],
    }
    item.update(changes)
    return item


def as_json(items) -> bytes:
    return json.dumps(items, ensure_ascii=False, indent=2).encode()


def test_json_round_trip_keeps_everything(catalog):
    exported = export_json(Procedure.objects.all())
    before = json.loads(exported)
    Procedure.objects.all().delete()
    result = import_records(read_json(exported))
    assert result.created == len(before) == 6
    assert json.loads(export_json(Procedure.objects.all())) == before


def test_xlsx_round_trip_keeps_everything(catalog):
    marriage = catalog["marriage"]
    marriage.form_fields = [
        {
            "name": "so_ban",
            "label": "Số bản sao",
            "type": "integer",
            "required": True,
            "choices": [],
            "validator": "",
            "help_text": "Tối đa 10",
        },
        {
            "name": "hinh_thuc",
            "label": "Hình thức nhận",
            "type": "select",
            "required": False,
            "choices": ["Tại bộ phận một cửa", "Qua bưu điện"],
            "validator": "",
            "help_text": "",
        },
    ]
    marriage.save()
    before = json.loads(export_json(Procedure.objects.all()))
    workbook = export_xlsx(Procedure.objects.all())
    Procedure.objects.all().delete()
    import_records(read_xlsx(workbook))
    assert json.loads(export_json(Procedure.objects.all())) == before


def _steps(procedure) -> list[tuple[str, int, str]]:
    return [
        (step.kind, step.share, step.consulted_agency.code if step.consulted_agency else "")
        for step in procedure.workflow_steps.select_related("consulted_agency")
    ]


@pytest.mark.parametrize("export", [export_json, export_xlsx], ids=["json", "xlsx"])
def test_workflow_steps_survive_export_and_reimport(catalog, province, export):
    marriage = catalog["marriage"]
    planned = [
        (StepKind.PROCESS, 40, ""),
        (StepKind.CONSULT, 30, province["justice"].code),
        (StepKind.REVIEW, 10, ""),
        (StepKind.APPROVE, 10, ""),
        (StepKind.RETURN, 10, ""),
    ]
    for position, (kind, share, agency) in enumerate(planned):
        WorkflowStep.objects.create(
            procedure=marriage,
            position=position,
            kind=kind,
            share=share,
            consulted_agency=province["justice"] if agency else None,
        )
    exported = export(Procedure.objects.all())
    Procedure.objects.all().delete()
    assert not WorkflowStep.objects.exists()
    read = read_json if export is export_json else read_xlsx
    import_records(read(exported))
    assert _steps(Procedure.objects.get(code=marriage.code)) == planned
    # A procedure imported again without steps follows the default path: its steps go.
    import_records(read_json(as_json([good_item(code=marriage.code)])))
    assert _steps(Procedure.objects.get(code=marriage.code)) == []


def test_bad_workflow_steps_are_reported_and_nothing_is_imported(province):
    items = [
        good_item(
            "1.000001",
            workflow_steps=[
                {"kind": "process", "share": 70},
                {"kind": "approve", "share": 20},
            ],
        ),
        good_item(
            "1.000002",
            workflow_steps=[
                {"kind": "dance", "share": 50},
                {"kind": "consult", "share": 30},
                {"kind": "review", "share": 120, "consulted_agency": "000.99.99.H57"},
            ],
        ),
        good_item("1.000003", workflow_steps=[{"kind": "Xử lý", "share": 100}]),
    ]
    with pytest.raises(ImportFailed) as caught:
        import_records(read_json(as_json(items)))
    errors = caught.value.errors
    assert len(errors) == 5, errors
    assert errors[0].startswith("mục 1 (dòng 2): ")
    assert errors[0].endswith("Tổng tỷ lệ thời gian của các bước là 90 %, không phải 100 %.")
    text = "\n".join(errors)
    assert ", bước 1: bước 'dance' không hợp lệ" in text
    assert ", bước 2: Bước liên thông phải ghi cơ quan được hỏi ý kiến." in text
    assert ", bước 3: tỷ lệ thời gian giải quyết (%) phải từ 0 đến 100." in text
    assert ", bước 3: không có cơ quan nào mang mã 000.99.99.H57." in text
    assert Procedure.objects.count() == 0 and not WorkflowStep.objects.exists()


def test_xlsx_steps_that_do_not_add_up_are_reported_at_their_procedure(catalog):
    book = load_workbook(io.BytesIO(export_xlsx(Procedure.objects.filter(code="1.000894"))))
    book[WORKFLOW_SHEET].append(["1.000894", "xử lý", 60, ""])
    book[WORKFLOW_SHEET].append(["1.000894", "phê duyệt", "30", ""])
    output = io.BytesIO()
    book.save(output)
    with pytest.raises(ImportFailed) as caught:
        import_records(read_xlsx(output.getvalue()))
    assert caught.value.errors == [
        f"trang {PROCEDURE_SHEET}, dòng 2: "
        "Tổng tỷ lệ thời gian của các bước là 90 %, không phải 100 %."
    ]
    assert not WorkflowStep.objects.exists()


def test_import_updates_existing_procedures(catalog):
    item = good_item(name="Đăng ký kết hôn (sửa đổi)", level=3)
    result = import_records(read_json(as_json([item])))
    assert (result.created, result.updated) == (0, 1)
    marriage = Procedure.objects.get(code="1.000894")
    assert (marriage.name, marriage.level, marriage.online_mode) == (
        "Đăng ký kết hôn (sửa đổi)",
        3,
        "partial",
    )
    assert marriage.search_text.startswith(" dang ky ket hon sua doi")


def test_bad_rows_are_reported_with_line_and_nothing_is_imported(province):
    items = [
        good_item("1.000001"),
        good_item("1.000002", level=7),
        good_item("1.000003"),
        good_item("1.000004", agencies=["000.99.99.H57"], tiers=["planet"]),
        good_item("1.000001", name="Trùng mã"),
    ]
    with pytest.raises(ImportFailed) as caught:
        import_records(read_json(as_json(items)))
    errors = caught.value.errors
    text = "\n".join(errors)
    assert "mục 2 (dòng" in text and "mức độ phải từ 1 đến 4" in text
    assert "không có cơ quan nào mang mã 000.99.99.H57" in text
    assert "cấp thực hiện 'planet' không hợp lệ" in text
    assert "mục 5 (dòng" in text and "mã thủ tục 1.000001 đã có ở mục 1" in text
    # The line numbers are the file's: item 2 opens on line 2 + the length of item 1.
    first_line = as_json(items).decode().splitlines().index("  {", 2) + 1
    assert f"mục 2 (dòng {first_line})" in text
    assert Procedure.objects.count() == 0


def test_bad_form_definition_and_fee_are_reported(province):
    item = good_item(
        form_fields=[{"name": "Số CCCD", "label": "", "type": "colour", "validator": "nope"}],
        fees=[{"kind": "tip", "description": "", "amount": -5, "per_field": "so_ban"}],
    )
    with pytest.raises(ImportFailed) as caught:
        import_records(read_json(as_json([item])))
    text = "\n".join(caught.value.errors)
    for expected in (
        "Trường thứ 1: tên trường chỉ gồm chữ thường",
        "thiếu nhãn",
        "kiểu phải là một trong",
        "kiểu kiểm tra phải là một trong",
        "loại phí 'tip' không hợp lệ",
        "số tiền phải từ 0",
        "khoản phí cần có nội dung",
        "nhân theo so_ban",
    ):
        assert expected in text
    assert Procedure.objects.count() == 0


def test_vietnamese_words_are_understood_in_files(province):
    item = good_item(
        tiers="Cấp xã",
        online_mode="Toàn trình",
        published="Có",
        fees=[{"kind": "Lệ phí", "description": "Lệ phí", "amount": "50000"}],
    )
    import_records(read_json(as_json([item])))
    procedure = Procedure.objects.get()
    assert procedure.tier_codes == ["commune"]
    assert procedure.online_mode == "full"
    assert procedure.total_fee() == 50000


def test_malformed_json_is_reported(province):
    with pytest.raises(ImportFailed) as caught:
        read_json(b'[\n {"code": "1.000001",\n  "name": }\n]')
    assert caught.value.errors[0].startswith("mục 1 (dòng 2): JSON không hợp lệ")
    with pytest.raises(ImportFailed):
        read_json(b'{"code": "1.000001"}')


def test_xlsx_child_row_of_unknown_procedure_is_reported_with_its_line(catalog):
    book = load_workbook(io.BytesIO(export_xlsx(Procedure.objects.all())))
    book[FEE_SHEET].append(["9.999999", "fee", "Lệ phí lạ", 1000, ""])
    bad_line = book[FEE_SHEET].max_row
    output = io.BytesIO()
    book.save(output)
    with pytest.raises(ImportFailed) as caught:
        read_xlsx(output.getvalue())
    assert caught.value.errors == [
        f"trang {FEE_SHEET}, dòng {bad_line}: không có thủ tục mã '9.999999' trong trang "
        f"{PROCEDURE_SHEET}."
    ]


def test_xlsx_without_the_procedure_sheet_is_refused(db):
    book = Workbook()
    book.active.title = FIELD_SHEET
    output = io.BytesIO()
    book.save(output)
    with pytest.raises(ImportFailed, match=PROCEDURE_SHEET):
        read_xlsx(output.getvalue())
    with pytest.raises(ImportFailed):
        read_xlsx(b"not a workbook")


def test_import_command_imports_or_reports(tmp_path, province, capsys):
    good = tmp_path / "good.json"
    good.write_bytes(as_json([good_item()]))
    call_command("import_procedures", str(good))
    assert Procedure.objects.filter(code="1.000894").exists()

    bad = tmp_path / "bad.json"
    bad.write_bytes(as_json([good_item("1.000777"), good_item("x")]))
    with pytest.raises(CommandError, match="không nhập dữ liệu nào"):
        call_command("import_procedures", str(bad))
    assert "mục 2 (dòng" in capsys.readouterr().err
    assert not Procedure.objects.filter(code="1.000777").exists()


def test_export_command_writes_xlsx(tmp_path, catalog):
    target = tmp_path / "catalog.xlsx"
    call_command("export_procedures", str(target))
    sheet = load_workbook(target)[PROCEDURE_SHEET]
    assert sheet.cell(1, 1).value == "Mã thủ tục"
    assert sheet.max_row == 1 + 6


def test_admin_import_shows_errors_and_imports_nothing(admin_client, province):
    bad = io.BytesIO(as_json([good_item("1.000001"), good_item("1.000002", level=9)]))
    bad.name = "catalog.json"
    response = admin_client.post("/admin/catalog/procedure/import/", {"file": bad})
    assert response.status_code == 200
    page = response.content.decode()
    assert "1 lỗi: chưa nhập dữ liệu nào." in page and "mục 2 (dòng" in page
    assert Procedure.objects.count() == 0

    good = io.BytesIO(as_json([good_item("1.000001")]))
    good.name = "catalog.json"
    response = admin_client.post("/admin/catalog/procedure/import/", {"file": good})
    assert response.status_code == 302
    assert Procedure.objects.count() == 1


def test_admin_exports_selected_procedures(admin_client, catalog):
    response = admin_client.post(
        "/admin/catalog/procedure/",
        {"action": "export_json", "_selected_action": [catalog["marriage"].pk]},
    )
    assert response["Content-Disposition"].endswith('thu-tuc.json"')
    assert [item["code"] for item in json.loads(response.content)] == ["1.000894"]


def test_sector_names_differing_in_punctuation_are_one_sector(province):
    items = [
        good_item("1.000001", sector="Lao động, tiền lương"),
        good_item("1.000002", sector="Lao động - Tiền lương"),
    ]
    import_records(read_json(as_json(items)))
    sectors = {p.sector.code for p in Procedure.objects.select_related("sector")}
    assert sectors == {"lao-dong-tien-luong"}

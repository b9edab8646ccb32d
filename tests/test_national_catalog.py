"""The national procedure database synced into the catalog: hand-made national exports, the
differences shown before anything is written, and the province's own parts kept."""

from __future__ import annotations

import copy
import http.server
import io
import json
import threading

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from motcua.catalog import national
from motcua.catalog.importexport import (
    COLUMNS,
    DOCUMENT_SHEET,
    PROCEDURE_SHEET,
    ImportFailed,
)
from motcua.catalog.models import Fee, NationalEntry, Procedure, StepKind, WorkflowStep
from motcua.core import national as connection
from motcua.core.models import AuditEntry

MARRIAGE = {
    "code": "1.000894",
    "name": "Đăng ký kết hôn",
    "sector": "Hộ tịch",
    "tiers": ["commune"],
    "level": 4,
    "processing_days": 3,
    "legal_basis": "Luật Hộ tịch 2014",
    "documents": [
        {"name": "Tờ khai đăng ký kết hôn", "originals": 1, "copies": 0, "mandatory": True}
    ],
}
BIRTH = {
    "code": "1.001193",
    "name": "Đăng ký khai sinh",
    "sector": "Hộ tịch",
    "tiers": ["commune"],
    "level": 3,
    "processing_days": 1,
    "documents": [{"name": "Tờ khai đăng ký khai sinh", "originals": 1, "copies": 0}],
}
LOCAL_FORM = [{"name": "ho_ten", "label": "Họ và tên", "type": "text", "required": True}]


def export(*items: dict) -> bytes:
    return json.dumps(list(items), ensure_ascii=False).encode()


def sync(*items: dict, apply: bool = True) -> national.SyncPlan:
    records = national.read_export("export.json", export(*items))
    plan = national.plan(records)
    if apply:
        national.apply(records, plan.digest())
    return plan


def changed_upstream() -> dict:
    item = copy.deepcopy(MARRIAGE)
    item["name"] = "Đăng ký kết hôn (trong nước)"
    item["processing_days"] = 5
    item["documents"].append({"name": "Bản sao CCCD", "originals": 0, "copies": 1})
    return item


@pytest.fixture
def localised(province):
    """The nation's marriage procedure, taken in and then set up by the province."""
    sync(MARRIAGE, BIRTH)
    marriage = Procedure.objects.get(code="1.000894")
    Fee.objects.create(procedure=marriage, kind="fee", description="Lệ phí", amount=30000)
    marriage.form_fields = LOCAL_FORM
    marriage.payment_first = True
    marriage.save()
    marriage.agencies.set([province["commune_a"]])
    marriage.receiving_points.set([province["district"]])
    WorkflowStep.objects.create(procedure=marriage, kind=StepKind.PROCESS, share=100)
    document = marriage.documents.get()
    document.template.name = "templates/to-khai-ket-hon.docx"
    document.save()
    return marriage


def test_a_first_import_shows_every_procedure_as_new_then_creates_them(province):
    plan = sync(MARRIAGE, BIRTH, apply=False)
    assert [r.procedure["code"] for r in plan.new] == ["1.000894", "1.001193"]
    assert not plan.changed and not plan.withdrawn
    assert not Procedure.objects.exists()

    national.apply(national.read_export("export.json", export(MARRIAGE, BIRTH)), plan.digest())
    marriage = Procedure.objects.get(code="1.000894")
    assert marriage.legal_basis == "Luật Hộ tịch 2014" and marriage.published
    assert NationalEntry.objects.count() == 2
    assert AuditEntry.objects.filter(action="catalog.national_sync").count() == 1
    assert sync(MARRIAGE, BIRTH, apply=False).empty


def test_a_resync_shows_what_changed_and_keeps_the_provinces_parts(localised, province):
    document_id = localised.documents.get().pk
    plan = sync(changed_upstream(), BIRTH, apply=False)

    assert not plan.new and not plan.withdrawn and plan.unchanged == 1
    (change,) = plan.changed
    shown = {item.name: (item.old, item.new) for item in change.changes}
    assert shown["name"] == (["Đăng ký kết hôn"], ["Đăng ký kết hôn (trong nước)"])
    assert shown["processing_days"] == (["3"], ["5"])
    assert len(shown["documents"][1]) == 2
    # The province's parts are not national fields: never shown, never compared.
    assert set(shown) == {"name", "processing_days", "documents"}

    national.apply(
        national.read_export("export.json", export(changed_upstream(), BIRTH)), plan.digest()
    )
    marriage = Procedure.objects.get(code="1.000894")
    assert marriage.name == "Đăng ký kết hôn (trong nước)" and marriage.processing_days == 5
    assert [(f.description, f.amount) for f in marriage.fees.all()] == [("Lệ phí", 30000)]
    assert marriage.form_fields == LOCAL_FORM and marriage.payment_first
    assert list(marriage.agencies.all()) == [province["commune_a"]]
    assert list(marriage.receiving_points.all()) == [province["district"]]
    assert [step.kind for step in marriage.workflow_steps.all()] == [StepKind.PROCESS]
    kept, added = marriage.documents.all()
    assert kept.pk == document_id and kept.template.name == "templates/to-khai-ket-hon.docx"
    assert added.name == "Bản sao CCCD" and added.copies == 1
    assert sync(changed_upstream(), BIRTH, apply=False).empty


def test_a_procedure_withdrawn_nationally_is_unpublished_not_deleted(localised):
    plan = sync(MARRIAGE, apply=False)
    assert [p.code for p in plan.withdrawn] == ["1.001193"]
    national.apply(national.read_export("export.json", export(MARRIAGE)), plan.digest())
    birth = Procedure.objects.get(code="1.001193")
    assert not birth.published and birth.national_entry.withdrawn_at is not None
    assert sync(MARRIAGE, apply=False).empty  # shown once, not at every sync

    plan = sync(MARRIAGE, BIRTH, apply=False)  # listed again upstream
    (change,) = plan.changed
    assert [item.name for item in change.changes] == ["national_status"]


def test_a_plan_that_changed_since_it_was_shown_is_not_applied(localised):
    records = national.read_export("export.json", export(changed_upstream(), BIRTH))
    shown = national.plan(records).digest()
    Procedure.objects.filter(code="1.000894").update(processing_days=9)
    with pytest.raises(ImportFailed):
        national.apply(records, shown)
    assert Procedure.objects.get(code="1.000894").name == "Đăng ký kết hôn"


def test_a_bad_export_changes_nothing_and_says_where(localised):
    broken = {**changed_upstream(), "level": 7}
    with pytest.raises(ImportFailed) as failure:
        national.read_export("export.json", export(broken, BIRTH))
    assert "mục 1" in failure.value.errors[0]
    assert Procedure.objects.get(code="1.000894").processing_days == 3


def test_the_spreadsheet_export_is_read_by_the_same_reader(localised):
    book = Workbook()
    book.remove(book.active)
    procedures, documents = book.create_sheet(PROCEDURE_SHEET), book.create_sheet(DOCUMENT_SHEET)
    procedures.append([heading for _key, heading in COLUMNS[PROCEDURE_SHEET]])
    documents.append([heading for _key, heading in COLUMNS[DOCUMENT_SHEET]])
    for item in (changed_upstream(), BIRTH):
        row = {**item, "tiers": "Cấp xã"}
        procedures.append([row.get(key) for key, _heading in COLUMNS[PROCEDURE_SHEET]])
        for document in item["documents"]:
            line = {**document, "procedure": item["code"], "mandatory": "Có"}
            documents.append([line.get(key) for key, _heading in COLUMNS[DOCUMENT_SHEET]])
    content = io.BytesIO()
    book.save(content)
    plan = national.plan(national.read_export("tthc.xlsx", content.getvalue()))
    assert [c.procedure.code for c in plan.changed] == ["1.000894"]


# ---------------------------------------------------------------- the admin page


def test_the_admin_shows_the_differences_then_applies_them(admin_client, localised):
    client = admin_client
    url = "/admin/catalog/procedure/national-sync/"
    assert "Đồng bộ với Cơ sở dữ liệu quốc gia" in client.get(url).content.decode()
    upload = io.BytesIO(export(changed_upstream()))
    upload.name = "tthc.json"
    page = client.post(url, {"file": upload})
    html = page.content.decode()
    assert page.status_code == 200
    assert "Đăng ký kết hôn (trong nước)" in html and "1.001193" in html
    assert Procedure.objects.get(code="1.000894").processing_days == 3  # shown, not written
    confirm = page.context["confirm"]
    answer = client.post(
        url, {"pending": confirm["pending"].value(), "digest": confirm["digest"].value()}
    )
    assert answer.status_code == 302
    marriage = Procedure.objects.get(code="1.000894")
    assert marriage.processing_days == 5 and marriage.fees.count() == 1
    assert not Procedure.objects.get(code="1.001193").published
    again = client.post(
        url, {"pending": confirm["pending"].value(), "digest": confirm["digest"].value()}
    )
    assert "đã được áp dụng" in again.content.decode()


def test_the_admin_explains_a_bad_export(admin_client, localised):
    client = admin_client
    upload = io.BytesIO(b"[{")
    upload.name = "tthc.json"
    page = client.post("/admin/catalog/procedure/national-sync/", {"file": upload})
    assert page.status_code == 200 and "JSON" in page.content.decode()


# ---------------------------------------------------------------- the command, over HTTP


@pytest.fixture
def national_portal():
    """The national database's export served over real HTTP on a free local port."""
    served = {"body": export(changed_upstream(), BIRTH)}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(served["body"])

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/tthc/export.json"
    server.shutdown()
    server.server_close()


def test_the_command_shows_the_plan_and_applies_only_when_asked(localised, national_portal):
    shown = io.StringIO()
    call_command("sync_national_catalog", url=national_portal, stdout=shown)
    assert "~ 1.000894" in shown.getvalue() and "→ 5" in shown.getvalue()
    assert Procedure.objects.get(code="1.000894").processing_days == 3

    call_command("sync_national_catalog", url=national_portal, apply=True, stdout=io.StringIO())
    marriage = Procedure.objects.get(code="1.000894")
    assert marriage.processing_days == 5 and marriage.payment_first


def test_the_command_says_when_the_national_portal_does_not_answer(localised):
    with pytest.raises(CommandError):
        call_command("sync_national_catalog", url="http://127.0.0.1:9/", stderr=io.StringIO())


def test_the_connection_page_hears_how_the_catalog_sync_stands(province, settings):
    settings.NATIONAL_CATALOG_URL = ""
    assert not connection.state(connection.CATALOG).configured
    sync(MARRIAGE, BIRTH)
    sync(MARRIAGE)
    state = connection.state(connection.CATALOG)
    assert state.configured and state.working and state.last_success is not None
    assert state.detail.startswith("1 thủ tục") and "1 thủ tục đã bãi bỏ" in state.detail

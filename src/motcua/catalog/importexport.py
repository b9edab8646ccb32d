"""Import and export of the procedure catalog as JSON or XLSX.

Both formats are read into `ProcedureRecord`s, every record is checked, and only a file without
a single error is written, in one transaction: a bad row is reported with where it stands and
why, and nothing of that file is half-imported. A procedure carries its tiers, agencies, fees,
documents, form fields and workflow steps; an imported procedure's are replaced by the file's.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook

from motcua.agencies.models import Agency, Tier, canonical_code
from motcua.catalog.formdef import definition_errors
from motcua.catalog.models import (
    PROCEDURE_CODE_PATTERN,
    Fee,
    FeeKind,
    OnlineMode,
    Procedure,
    ProcedureTier,
    RequiredDocument,
    Sector,
    StepKind,
    WorkflowStep,
    check_shares,
    mode_for_level,
    sector_code,
)
from motcua.core.text import fold


class ImportFailed(Exception):
    """The file was not imported; `errors` says where and why, one line each."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass
class Located:
    """A piece of the file and where it stands in it, for error messages."""

    where: str
    data: dict[str, Any]


@dataclass
class ProcedureRecord:
    where: str
    data: dict[str, Any]
    fees: list[Located] = field(default_factory=list)
    documents: list[Located] = field(default_factory=list)
    workflow: list[Located] = field(default_factory=list)


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int


# ---------------------------------------------------------------- reading words into values

_TIER_WORDS = {
    **{tier.value: tier.value for tier in Tier},
    "cap tinh": Tier.PROVINCE,
    "tinh": Tier.PROVINCE,
    "cap so": Tier.DEPARTMENT,
    "so nganh": Tier.DEPARTMENT,
    "cap so nganh": Tier.DEPARTMENT,
    "cap huyen": Tier.DISTRICT,
    "huyen": Tier.DISTRICT,
    "cap xa": Tier.COMMUNE,
    "xa": Tier.COMMUNE,
}
_MODE_WORDS = {
    **{mode.value: mode.value for mode in OnlineMode},
    "toan trinh": OnlineMode.FULL,
    "mot phan": OnlineMode.PARTIAL,
    "khong": OnlineMode.NONE,
}
_FEE_WORDS = {
    **{kind.value: kind.value for kind in FeeKind},
    "le phi": FeeKind.FEE,
    "phi": FeeKind.CHARGE,
}
_STEP_WORDS = {
    **{kind.value: kind.value for kind in StepKind},
    "xu ly": StepKind.PROCESS,
    "lien thong": StepKind.CONSULT,
    "lay y kien": StepKind.CONSULT,
    "xem xet": StepKind.REVIEW,
    "phe duyet": StepKind.APPROVE,
    "ky duyet": StepKind.APPROVE,
    "tra ket qua": StepKind.RETURN,
}
_TRUE_WORDS = {"true", "1", "co", "x", "yes"}
_FALSE_WORDS = {"false", "0", "khong", "no", ""}


class BadValue(ValueError):
    pass


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _integer(value: Any, name: str, minimum: int = 0, maximum: int | None = None) -> int:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int):
        raise BadValue(_("%(name)s must be a whole number.") % {"name": name})
    if value < minimum or (maximum is not None and value > maximum):
        raise BadValue(
            _("%(name)s must be between %(low)s and %(high)s.")
            % {"name": name, "low": minimum, "high": maximum if maximum is not None else "∞"}
        )
    return value


def _boolean(value: Any, name: str, default: bool) -> bool:
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    word = fold(str(value))
    if word in _TRUE_WORDS:
        return True
    if word in _FALSE_WORDS:
        return False
    raise BadValue(_("%(name)s must be yes or no, not %(value)r.") % {"name": name, "value": value})


def _word(value: Any, words: dict[str, str], name: str) -> str:
    found = words.get(fold(_text(value)))
    if found is None:
        raise BadValue(_("%(name)s %(value)r is not known.") % {"name": name, "value": value})
    return str(found)


def _list(value: Any) -> list[str]:
    if isinstance(value, list):
        return [_text(item) for item in value if _text(item)]
    return [part.strip() for part in _text(value).replace("\n", ",").split(",") if part.strip()]


# ---------------------------------------------------------------- checking


@dataclass
class CheckedRecord:
    """A record turned into model values, ready to write (or to compare, catalog/national.py)."""

    procedure: dict[str, Any]
    sector_name: str
    sector_code: str
    tiers: list[str]
    agency_codes: list[str]
    receiving_point_codes: list[str]
    fees: list[dict[str, Any]]
    documents: list[dict[str, Any]]
    workflow: list[dict[str, Any]]


def _check(records: list[ProcedureRecord]) -> tuple[list[CheckedRecord], list[str]]:
    known_agencies = set(Agency.objects.values_list("code", flat=True))
    seen_codes: dict[str, str] = {}
    cleaned: list[CheckedRecord] = []
    errors: list[str] = []
    for record in records:
        record_errors: list[str] = []
        clean = _check_record(record, known_agencies, record_errors)
        code = record.data.get("code")
        if code in seen_codes:
            record_errors.append(
                f"{record.where}: "
                + _("procedure code %(code)s already appears at %(other)s.")
                % {"code": code, "other": seen_codes[code]}
            )
        seen_codes.setdefault(code, record.where)
        if record_errors:
            errors.extend(record_errors)
        else:
            cleaned.append(clean)
    return cleaned, errors


def _guarded(errors: list[str], where: str, read, *args):
    try:
        return read(*args)
    except BadValue as exc:
        errors.append(f"{where}: {exc}")
        return None


def _check_record(record: ProcedureRecord, known_agencies: set[str], errors: list[str]):
    data, where = record.data, record.where
    start = len(errors)
    code = _text(data.get("code"))
    if not re.match(PROCEDURE_CODE_PATTERN, code):
        errors.append(
            f"{where}: " + _("procedure code %(code)r must look like 1.001612.") % {"code": code}
        )
    name = _text(data.get("name"))
    if not name or len(name) > 500:
        errors.append(f"{where}: " + _("the name is missing or longer than 500 characters."))
    sector_name = _text(data.get("sector"))
    if not sector_name:
        errors.append(f"{where}: " + _("the sector is missing."))
    tiers = [
        _guarded(errors, where, _word, t, _TIER_WORDS, _("tier")) for t in _list(data.get("tiers"))
    ]
    if not _list(data.get("tiers")):
        errors.append(f"{where}: " + _("at least one tier is needed."))
    agency_codes = [canonical_code(c) for c in _list(data.get("agencies"))]
    point_codes = [canonical_code(c) for c in _list(data.get("receiving_points"))]
    for unknown in sorted(set(agency_codes + point_codes) - known_agencies):
        errors.append(f"{where}: " + _("no agency has the code %(code)s.") % {"code": unknown})
    level = _guarded(errors, where, _integer, data.get("level"), _("the level"), 1, 4)
    mode_value = data.get("online_mode")
    mode = (
        _guarded(errors, where, _word, mode_value, _MODE_WORDS, _("online mode"))
        if _text(mode_value)
        else (mode_for_level(level) if level else None)
    )
    days = _guarded(
        errors, where, _integer, data.get("processing_days"), _("the processing time"), 0, 3650
    )
    published = _guarded(errors, where, _boolean, data.get("published"), _("published"), True)
    payment_first = _guarded(
        errors, where, _boolean, data.get("payment_first"), _("payment before processing"), False
    )
    form_fields = data.get("form_fields") or []
    errors.extend(f"{where}: {e}" for e in definition_errors(form_fields))
    number_fields = {
        f.get("name") for f in form_fields if isinstance(f, dict) and f.get("type") == "integer"
    }
    fees = [_check_fee(fee, number_fields, errors) for fee in record.fees]
    documents = [_check_document(doc, errors) for doc in record.documents]
    workflow = [_check_step(step, known_agencies, errors) for step in record.workflow]
    if len(errors) > start:
        return None
    try:
        check_shares(step["share"] for step in workflow)
    except ValidationError as error:
        errors.extend(f"{where}: {message}" for message in error.messages)
        return None
    return CheckedRecord(
        procedure={
            "code": code,
            "name": name,
            "level": level,
            "online_mode": mode,
            "processing_days": days,
            "processing_note": _text(data.get("processing_note")),
            "requirements": _text(data.get("requirements")),
            "steps": _text(data.get("steps")),
            "result_type": _text(data.get("result_type")),
            "legal_basis": _text(data.get("legal_basis")),
            "form_fields": form_fields,
            "published": published,
            "payment_first": payment_first,
        },
        sector_name=sector_name,
        sector_code=_text(data.get("sector_code")) or sector_code(sector_name),
        tiers=sorted(set(tiers)),
        agency_codes=sorted(set(agency_codes)),
        receiving_point_codes=sorted(set(point_codes)),
        fees=fees,
        documents=documents,
        workflow=workflow,
    )


def _check_fee(fee: Located, number_fields: set[str], errors: list[str]) -> dict[str, Any]:
    data, where = fee.data, fee.where
    kind = _guarded(errors, where, _word, data.get("kind"), _FEE_WORDS, _("fee kind"))
    amount = _guarded(errors, where, _integer, data.get("amount"), _("the amount"), 0)
    description = _text(data.get("description"))
    if not description:
        errors.append(f"{where}: " + _("the fee needs a description."))
    per_field = _text(data.get("per_field"))
    if per_field and per_field not in number_fields:
        errors.append(
            f"{where}: "
            + _("the fee is multiplied by %(name)s, which is not a number field of the form.")
            % {"name": per_field}
        )
    return {"kind": kind, "amount": amount, "description": description, "per_field": per_field}


def _check_document(document: Located, errors: list[str]) -> dict[str, Any]:
    data, where = document.data, document.where
    name = _text(data.get("name"))
    if not name:
        errors.append(f"{where}: " + _("the document needs a name."))
    return {
        "name": name,
        "originals": _guarded(
            errors, where, _integer, data.get("originals", 1), _("originals"), 0, 99
        ),
        "copies": _guarded(errors, where, _integer, data.get("copies", 0), _("copies"), 0, 99),
        "mandatory": _guarded(errors, where, _boolean, data.get("mandatory"), _("mandatory"), True),
        "template": _text(data.get("template")),
    }


def _check_step(step: Located, known_agencies: set[str], errors: list[str]) -> dict[str, Any]:
    """One workflow step: its kind, its share of the time and, for an opinion, the agency."""
    data, where = step.data, step.where
    kind = _guarded(errors, where, _word, data.get("kind"), _STEP_WORDS, _("step"))
    share = _guarded(
        errors, where, _integer, data.get("share"), _("share of the processing time (%)"), 0, 100
    )
    agency = _text(data.get("consulted_agency"))
    code = canonical_code(agency) if agency else ""
    if code and code not in known_agencies:
        errors.append(f"{where}: " + _("no agency has the code %(code)s.") % {"code": code})
    if kind == StepKind.CONSULT and not code:
        errors.append(f"{where}: " + _("An inter-agency step names the agency consulted."))
    return {"kind": kind, "share": share, "consulted_agency": code}


# ---------------------------------------------------------------- writing


def check_records(records: list[ProcedureRecord]) -> list[CheckedRecord]:
    """Every record as model values; ImportFailed listing every error of the file."""
    cleaned, errors = _check(records)
    if errors:
        raise ImportFailed(errors)
    return cleaned


def import_records(records: list[ProcedureRecord]) -> ImportResult:
    """Check every record, then write them all or, on any error, nothing."""
    cleaned = check_records(records)
    with transaction.atomic():
        return write_records(cleaned)


def write_records(cleaned: list[CheckedRecord]) -> ImportResult:
    """Write checked records whole: a known procedure's parts are replaced by the record's."""
    sectors = ensure_sectors(cleaned)
    existing = Procedure.objects.in_bulk([c.procedure["code"] for c in cleaned], field_name="code")
    procedures = []
    for clean in cleaned:
        procedure = existing.get(clean.procedure["code"]) or Procedure()
        for name, value in clean.procedure.items():
            setattr(procedure, name, value)
        procedure.sector = sectors[clean.sector_name]
        procedure.refresh_search_text()
        procedures.append(procedure)
    new = [p for p in procedures if p.pk is None]
    old = [p for p in procedures if p.pk is not None]
    Procedure.objects.bulk_create(new, batch_size=500)
    if old:
        fields = [*cleaned[0].procedure, "sector", "name_folded", "search_text"]
        Procedure.objects.bulk_update(old, fields, batch_size=500)
    _replace_children(procedures, cleaned)
    return ImportResult(created=len(new), updated=len(old))


def ensure_sectors(cleaned: list[CheckedRecord]) -> dict[str, Sector]:
    """The sector of each name in the file, creating those not known yet.

    Names that differ only in punctuation ("Lao động, tiền lương" and "Lao động - Tiền lương")
    fold to the same code and are one sector.
    """
    by_code = {sector.code: sector for sector in Sector.objects.all()}
    by_name = {sector.name: sector for sector in by_code.values()}
    created: list[Sector] = []
    for clean in cleaned:
        if clean.sector_name in by_name:
            continue
        sector = by_code.get(clean.sector_code)
        if sector is None:
            sector = Sector(code=clean.sector_code, name=clean.sector_name)
            by_code[sector.code] = sector
            created.append(sector)
        by_name[clean.sector_name] = sector
    Sector.objects.bulk_create(created)
    return by_name


def _replace_children(procedures: list[Procedure], cleaned: list[CheckedRecord]) -> None:
    ids = [p.pk for p in procedures]
    ProcedureTier.objects.filter(procedure_id__in=ids).delete()
    Fee.objects.filter(procedure_id__in=ids).delete()
    RequiredDocument.objects.filter(procedure_id__in=ids).delete()
    WorkflowStep.objects.filter(procedure_id__in=ids).delete()
    Links, Points = Procedure.agencies.through, Procedure.receiving_points.through
    Links.objects.filter(procedure_id__in=ids).delete()
    Points.objects.filter(procedure_id__in=ids).delete()
    agency_ids = dict(Agency.objects.values_list("code", "pk"))
    tiers, fees, documents, steps, links, points = [], [], [], [], [], []
    for procedure, clean in zip(procedures, cleaned, strict=True):
        tiers += [ProcedureTier(procedure=procedure, tier=tier) for tier in clean.tiers]
        fees += [Fee(procedure=procedure, position=i, **f) for i, f in enumerate(clean.fees)]
        documents += [
            RequiredDocument(procedure=procedure, position=i, **d)
            for i, d in enumerate(clean.documents)
        ]
        steps += [
            WorkflowStep(
                procedure=procedure,
                position=i,
                kind=step["kind"],
                share=step["share"],
                consulted_agency_id=agency_ids.get(step["consulted_agency"]),
            )
            for i, step in enumerate(clean.workflow)
        ]
        links += [
            Links(procedure_id=procedure.pk, agency_id=agency_ids[code])
            for code in clean.agency_codes
        ]
        points += [
            Points(procedure_id=procedure.pk, agency_id=agency_ids[code])
            for code in clean.receiving_point_codes
        ]
    children = (
        (ProcedureTier, tiers),
        (Fee, fees),
        (RequiredDocument, documents),
        (WorkflowStep, steps),
    )
    for model, rows in children:
        model.objects.bulk_create(rows, batch_size=1000)
    Links.objects.bulk_create(links, batch_size=2000)
    Points.objects.bulk_create(points, batch_size=2000)


# ---------------------------------------------------------------- JSON


def read_json(content: bytes) -> list[ProcedureRecord]:
    """Records of a JSON array of procedures, each located by its item number and line."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFailed([_("The file is not UTF-8 text.")]) from exc
    decoder = json.JSONDecoder()
    position = _skip_space(text, 0)
    if not text.startswith("[", position):
        raise ImportFailed([_("The JSON file must hold a list of procedures.")])
    position = _skip_space(text, position + 1)
    records: list[ProcedureRecord] = []
    while not text.startswith("]", position):
        line = text.count("\n", 0, position) + 1
        where = _("item %(n)s (line %(line)s)") % {"n": len(records) + 1, "line": line}
        try:
            item, position = decoder.raw_decode(text, position)
        except json.JSONDecodeError as exc:
            raise ImportFailed(
                [f"{where}: " + _("invalid JSON (%(why)s).") % {"why": exc.msg}]
            ) from exc
        records.append(_json_record(item, where))
        position = _skip_space(text, position)
        if text.startswith(",", position):
            position = _skip_space(text, position + 1)
        elif not text.startswith("]", position):
            raise ImportFailed([f"{where}: " + _("a comma or the end of the list is missing.")])
    return records


def _skip_space(text: str, position: int) -> int:
    while position < len(text) and text[position].isspace():
        position += 1
    return position


def _json_record(item: Any, where: str) -> ProcedureRecord:
    if not isinstance(item, dict):
        return ProcedureRecord(where=where, data={"code": None})

    def located(kind: str, rows: Any) -> list[Located]:
        rows = rows if isinstance(rows, list) else []
        return [
            Located(f"{where}, {kind} {n}", row if isinstance(row, dict) else {})
            for n, row in enumerate(rows, start=1)
        ]

    return ProcedureRecord(
        where=where,
        data=item,
        fees=located(_("fee"), item.get("fees")),
        documents=located(_("document"), item.get("documents")),
        workflow=located(_("step"), item.get("workflow_steps")),
    )


def procedure_as_dict(procedure: Procedure) -> dict[str, Any]:
    """A procedure as the JSON import reads it (and the API shows it)."""
    return {
        "code": procedure.code,
        "name": procedure.name,
        "sector": procedure.sector.name,
        "sector_code": procedure.sector.code,
        "tiers": procedure.tier_codes,
        "agencies": [agency.code for agency in procedure.agencies.all()],
        "receiving_points": [agency.code for agency in procedure.receiving_points.all()],
        "level": procedure.level,
        "online_mode": procedure.online_mode,
        "processing_days": procedure.processing_days,
        "processing_note": procedure.processing_note,
        "requirements": procedure.requirements,
        "steps": procedure.steps,
        "result_type": procedure.result_type,
        "legal_basis": procedure.legal_basis,
        "published": procedure.published,
        "payment_first": procedure.payment_first,
        "fees": [
            {
                "kind": fee.kind,
                "description": fee.description,
                "amount": fee.amount,
                "per_field": fee.per_field,
            }
            for fee in procedure.fees.all()
        ],
        "documents": [
            {
                "name": document.name,
                "originals": document.originals,
                "copies": document.copies,
                "mandatory": document.mandatory,
                "template": document.template.name or "",
            }
            for document in procedure.documents.all()
        ],
        "workflow_steps": [
            {
                "kind": step.kind,
                "share": step.share,
                "consulted_agency": step.consulted_agency.code if step.consulted_agency else "",
            }
            for step in procedure.workflow_steps.all()
        ],
        "form_fields": procedure.form_fields,
    }


def for_export(procedures: QuerySet[Procedure]) -> QuerySet[Procedure]:
    return procedures.select_related("sector").prefetch_related(
        "tier_links",
        "agencies",
        "receiving_points",
        "fees",
        "documents",
        "workflow_steps__consulted_agency",
    )


def export_json(procedures: QuerySet[Procedure]) -> bytes:
    items = [procedure_as_dict(p) for p in for_export(procedures).order_by("code")]
    return json.dumps(items, ensure_ascii=False, indent=1).encode("utf-8")


# ---------------------------------------------------------------- XLSX

# One sheet per table; each column: (key, Vietnamese heading).
PROCEDURE_SHEET = "Thủ tục"
FEE_SHEET = "Phí và lệ phí"
DOCUMENT_SHEET = "Thành phần hồ sơ"
FIELD_SHEET = "Trường biểu mẫu"
WORKFLOW_SHEET = "Quy trình xử lý"
COLUMNS: dict[str, list[tuple[str, str]]] = {
    PROCEDURE_SHEET: [
        ("code", "Mã thủ tục"),
        ("name", "Tên thủ tục"),
        ("sector", "Lĩnh vực"),
        ("sector_code", "Mã lĩnh vực"),
        ("tiers", "Cấp thực hiện"),
        ("agencies", "Cơ quan thực hiện"),
        ("receiving_points", "Nơi tiếp nhận"),
        ("level", "Mức độ"),
        ("online_mode", "Hình thức trực tuyến"),
        ("processing_days", "Thời hạn giải quyết (ngày làm việc)"),
        ("processing_note", "Ghi chú thời hạn"),
        ("requirements", "Yêu cầu, điều kiện"),
        ("steps", "Trình tự thực hiện"),
        ("result_type", "Kết quả"),
        ("legal_basis", "Căn cứ pháp lý"),
        ("published", "Công bố"),
        ("payment_first", "Thanh toán trước khi xử lý"),
    ],
    FEE_SHEET: [
        ("procedure", "Mã thủ tục"),
        ("kind", "Loại"),
        ("description", "Nội dung"),
        ("amount", "Số tiền (đồng)"),
        ("per_field", "Nhân theo trường"),
    ],
    DOCUMENT_SHEET: [
        ("procedure", "Mã thủ tục"),
        ("name", "Tên giấy tờ"),
        ("originals", "Bản chính"),
        ("copies", "Bản sao"),
        ("mandatory", "Bắt buộc"),
        ("template", "Mẫu đơn"),
    ],
    FIELD_SHEET: [
        ("procedure", "Mã thủ tục"),
        ("name", "Tên trường"),
        ("label", "Nhãn"),
        ("type", "Kiểu"),
        ("required", "Bắt buộc"),
        ("choices", "Lựa chọn"),
        ("validator", "Kiểm tra"),
        ("help_text", "Hướng dẫn"),
        ("profile", "Lấy từ hồ sơ cá nhân"),
        ("internal", "Không in trên kết quả"),
        ("official", "Cán bộ điền"),
    ],
    WORKFLOW_SHEET: [
        ("procedure", "Mã thủ tục"),
        ("kind", "Bước"),
        ("share", "Tỷ lệ thời gian (%)"),
        ("consulted_agency", "Cơ quan được lấy ý kiến"),
    ],
}


def read_xlsx(content: bytes) -> list[ProcedureRecord]:
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise ImportFailed([_("The file is not an Excel (XLSX) workbook.")]) from exc
    if PROCEDURE_SHEET not in book.sheetnames:
        raise ImportFailed(
            [_("The workbook has no sheet named %(sheet)s.") % {"sheet": PROCEDURE_SHEET}]
        )
    errors: list[str] = []
    records = [
        ProcedureRecord(row.where, row.data) for row in _sheet_rows(book, PROCEDURE_SHEET, errors)
    ]
    by_code: dict[str, ProcedureRecord] = {}
    for record in records:  # a repeated code stays a record of its own, for checking to report
        by_code.setdefault(_text(record.data.get("code")), record)
    fields_by_code: dict[str, list[dict[str, Any]]] = {}
    attached = (
        (FEE_SHEET, "fees"),
        (DOCUMENT_SHEET, "documents"),
        (WORKFLOW_SHEET, "workflow"),
        (FIELD_SHEET, None),
    )
    for sheet, attach in attached:
        for row in _sheet_rows(book, sheet, errors):
            owner = by_code.get(_text(row.data.get("procedure")))
            if owner is None:
                errors.append(
                    f"{row.where}: "
                    + _("no procedure with code %(code)r in sheet %(sheet)s.")
                    % {"code": row.data.get("procedure"), "sheet": PROCEDURE_SHEET}
                )
            elif attach:
                getattr(owner, attach).append(row)
            else:
                fields_by_code.setdefault(owner.data["code"], []).append(_form_field(row.data))
    if errors:
        raise ImportFailed(errors)
    for record in records:
        record.data["form_fields"] = fields_by_code.get(_text(record.data.get("code")), [])
    return records


def _sheet_rows(book, sheet: str, errors: list[str]) -> Iterable[Located]:
    if sheet not in book.sheetnames:
        return
    rows = book[sheet].iter_rows(values_only=True)
    headings = [fold(_text(h)) for h in next(rows, ())]
    columns = {}
    for key, heading in COLUMNS[sheet]:
        if fold(heading) in headings:
            columns[key] = headings.index(fold(heading))
    missing = [h for k, h in COLUMNS[sheet][:2] if k not in columns]
    if missing:
        errors.append(
            _("Sheet %(sheet)s lacks the columns %(columns)s.")
            % {"sheet": sheet, "columns": ", ".join(missing)}
        )
        return
    for number, values in enumerate(rows, start=2):
        if all(v is None or _text(v) == "" for v in values):
            continue
        data = {key: values[i] if i < len(values) else None for key, i in columns.items()}
        yield Located(_("sheet %(sheet)s, line %(line)s") % {"sheet": sheet, "line": number}, data)


def _form_field(data: dict[str, Any]) -> dict[str, Any]:
    def said_yes(key: str) -> bool:
        return fold(_text(data.get(key))) in _TRUE_WORDS

    return {
        "name": _text(data.get("name")),
        "label": _text(data.get("label")),
        "type": _text(data.get("type")),
        "required": said_yes("required"),
        "choices": [c.strip() for c in _text(data.get("choices")).split("|") if c.strip()],
        "validator": _text(data.get("validator")),
        "help_text": _text(data.get("help_text")),
        **({"profile": profile} if (profile := _text(data.get("profile"))) else {}),
        **{flag: True for flag in ("internal", "official") if said_yes(flag)},
    }


def export_xlsx(procedures: QuerySet[Procedure]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    sheets = {name: book.create_sheet(name) for name in COLUMNS}
    for name, sheet in sheets.items():
        sheet.append([heading for _key, heading in COLUMNS[name]])
    for procedure in for_export(procedures).order_by("code"):
        item = procedure_as_dict(procedure)
        item["tiers"] = ", ".join(item["tiers"])
        item["agencies"] = ", ".join(item["agencies"])
        item["receiving_points"] = ", ".join(item["receiving_points"])
        item["published"] = "Có" if item["published"] else "Không"
        item["payment_first"] = "Có" if item["payment_first"] else "Không"
        _append(sheets[PROCEDURE_SHEET], PROCEDURE_SHEET, item)
        for fee in item["fees"]:
            _append(sheets[FEE_SHEET], FEE_SHEET, {**fee, "procedure": procedure.code})
        for document in item["documents"]:
            document = {**document, "mandatory": "Có" if document["mandatory"] else "Không"}
            _append(
                sheets[DOCUMENT_SHEET], DOCUMENT_SHEET, {**document, "procedure": procedure.code}
            )
        for form_field in item["form_fields"]:
            row = {
                **form_field,
                "procedure": procedure.code,
                **{
                    flag: "Có" if form_field.get(flag) else "Không"
                    for flag in ("required", "internal", "official")
                },
                "choices": " | ".join(form_field.get("choices", [])),
            }
            _append(sheets[FIELD_SHEET], FIELD_SHEET, row)
        for step in item["workflow_steps"]:
            _append(sheets[WORKFLOW_SHEET], WORKFLOW_SHEET, {**step, "procedure": procedure.code})
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def _append(sheet, name: str, item: dict[str, Any]) -> None:
    sheet.append([item.get(key, "") for key, _heading in COLUMNS[name]])


# ---------------------------------------------------------------- files


def read_file(filename: str, content: bytes) -> list[ProcedureRecord]:
    lower = filename.lower()
    if lower.endswith(".json"):
        return read_json(content)
    if lower.endswith(".xlsx"):
        return read_xlsx(content)
    raise ImportFailed([_("Only .json and .xlsx files can be imported.")])


def export_file(filename: str, procedures: QuerySet[Procedure]) -> bytes:
    lower = filename.lower()
    if lower.endswith(".json"):
        return export_json(procedures)
    if lower.endswith(".xlsx"):
        return export_xlsx(procedures)
    raise ValueError(_("Only .json and .xlsx files can be exported."))

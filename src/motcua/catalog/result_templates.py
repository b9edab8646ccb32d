"""A result document in its official form: the procedure's wording, filled with the answers and
laid out as Decree 30/2020/NĐ-CP presents an administrative document.

The header names the issuing agency (its governing body above it) on the left and the national
motto on the right, under them the number and symbol and the place and date; then the document
type and summary, the body, "Nơi nhận" and the signature block. The answers are printed as a
document writes them (dates dd/mm/yyyy, a checkbox as Có or Không, a choice by its text, names
as typed); internal fields (contact details, the number of copies, what the form definition
marks internal) never reach the wording. A procedure without its own wording issues the generic
notice of the result, which lists the public answers.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils.functional import Promise
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from motcua.agencies.models import Agency, Kind
from motcua.catalog import sandbox
from motcua.catalog.formdef import is_internal
from motcua.catalog.models import Procedure, ResultTemplate
from motcua.core.pdf import html_to_pdf, qr_svg
from motcua.core.text import fold

LAYOUT = "catalog/result.pdf.html"

# What every wording may print besides the form's answers.
BUILT_IN: dict[str, Promise] = {
    "nguoi_nop": _("the applicant's name"),
    "ma_ho_so": _("the dossier code"),
    "ten_thu_tuc": _("the procedure's name"),
    "ket_qua": _("the result (the procedure's result type)"),
    "co_quan": _("the issuing agency"),
    "ngay_cap": _("the date of issue, dd/mm/yyyy"),
}

# The generic notice, for procedures without their own wording.
GENERIC = {
    "document_type": "Thông báo",
    "title": "Về kết quả giải quyết thủ tục hành chính",
    "symbol": "TB",
    "body": (
        "Căn cứ hồ sơ mã số {{ ma_ho_so }} của ông/bà {{ nguoi_nop }} đề nghị giải quyết "
        "thủ tục {{ ten_thu_tuc }};\n\n"
        "{{ co_quan }} thông báo: hồ sơ đã được giải quyết xong. Kết quả giải quyết: "
        "{{ ket_qua }}.\n\n"
        "Thông tin của hồ sơ như sau:"
    ),
    "recipients": "- Ông/bà {{ nguoi_nop }};\n- Lưu: VT, hồ sơ {{ ma_ho_so }}.",
}

# Heads of agencies, by the start of the agency's name; a People's Committee decides as a body.
HEADS = (
    ("ủy ban nhân dân", ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH")),
    ("sở", ("GIÁM ĐỐC",)),
    ("trung tâm", ("GIÁM ĐỐC",)),
    ("ban", ("TRƯỞNG BAN",)),
    ("thanh tra", ("CHÁNH THANH TRA",)),
)
UNIT_WORDS = ("thành phố", "thị xã", "thị trấn", "huyện", "quận", "phường", "xã", "tỉnh")
GOVERNED = (Kind.DEPARTMENT, Kind.SERVICE_CENTER)
PEOPLES_COMMITTEE = "uy ban nhan dan"  # folded, as fold() writes it


@dataclass(frozen=True)
class Issue:
    """Who issues the result, under which number and on which day, for whom, signed by whom."""

    agency: Agency
    number: str
    day: datetime.date
    applicant: str
    dossier_code: str
    signer: str = ""
    verification_url: str = ""


# ---------------------------------------------------------------- the answers


def internal_names(procedure: Procedure) -> set[str]:
    """The form's fields never printed: marked internal, contact details, fee multipliers."""
    multipliers = {fee.per_field for fee in procedure.fees.all() if fee.per_field}
    return {
        field["name"]
        for field in procedure.form_fields
        if is_internal(field) or field["name"] in multipliers
    }


def public_fields(procedure: Procedure) -> list[dict[str, Any]]:
    internal = internal_names(procedure)
    return [field for field in procedure.form_fields if field["name"] not in internal]


def formatted(field: Mapping[str, Any], value: Any) -> str:
    """An answer as a document prints it; an answer that does not parse is printed as given."""
    kind = field.get("type")
    if kind == "checkbox":
        return "Có" if value else "Không"
    if kind == "date":
        try:
            return datetime.date.fromisoformat(str(value)).strftime("%d/%m/%Y")
        except ValueError:
            return str(value)
    if kind == "integer" and isinstance(value, int):
        return f"{value:,}".replace(",", ".")
    # Text as typed; a choice is stored as its own text, which is its label.
    return str(value)


def public_values(procedure: Procedure, answers: Mapping[str, Any]) -> dict[str, str]:
    """Every public field's printed answer, empty when unanswered; nothing internal."""
    return {
        field["name"]: formatted(field, answers[field["name"]])
        if answers.get(field["name"]) not in (None, "")
        else ""
        for field in public_fields(procedure)
    }


def sample_answers(procedure: Procedure) -> dict[str, Any]:
    """Plausible answers to every field, stored as a submission stores them, for a preview."""
    return {field["name"]: _sample(field) for field in procedure.form_fields}


def _sample(field: Mapping[str, Any]) -> Any:
    kind, label = field.get("type"), fold(field.get("label", ""))
    by_kind = {"date": "1995-03-15", "integer": 2, "checkbox": True, "textarea": "Nội dung mẫu."}
    if kind in by_kind:
        return by_kind[kind]
    if field.get("choices"):
        return field["choices"][0]
    by_validator = {
        "cccd": "046095001234",
        "phone": "0905123456",
        "email": "nguyenvanan@example.vn",
        "tax_code": "3301234567",
    }
    if field.get("validator") in by_validator:
        return by_validator[field["validator"]]
    if "ten" in label.split() and "ho" in label.split():
        return "Nguyễn Văn An"
    if "dia chi" in label or "noi" in label.split():
        return "12 Lê Lợi, phường Phú Hội, thành phố Huế, tỉnh Thừa Thiên Huế"
    return f"[{field.get('label', field['name'])}]"


# ---------------------------------------------------------------- the wording


def wording_for(procedure: Procedure) -> ResultTemplate:
    """The procedure's own wording, or the generic notice (unsaved)."""
    try:
        return procedure.result_template
    except ResultTemplate.DoesNotExist:
        return ResultTemplate(procedure=procedure, **GENERIC)


def placeholders(procedure: Procedure) -> dict[str, str]:
    """The names a wording of `procedure` may use, with what each prints."""
    return {
        **{name: str(description) for name, description in BUILT_IN.items()},
        **{field["name"]: field.get("label", "") for field in public_fields(procedure)},
    }


def check_wording(template: ResultTemplate) -> None:
    """Refuse a wording with more than placeholders of its procedure's form, field by field."""
    names = placeholders(template.procedure)
    internal = internal_names(template.procedure) - set(names)
    errors = {}
    for part in ("body", "recipients"):
        try:
            sandbox.check(getattr(template, part), names, internal)
        except ValidationError as error:
            errors[part] = error
    if errors:
        raise ValidationError(errors)


# ---------------------------------------------------------------- the document


def result_html(procedure: Procedure, answers: Mapping[str, Any], issue: Issue) -> str:
    """The result as HTML; kept apart from the PDF so its content can be checked as text."""
    wording = wording_for(procedure)
    values = {
        "nguoi_nop": issue.applicant,
        "ma_ho_so": issue.dossier_code,
        "ten_thu_tuc": procedure.name,
        "ket_qua": procedure.result_type or procedure.name,
        "co_quan": issue.agency.name,
        "ngay_cap": issue.day.strftime("%d/%m/%Y"),
        **public_values(procedure, answers),
    }
    context = {
        "wording": wording,
        "issue": issue,
        "governing_body": _governing_body(issue.agency),
        "agency_lines": agency_lines(issue.agency),
        "place_date": f"{place_of(issue.agency)}, {sandbox.in_words(issue.day)}",
        "body": sandbox.render(wording.body, values),
        "recipients": sandbox.render(wording.recipients, values),
        # The generic notice, having no wording of its own, lists what the form answered.
        "answers": _listed(procedure, answers) if wording.pk is None else [],
        "signer_position": signer_position(wording, issue.agency),
        # qrcode writes the markup itself; the URL only sets which squares are dark.
        "qr": mark_safe(qr_svg(issue.verification_url)) if issue.verification_url else "",
    }
    return render_to_string(LAYOUT, context)


def result_pdf(procedure: Procedure, answers: Mapping[str, Any], issue: Issue) -> bytes:
    """The unsigned result as an A4 PDF."""
    return html_to_pdf(result_html(procedure, answers, issue))


def _listed(procedure: Procedure, answers: Mapping[str, Any]) -> list[tuple[str, str]]:
    printed = public_values(procedure, answers)
    return [
        (field.get("label") or field["name"], printed[field["name"]])
        for field in public_fields(procedure)
        if printed[field["name"]]
    ]


def _governing_body(agency: Agency) -> str:
    """The body above a department or centre, printed over its name; a People's Committee
    heads its own documents."""
    if agency.kind in GOVERNED and agency.parent_id is not None:
        return agency.parent.name
    return ""


def agency_lines(agency: Agency) -> list[str]:
    """The issuing agency's name as the header prints it: a People's Committee on two lines
    ("Ủy ban nhân dân" over "xã Phú An"), any other agency on one."""
    if fold(agency.name).startswith(PEOPLES_COMMITTEE + " "):
        return [agency.name[: len(PEOPLES_COMMITTEE)], agency.name[len(PEOPLES_COMMITTEE) + 1 :]]
    return [agency.name]


def place_of(agency: Agency) -> str:
    """Where the document is made: the locality of the People's Committee the agency belongs to
    ("Phú An" for the commune's, "Thừa Thiên Huế" for a provincial department)."""
    seat = agency
    while seat.kind in GOVERNED and seat.parent_id is not None:
        seat = seat.parent
    name = agency_lines(seat)[-1]
    for word in UNIT_WORDS:
        if name.lower().startswith(word + " "):
            return name[len(word) + 1 :]
    return name


def signer_position(wording: ResultTemplate, agency: Agency) -> list[str]:
    """The lines above the signer's name: the wording's own, or the head of the agency."""
    if wording.signer_position.strip():
        return [line.strip() for line in wording.signer_position.split("/") if line.strip()]
    name = fold(agency.name)
    return next(
        (list(lines) for start, lines in HEADS if name.startswith(fold(start) + " ")),
        ["THỦ TRƯỞNG CƠ QUAN"],
    )

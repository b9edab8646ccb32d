"""The applicant's answers as the officials read them: the form's labels, values written out."""

from __future__ import annotations

from typing import Any

from motcua.catalog.models import Procedure
from motcua.catalog.result_templates import formatted


def labelled_answers(procedure: Procedure, answers: dict[str, Any]) -> list[tuple[str, str]]:
    """Each answered field of the procedure's form in the form's order, under its label, its
    value as the result document prints it (dd/mm/yyyy dates, Có/Không); an answer to a field
    the form no longer has comes last, under its own name."""
    fields = {field["name"]: field for field in procedure.form_fields or []}
    shown = [
        (field.get("label") or name, formatted(field, answers[name]))
        for name, field in fields.items()
        if answers.get(name) not in (None, "")
    ]
    stale = [(name, str(value)) for name, value in answers.items() if name not in fields]
    return shown + [(name, value) for name, value in stale if value]

"""Declarative definitions of a procedure's online form fields, and their checking.

A definition is a list of fields, each a dict:
``{"name": "so_ban_sao", "label": "Số bản sao", "type": "integer", "required": true,
"choices": [], "validator": "", "help_text": "", "profile": ""}``.

``profile`` names the attribute of the applicant's own profile that fills the field in advance
(``"profile": "id_number"``); only the applicant's own fields carry one, so that a marriage
form never puts the applicant's identity number into the other spouse's field.

``internal: true`` keeps an answer off the result document (`catalog/result_templates.py`), as
are contact details (a phone or e-mail validator) and a number a fee is multiplied by.

``official: true`` makes the field a finding of the agency, not a question to the applicant:
the applicant's form leaves it out, and the specialist fills it in when sending the dossier
for review (the judicial record's "Án tích", an inspection's conclusion); the result document
prints it like any answer.
"""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext as _

from motcua.core.validators import FIELD_VALIDATORS

FIELD_TYPES = ("text", "textarea", "integer", "date", "select", "radio", "checkbox")
TYPES_WITH_CHOICES = ("select", "radio")
_NAME = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
KNOWN_KEYS = {
    "name",
    "label",
    "type",
    "required",
    "choices",
    "validator",
    "help_text",
    "profile",
    "internal",
    "official",
}
# Contact details serve the agency, never the document it issues.
CONTACT_VALIDATORS = ("phone", "email")
# The profile attributes a field may take its first value from, and the field types they fit.
PROFILE_ATTRIBUTES = {
    "full_name": ("text",),
    "id_number": ("text",),
    "phone": ("text",),
    "email": ("text",),
    "address": ("text", "textarea"),
    "tax_code": ("text",),
    "birth_date": ("date",),
}


def definition_errors(fields: Any) -> list[str]:
    """Every problem of a form definition, in words an administrator understands."""
    if not isinstance(fields, list):
        return [_("The form fields must be a list.")]
    errors: list[str] = []
    seen: set[str] = set()
    for number, field in enumerate(fields, start=1):
        prefix = _("Field %(n)s") % {"n": number}
        errors.extend(f"{prefix}: {error}" for error in _field_errors(field))
        if isinstance(field, dict):
            if field.get("name") in seen:
                errors.append(_("Field name %(name)s is used twice.") % {"name": field["name"]})
            seen.add(field.get("name"))
    return errors


def _field_errors(field: Any) -> list[str]:
    if not isinstance(field, dict):
        return [_("each field must be an object.")]
    errors = []
    unknown = set(field) - KNOWN_KEYS
    if unknown:
        errors.append(_("unknown keys %(keys)s.") % {"keys": ", ".join(sorted(unknown))})
    if not _NAME.match(str(field.get("name", ""))):
        errors.append(_("the name must be lower-case letters, digits and underscores."))
    if not str(field.get("label", "")).strip():
        errors.append(_("the label is missing."))
    kind = field.get("type")
    if kind not in FIELD_TYPES:
        errors.append(_("the type must be one of %(types)s.") % {"types": ", ".join(FIELD_TYPES)})
    choices = field.get("choices", [])
    if kind in TYPES_WITH_CHOICES and not choices:
        errors.append(_("a choice field needs its choices."))
    if not isinstance(choices, list) or not all(isinstance(c, str) and c for c in choices):
        errors.append(_("the choices must be a list of texts."))
    validator = field.get("validator", "")
    if validator and validator not in FIELD_VALIDATORS:
        errors.append(
            _("the validator must be one of %(names)s.")
            % {"names": ", ".join(sorted(FIELD_VALIDATORS))}
        )
    if not isinstance(field.get("required", False), bool):
        errors.append(_("required must be true or false."))
    flags = {
        "internal": _("internal must be true or false."),
        "official": _("official must be true or false."),
    }
    errors.extend(
        error for flag, error in flags.items() if not isinstance(field.get(flag, False), bool)
    )
    errors.extend(_profile_errors(field.get("profile", ""), kind))
    if field.get("official") is True and field.get("profile"):
        errors.append(
            _("a field the official fills in takes nothing from the applicant's profile.")
        )
    return errors


def _profile_errors(attribute: Any, kind: Any) -> list[str]:
    if not attribute:
        return []
    if attribute not in PROFILE_ATTRIBUTES:
        return [
            _("the profile attribute must be one of %(names)s.")
            % {"names": ", ".join(sorted(PROFILE_ATTRIBUTES))}
        ]
    if kind not in PROFILE_ATTRIBUTES[attribute]:
        return [
            _("the profile attribute %(name)s fits only a field of type %(types)s.")
            % {"name": attribute, "types": ", ".join(PROFILE_ATTRIBUTES[attribute])}
        ]
    return []


def is_internal(field: dict[str, Any]) -> bool:
    """Whether an answer serves the agency only (marked so, or contact details) and is never
    printed on the result."""
    return field.get("internal", False) is True or field.get("validator") in CONTACT_VALIDATORS


def is_official(field: dict[str, Any]) -> bool:
    """Whether the agency's official fills the field in, never the applicant."""
    return field.get("official", False) is True


def applicant_fields(fields: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The fields the applicant answers (the form's questions), in the form's order."""
    return [field for field in fields if not is_official(field)]


def official_fields(fields: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The findings the specialist fills in before sending the dossier for review."""
    return [field for field in fields if is_official(field)]

"""The online submission form, built from the procedure's declarative definition."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from motcua.catalog.formdef import applicant_fields, official_fields
from motcua.catalog.models import Procedure
from motcua.core.validators import FIELD_VALIDATORS
from motcua.dossiers.models import Satisfaction
from motcua.dossiers.places import place_choices
from motcua.dossiers.uploads import check_upload


def _field(definition: dict[str, Any]) -> forms.Field:
    kind = definition["type"]
    options: dict[str, Any] = {
        "label": definition["label"],
        "required": definition.get("required", False),
        "help_text": definition.get("help_text", ""),
    }
    validator = FIELD_VALIDATORS.get(definition.get("validator", ""))
    if validator:
        options["validators"] = [validator]
    choices = [(choice, choice) for choice in definition.get("choices", [])]
    if kind == "textarea":
        return forms.CharField(max_length=5000, widget=forms.Textarea(attrs={"rows": 4}), **options)
    if kind == "integer":
        return forms.IntegerField(min_value=0, max_value=1_000_000, **options)
    if kind == "date":
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **options)
    if kind == "select":
        return forms.ChoiceField(choices=[("", "—"), *choices], **options)
    if kind == "radio":
        return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **options)
    if kind == "checkbox":
        return forms.BooleanField(**options)
    return forms.CharField(max_length=500, **options)


class SubmissionForm(forms.Form):
    """Answers, receiving point and files of one dossier.

    With `for_draft`, nothing is required: a draft keeps whatever the applicant has so far.
    `attached` gives the name of the file a draft already has for a document (by its id).
    `applicant` puts the places near them first in the list of receiving points.
    """

    token = forms.CharField(widget=forms.HiddenInput)

    def __init__(
        self,
        procedure: Procedure,
        *args,
        for_draft: bool = False,
        attached: Mapping[int, str] = MappingProxyType({}),
        applicant=None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.procedure = procedure
        self.attached = attached
        places = place_choices(procedure, applicant)
        if len(places) > 1 or (places and isinstance(places[0][1], list)):
            self.fields["agency"] = forms.ChoiceField(
                label=_("Where to submit"),
                choices=[("", "—"), *places],
                widget=forms.Select(
                    attrs={"data-filter": _("Find a place by its name (e.g. Phu An)")}
                ),
            )
        for definition in applicant_fields(procedure.form_fields):
            self.fields[f"field_{definition['name']}"] = _field(definition)
        for document in procedure.documents.all():
            self.fields[f"document_{document.pk}"] = forms.FileField(
                label=document.name,
                required=document.mandatory and document.pk not in attached,
                validators=[check_upload],
                widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
            )
        if for_draft:
            for name, field in self.fields.items():
                field.required = name == "token"

    def answer_fields(self):
        return [self[name] for name in self.fields if name.startswith("field_")]

    def document_fields(self):
        return [self[name] for name in self.fields if name.startswith("document_")]

    def documents_with_kept_files(self) -> list[tuple[forms.BoundField, str]]:
        """Each document's file field, with the name of the file already kept for it (or "")."""
        return [
            (field, self.attached.get(int(field.name.removeprefix("document_")), ""))
            for field in self.document_fields()
        ]

    def answers(self) -> dict[str, Any]:
        """The form answers as JSON-ready values, keyed by the definition's names."""
        return _stored(self.cleaned_data)

    def agency_code(self) -> str | None:
        return self.cleaned_data.get("agency") or None

    def uploads(self) -> dict[int, Any]:
        return {
            int(name.removeprefix("document_")): upload
            for name, upload in self.cleaned_data.items()
            if name.startswith("document_") and upload
        }


def _stored(cleaned_data: Mapping[str, Any]) -> dict[str, Any]:
    """The `field_<name>` values of a form as a dossier stores them: by name, dates in ISO
    form, unanswered ones left out."""
    values = {}
    for name, value in cleaned_data.items():
        if name.startswith("field_") and value not in (None, ""):
            is_date = isinstance(value, datetime.date)
            values[name.removeprefix("field_")] = value.isoformat() if is_date else value
    return values


def finding_fields(procedure: Procedure, current: Mapping[str, Any]) -> dict[str, forms.Field]:
    """The form fields of the procedure's findings (`field_<name>`), holding `current` values:
    the specialist's part of the action panel, checked by `FindingsForm`."""
    fields = {}
    for definition in official_fields(procedure.form_fields):
        field = _field(definition)
        field.initial = current.get(definition["name"])
        fields[f"field_{definition['name']}"] = field
    return fields


class FindingsForm(forms.Form):
    """The specialist's findings: the procedure's official fields, from raw values by name (a
    page's POST or an API's JSON object)."""

    def __init__(self, procedure: Procedure, given: Mapping[str, Any]):
        super().__init__(data={f"field_{name}": value for name, value in given.items()})
        self.fields.update(finding_fields(procedure, {}))
        self.unknown = sorted(str(name) for name in given if f"field_{name}" not in self.fields)

    def clean(self):
        if self.unknown:
            raise forms.ValidationError(
                _("The procedure has no finding named %(names)s.")
                % {"names": ", ".join(self.unknown)}
            )
        return super().clean()

    def findings(self) -> dict[str, Any]:
        return _stored(self.cleaned_data)

    def problems(self) -> list[str]:
        """Each error under the label of its field, in words for the official."""
        return [
            f"{self.fields[name].label}: {message}" if name in self.fields else message
            for name, messages in self.errors.items()
            for message in messages
        ]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input, each checked by content (as Django's docs suggest)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        files = data if isinstance(data, list | tuple) else [data]
        return [single(item, initial) for item in files if item]


class SupplementAnswerForm(forms.Form):
    files = MultipleFileField(
        label=_("Documents asked for (PDF, JPEG or PNG)"), required=False, validators=[]
    )
    note = forms.CharField(
        label=_("Your answer"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_files(self):
        files = self.cleaned_data["files"]
        for upload in files:
            check_upload(upload)
        return files


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you withdraw it? (optional)"),
        required=False,
        max_length=500,
    )


class RatingForm(forms.Form):
    level = forms.ChoiceField(
        label=_("How satisfied are you with the service?"),
        choices=Satisfaction.choices,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

from django import forms
from django.utils.translation import gettext_lazy as _

from motcua.accounts.models import Role, User
from motcua.agencies.models import Agency
from motcua.backoffice.intake import Applicant
from motcua.core.validators import normalize_phone, validate_cccd, validate_phone
from motcua.dossiers import effects, workflow
from motcua.dossiers.forms import SubmissionForm, finding_fields
from motcua.dossiers.models import Channel, Delivery
from motcua.dossiers.queries import consultable_agencies


class AgencyChoice(forms.ModelChoiceField):
    """An agency with the one above it: two communes of one name in two districts differ."""

    def label_from_instance(self, agency) -> str:
        return f"{agency.name} ({agency.parent.name})" if agency.parent_id else agency.name


class ActionForm(forms.Form):
    """One action of the workflow table with only what it needs: a reason, a specialist, what
    is missing, an agency to consult, how the result was handed over."""

    action = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    to_applicant = forms.BooleanField(
        label=_("The applicant may read this comment"),
        required=False,
        help_text=_("Otherwise it stays an internal remark of the officials."),
    )
    assignee = forms.ModelChoiceField(
        label=_("Specialist"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("— Choose a specialist —"),
    )
    items = forms.CharField(
        label=_("What is missing (one per line)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    agency = AgencyChoice(
        label=_("Agency consulted"),
        queryset=Agency.objects.none(),
        required=False,
        empty_label=_("— Choose an agency —"),
    )
    delivery = forms.ChoiceField(
        label=_("Handed over"),
        choices=[(Delivery.DESK, Delivery.DESK.label), (Delivery.POST, Delivery.POST.label)],
        required=False,
        widget=forms.RadioSelect,
    )
    result_file = forms.FileField(
        label=_("Result prepared outside (PDF), instead of the procedure's template"),
        required=False,
    )

    def __init__(self, dossier, transition: workflow.Transition, *args, **kwargs):
        # Its own element ids: the page's other forms (the apology's) have a reason too.
        kwargs.setdefault("auto_id", "action_%s")
        super().__init__(*args, initial={"action": transition.action}, **kwargs)
        needs = transition.needs
        if workflow.REASON in needs:
            self.fields["reason"].label = _("Reason")
            self.fields["reason"].required = True
        if transition.action in workflow.NOTES_TO_APPLICANT:
            self.fields["reason"].help_text = _("The applicant reads it on their dossier page.")
            del self.fields["to_applicant"]
        for name in (workflow.ASSIGNEE, workflow.ITEMS, workflow.AGENCY, workflow.DELIVERY):
            if name not in needs:
                del self.fields[name]
        if transition.action != "approve":
            del self.fields["result_file"]
        # Decree 61/2018: one supplement request; a second is warned about and needs a reason.
        self.warning = ""
        if transition.action == "request_supplement" and dossier.supplement_count:
            self.warning = effects.SECOND_REQUEST_WARNING
            self.fields["reason"].label = _("Reason for asking again")
            self.fields["reason"].required = True
        if "assignee" in self.fields:
            self.fields["assignee"].queryset = User.objects.filter(
                agency_id=dossier.deciding_agency_id, role=Role.SPECIALIST, is_active=True
            ).order_by("full_name", "username")
        if "agency" in self.fields:
            self.fields["agency"].queryset = consultable_agencies(dossier).select_related("parent")
        # The findings the result states, filled in by the specialist (catalog.formdef).
        self.findings = {}
        if workflow.FINDINGS in needs:
            self.findings = finding_fields(dossier.procedure, dossier.findings)
            self.fields.update(self.findings)
            self.order_fields(["action", *self.findings])  # what the step is about, first

    def given(self) -> dict:
        """What the action was given, as services.perform takes it."""
        data = self.cleaned_data
        items = data.get("items", "")
        return {
            "reason": data["reason"],
            "to_applicant": data.get("to_applicant", False),
            "assignee": data.get("assignee"),
            "items": [line.strip() for line in items.splitlines() if line.strip()],
            "agency": data.get("agency"),
            "delivery": data.get("delivery", ""),
            "result_file": data.get("result_file"),
            "findings": {
                name.removeprefix("field_"): self.data.get(name) for name in self.findings
            },
        }


# The applicant's details the desk types once, by the profile attribute a form field takes.
APPLICANT_ATTRIBUTES = {
    "full_name": "applicant_name",
    "id_number": "applicant_id_number",
    "phone": "applicant_phone",
    "email": "applicant_email",
}


class DeskIntakeForm(SubmissionForm):
    """A paper dossier typed in by the desk officer: who brought it, how, and its content."""

    channel = forms.ChoiceField(
        label=_("Handed in"),
        choices=[(Channel.DESK, _("At the desk")), (Channel.POST, _("By post"))],
        widget=forms.RadioSelect,
        initial=Channel.DESK,
    )
    applicant_name = forms.CharField(label=_("Applicant's full name"), max_length=200)
    applicant_id_number = forms.CharField(
        label=_("Applicant's CCCD number"),
        max_length=12,
        required=False,
        validators=[validate_cccd],
    )
    applicant_phone = forms.CharField(
        label=_("Applicant's phone"), max_length=16, required=False, validators=[validate_phone]
    )
    applicant_email = forms.EmailField(label=_("Applicant's e-mail"), required=False)

    def __init__(self, procedure, officer, *args, **kwargs):
        super().__init__(procedure, *args, **kwargs)
        # The dossier is received at the officer's desk: no choice of where to submit.
        self.fields.pop("agency", None)
        self.officer = officer
        # The applicant is typed once: the form's own fields for them are filled from above.
        self.typed_once = {
            definition["name"]: APPLICANT_ATTRIBUTES[definition["profile"]]
            for definition in procedure.form_fields
            if definition.get("profile") in APPLICANT_ATTRIBUTES
        }
        for name in self.typed_once:
            self.fields.pop(f"field_{name}", None)
        # A document kept on paper (Decision 766: not digitised) instead of a scan.
        for document in procedure.documents.all():
            self.fields[f"paper_{document.pk}"] = forms.BooleanField(
                label=_("Received on paper, not scanned"), required=False
            )

    def clean(self):
        data = super().clean()
        for name in [n for n in self.errors if n.startswith("document_")]:
            if data.get(f"paper_{name.removeprefix('document_')}"):
                del self.errors[name]
        return data

    def document_rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        """Each required document's scan field with its "on paper" box."""
        return [
            (field, self[f"paper_{field.name.removeprefix('document_')}"])
            for field in self.document_fields()
        ]

    def on_paper(self) -> list[int]:
        """The documents received on paper only, without a scan."""
        return [
            int(name.removeprefix("paper_"))
            for name, value in self.cleaned_data.items()
            if name.startswith("paper_")
            and value
            and not self.uploads().get(int(name.removeprefix("paper_")))
        ]

    def answers(self) -> dict:
        typed = {field: self.cleaned_data.get(field) for field in APPLICANT_ATTRIBUTES.values()}
        filled = {name: typed[field] for name, field in self.typed_once.items() if typed[field]}
        return {**super().answers(), **filled}

    def applicant(self) -> Applicant:
        data = self.cleaned_data
        return Applicant(
            name=data["applicant_name"],
            id_number=data["applicant_id_number"],
            phone=normalize_phone(data["applicant_phone"]) if data["applicant_phone"] else "",
            email=data["applicant_email"],
        )


class ApologyForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the delay"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    new_due_date = forms.DateField(
        label=_("New appointment date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class OpinionForm(forms.Form):
    opinion = forms.CharField(
        label=_("Opinion of your agency"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )

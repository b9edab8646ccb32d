from django import forms
from django.utils.translation import gettext_lazy as _

from motcua.accounts.models import Role, User
from motcua.agencies.models import Agency
from motcua.backoffice.intake import Applicant
from motcua.core.validators import normalize_phone, validate_cccd, validate_phone
from motcua.dossiers.forms import SubmissionForm
from motcua.dossiers.models import Channel, Delivery
from motcua.dossiers.queries import consultable_agencies


class ActionForm(forms.Form):
    """An official's action with what it may need: a reason, a specialist, what is missing."""

    action = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason or comment"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    assignee = forms.ModelChoiceField(
        label=_("Specialist"), queryset=User.objects.none(), required=False
    )
    items = forms.CharField(
        label=_("What is missing (one per line)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    agency = forms.ModelChoiceField(
        label=_("Agency consulted"), queryset=Agency.objects.none(), required=False
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

    def __init__(self, dossier, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = User.objects.filter(
            agency=dossier.agency, role=Role.SPECIALIST, is_active=True
        )
        self.fields["agency"].queryset = consultable_agencies(dossier)

    def item_list(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["items"].splitlines() if line.strip()]


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
        # The dossier is the officer's agency's: no choice of where to submit.
        self.fields.pop("agency", None)
        self.officer = officer

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

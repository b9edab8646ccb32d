"""What a citizen sends, and what officials and the sender answer; shared by pages and API."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.agencies.models import Agency
from motcua.catalog.models import Procedure
from motcua.core.validators import normalize_phone, validate_phone
from motcua.dossiers.models import Satisfaction
from motcua.dossiers.uploads import check_upload
from motcua.feedback.models import Subject
from motcua.feedback.queries import dossiers_of

TEXT_LIMIT = 5000


class FeedbackForm(forms.Form):
    """Feedback about a procedure, one of the sender's dossiers or an agency.

    `clean` works out where it goes (`cleaned_data["agency"]`): a dossier's deciding agency, the
    procedure's (the sender picks one when several carry it out) or the agency chosen. An
    anonymous sender gives a name and a phone number or an e-mail address.
    """

    subject = forms.ChoiceField(label=_("Your feedback is about"), choices=Subject.choices)
    procedure = forms.CharField(label=_("Procedure code"), max_length=64, required=False)
    dossier = forms.CharField(label=_("Dossier code"), max_length=48, required=False)
    agency = forms.CharField(label=_("Agency"), max_length=32, required=False)
    title = forms.CharField(label=_("Title"), max_length=200)
    text = forms.CharField(
        label=_("Your feedback"),
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "What happened, and what you suggest. Do not write personal data here: if you let"
            " the answer be published, this text is published with it."
        ),
    )
    name = forms.CharField(label=_("Your name"), max_length=150, required=False)
    phone = forms.CharField(label=_("Mobile phone"), max_length=16, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    publish_consent = forms.BooleanField(
        label=_("The answer may be published on the portal, without my name or contact"),
        required=False,
    )
    attachment = forms.FileField(label=_("One file (PDF, JPEG or PNG)"), required=False)

    def __init__(self, user, *args, dossiers=None, **kwargs):
        """`dossiers`: those the feedback may be about (by default the user's own; the
        national portal, which signed its citizen in, names any registered dossier)."""
        super().__init__(*args, **kwargs)
        self.user = user
        self.dossiers = dossiers if dossiers is not None else dossiers_of(user)
        if user.is_authenticated:
            for field in ("name", "phone", "email"):
                del self.fields[field]

    def clean_attachment(self):
        """The file, checked by its content; its type kept for storing it."""
        upload = self.cleaned_data["attachment"]
        self.cleaned_data["attachment_type"] = check_upload(upload) if upload else ""
        return upload

    def clean_phone(self) -> str:
        phone = normalize_phone(self.cleaned_data["phone"].strip())
        if phone:
            validate_phone(phone)
        return phone

    def clean(self) -> dict:
        data = super().clean()
        if self.errors:
            return data
        if not self.user.is_authenticated:
            self._clean_contact(data)
        subject = data["subject"]
        if subject == Subject.DOSSIER:
            dossier = self._dossier(data["dossier"])
            data.update(dossier=dossier, procedure=dossier.procedure)
            data["agency"] = Agency.objects.get(pk=dossier.deciding_agency_id)
        elif subject == Subject.PROCEDURE:
            procedure = self._procedure(data["procedure"])
            data.update(dossier=None, procedure=procedure)
            data["agency"] = self._deciding(procedure, data["agency"])
        else:
            data.update(dossier=None, procedure=None, agency=self._agency(data["agency"]))
        return data

    def _clean_contact(self, data: dict) -> None:
        if not data.get("name", "").strip():
            self.add_error("name", _("Give your name, so that the agency can answer you."))
        if not (data.get("phone") or data.get("email")):
            raise ValidationError(
                _("Give a mobile phone number or an e-mail address to receive the answer."),
                code="contact",
            )

    def _dossier(self, code: str):
        dossier = self.dossiers.filter(code=code.strip()).first() if code else None
        if dossier is None:
            raise ValidationError(
                {"dossier": _("Choose one of your own dossiers by its code.")}, code="dossier"
            )
        return dossier

    def _procedure(self, code: str) -> Procedure:
        procedure = Procedure.objects.filter(code=code.strip(), published=True).first()
        if procedure is None:
            raise ValidationError(
                {"procedure": _("No published procedure has this code.")}, code="procedure"
            )
        return procedure

    def _deciding(self, procedure: Procedure, code: str) -> Agency:
        deciding = list(procedure.agencies.active_on(timezone.localdate()).order_by("path"))
        if len(deciding) == 1:
            return deciding[0]
        chosen = next((a for a in deciding if a.code == code.strip()), None)
        if chosen is None:
            raise ValidationError(
                {"agency": _("Choose the agency that carried out the procedure for you.")},
                code="agency",
            )
        return chosen

    def _agency(self, code: str) -> Agency:
        found = Agency.objects.active_on(timezone.localdate()).filter(code=code.strip()).first()
        if found is None:
            raise ValidationError({"agency": _("Choose an agency.")}, code="agency")
        return found


class ActionForm(forms.Form):
    """An official's answer, refusal or question; the sender's reply."""

    action = forms.CharField(max_length=32)
    text = forms.CharField(
        label=_("Text"), max_length=TEXT_LIMIT, widget=forms.Textarea(attrs={"rows": 5})
    )


class RatingForm(forms.Form):
    rating = forms.ChoiceField(
        label=_("How satisfied are you with the answer?"),
        choices=Satisfaction.choices,
        widget=forms.RadioSelect,
    )

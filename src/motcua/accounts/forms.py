from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from motcua.accounts.models import AccountKind, User
from motcua.accounts.services import Registration, parse_contact
from motcua.core.validators import validate_cccd, validate_tax_code


def check_new_password(form: forms.Form, user: User | None = None) -> None:
    """The two typed passwords agree and pass the password rules; errors go on the form."""
    first, second = form.cleaned_data.get("password1"), form.cleaned_data.get("password2")
    if first and second and first != second:
        form.add_error("password2", _("The two passwords differ."))
    elif first:
        try:
            password_validation.validate_password(first, user)
        except ValidationError as error:
            form.add_error("password1", error)


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("Phone number, e-mail or username"),
        max_length=254,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )


class RegisterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("I register as"),
        choices=[(AccountKind.CITIZEN, _("a citizen")), (AccountKind.BUSINESS, _("a business"))],
        initial=AccountKind.CITIZEN,
        widget=forms.RadioSelect,
    )
    full_name = forms.CharField(label=_("Full name (or business name)"), max_length=150)
    contact = forms.CharField(
        label=_("Mobile phone number or e-mail"),
        max_length=254,
        help_text=_("We send a confirmation code to it."),
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )
    birth_date = forms.DateField(
        label=_("Date of birth"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    id_number = forms.CharField(label=_("CCCD number"), max_length=12, required=False)
    tax_code = forms.CharField(label=_("Tax code (businesses)"), max_length=14, required=False)
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters, not only digits."),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_contact(self):
        """Only the spelling is checked: whether the contact has an account is never told."""
        contact = self.cleaned_data["contact"]
        try:
            kind, value = parse_contact(contact)
        except ValidationError as error:
            raise ValidationError(
                _("Enter a mobile phone number (10 digits) or an e-mail address.")
            ) from error
        self.contact_kind = kind
        return value

    def clean_id_number(self):
        """A typed CCCD is only a claim: another account claiming it too is no reason to refuse."""
        return self.cleaned_data["id_number"].strip() or None

    def clean(self):
        cleaned = super().clean()
        number, birth = cleaned.get("id_number"), cleaned.get("birth_date")
        if number:
            try:
                validate_cccd(number, birth)
            except ValidationError as error:
                self.add_error("id_number", error)
        if cleaned.get("kind") == AccountKind.BUSINESS:
            try:
                validate_tax_code(cleaned.get("tax_code", ""))
            except ValidationError as error:
                self.add_error("tax_code", error)
        check_new_password(self)
        return cleaned

    def registration(self) -> Registration:
        data = self.cleaned_data
        return Registration(
            kind=data["kind"],
            contact_kind=self.contact_kind,
            contact=data["contact"],
            full_name=data["full_name"],
            password=data["password1"],
            birth_date=data.get("birth_date"),
            id_number=data.get("id_number"),
            tax_code=data.get("tax_code", ""),
        )


class ConfirmForm(forms.Form):
    code = forms.CharField(
        label=_("Confirmation code"),
        max_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


class ResetRequestForm(forms.Form):
    contact = forms.CharField(
        label=_("Mobile phone number or e-mail of your account"),
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )


class NewPasswordForm(forms.Form):
    code = forms.CharField(
        label=_("Confirmation code"),
        max_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )
    password1 = forms.CharField(
        label=_("New password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("New password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, user: User, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean(self):
        cleaned = super().clean()
        check_new_password(self, self.user)
        return cleaned


class ProfileForm(forms.ModelForm):
    """What the applicant tells about themselves once, so that forms fill themselves."""

    class Meta:
        model = User
        fields = ["full_name", "birth_date", "id_number", "address", "tax_code"]
        labels = {
            "full_name": _("Full name (or business name)"),
            "birth_date": _("Date of birth"),
            "id_number": _("CCCD number"),
            "address": _("Address"),
            "tax_code": _("Tax code (businesses)"),
        }
        widgets = {"birth_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def clean_id_number(self):
        number = (self.cleaned_data.get("id_number") or "").strip() or None
        if self.instance.identity_verified and number != self.instance.id_number:
            raise ValidationError(_("A CCCD number vouched for by VNeID cannot be changed here."))
        return number

    def clean(self):
        cleaned = super().clean()
        number = cleaned.get("id_number")
        if number:
            try:
                validate_cccd(number, cleaned.get("birth_date"))
            except ValidationError as error:
                self.add_error("id_number", error)
        tax_code = cleaned.get("tax_code")
        if tax_code:
            try:
                validate_tax_code(tax_code)
            except ValidationError as error:
                self.add_error("tax_code", error)
        return cleaned

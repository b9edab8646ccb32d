from django import forms
from django.utils.translation import gettext_lazy as _

from motcua.notifications.messages import TemplateError, placeholders
from motcua.notifications.models import Preference, Template


class PreferenceForm(forms.ModelForm):
    class Meta:
        model = Preference
        fields = ["email", "sms", "zalo", "in_app", "language"]
        help_texts = {
            "sms": _("To the phone number of your account."),
            "zalo": _("A message from the province's Zalo Official Account, to the same phone."),
        }


class TemplateForm(forms.ModelForm):
    """The admin's form: a text with an unknown placeholder is refused, saying which."""

    class Meta:
        model = Template
        fields = ["kind", "channel", "language", "subject", "body", "zns_template_id"]

    def clean(self):
        data = super().clean()
        for name in ("subject", "body"):
            try:
                placeholders(data.get(name) or "")
            except TemplateError as error:
                self.add_error(name, str(error))
        return data

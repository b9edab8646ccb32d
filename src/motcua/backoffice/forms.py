from django import forms
from django.utils.translation import gettext_lazy as _

from motcua.accounts.models import Role, User


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

    def __init__(self, agency, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = User.objects.filter(
            agency=agency, role=Role.SPECIALIST, is_active=True
        )

    def item_list(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["items"].splitlines() if line.strip()]

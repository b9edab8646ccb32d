"""The procedure's own workflow, edited with the procedure in the admin."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from motcua.dossiers.models import WorkflowStep


class WorkflowStepFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        """The steps share out the whole processing time, or there are none (default path)."""
        super().clean()
        kept = [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        total = sum(data.get("share") or 0 for data in kept)
        if kept and total != 100:
            raise ValidationError(
                _("The steps' shares of the processing time add up to %(total)s %%, not 100 %%.")
                % {"total": total}
            )


class WorkflowStepInline(admin.TabularInline):
    model = WorkflowStep
    formset = WorkflowStepFormSet
    extra = 0
    autocomplete_fields = ("consulted_agency",)

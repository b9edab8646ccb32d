"""The period and agency a report is asked for: ?from=YYYY-MM-DD&to=YYYY-MM-DD&agency=CODE."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.agencies.models import Agency

DATE_FORMATS = ["%Y-%m-%d"]
# Which agency a dossier counts for: where it was received (a one-stop desk's figures, such as
# the Service Center's online share) or the agency that decides it (a department's on-time
# rate, including what the center received for it).
SIDE_RECEIVED, SIDE_DECIDED = "received", "decided"
SIDES = [
    (SIDE_RECEIVED, gettext_lazy("where received")),
    (SIDE_DECIDED, gettext_lazy("who decided")),
]
# The days a report may cover: any archive's, and far from the ends of Python's calendar, which
# the month arithmetic of the indicators would otherwise run past.
EARLIEST = datetime.date(1900, 1, 1)
LATEST = datetime.date(2999, 12, 31)


def within_reach(day: datetime.date) -> None:
    if not EARLIEST <= day <= LATEST:
        raise forms.ValidationError(
            _("Choose a day from %(earliest)s to %(latest)s.")
            % {"earliest": formats.date_format(EARLIEST), "latest": formats.date_format(LATEST)},
            code="out_of_reach",
        )


class PeriodForm(forms.Form):
    """Both dates are optional: the period defaults to the current year up to today.

    The query names `from` and `to` are Python keywords, hence the fields set below.
    """

    agency = forms.CharField(required=False, max_length=32)
    side = forms.ChoiceField(choices=SIDES, required=False)

    def clean_agency(self) -> Agency | None:
        code = self.cleaned_data["agency"].strip()
        if not code:
            return None
        try:
            return Agency.objects.by_code(code)
        except Agency.DoesNotExist:
            raise forms.ValidationError(
                _("No agency has the code %(code)s.") % {"code": code}, code="agency"
            ) from None

    def clean(self) -> dict:
        data = super().clean()
        if self.errors:
            return data
        data["to"] = data.get("to") or timezone.localdate()
        data["from"] = data.get("from") or data["to"].replace(month=1, day=1)
        if data["from"] > data["to"]:
            raise forms.ValidationError(
                _("The period must start on or before the day it ends."), code="period"
            )
        return data

    @property
    def period(self) -> tuple[datetime.date, datetime.date, Agency | None]:
        """(from, to, agency) of a valid form."""
        return self.cleaned_data["from"], self.cleaned_data["to"], self.cleaned_data["agency"]

    @property
    def side_asked(self) -> str:
        return self.cleaned_data.get("side") or SIDE_RECEIVED


for _name in ("from", "to"):
    PeriodForm.base_fields[_name] = forms.DateField(
        required=False, input_formats=DATE_FORMATS, validators=[within_reach]
    )

from django import forms
from django.core.cache import cache
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.agencies.models import Agency, Tier
from motcua.catalog.models import Level, Procedure, Sector
from motcua.catalog.services import CatalogQuery, Charged

CHOICES_CACHE_SECONDS = 300


class CatalogSearchForm(forms.Form):
    """The public search box and its filters; every field may stay empty."""

    q = forms.CharField(
        label=_("Procedure name or code"),
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": _("e.g. dang ky ket hon"),
                "autocomplete": "off",
            }
        ),
    )
    tier = forms.ChoiceField(label=_("Tier"), required=False)
    agency = forms.ChoiceField(label=_("Agency"), required=False)
    sector = forms.ChoiceField(label=_("Sector"), required=False)
    level = forms.TypedChoiceField(label=_("Online level"), required=False, coerce=int)
    charged = forms.ChoiceField(label=_("Fee"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        everything = [("", _("All"))]
        self.fields["tier"].choices = everything + list(Tier.choices)
        self.fields["level"].choices = everything + list(Level.choices)
        self.fields["charged"].choices = everything + list(Charged.choices)
        sectors, agencies = filter_choices()
        self.fields["sector"].choices = everything + sectors
        self.fields["agency"].choices = everything + agencies

    @property
    def has_filters(self) -> bool:
        """Whether a filter other than the words is chosen (the filters then show open)."""
        return any(self.data.get(name) for name in ("tier", "agency", "sector", "level", "charged"))

    def catalog_query(self) -> CatalogQuery:
        data = self.cleaned_data if self.is_valid() else {}
        return CatalogQuery(
            text=data.get("q", ""),
            tier=data.get("tier", ""),
            level=data.get("level") or None,
            agency=data.get("agency", ""),
            sector=data.get("sector", ""),
            charged=data.get("charged", ""),
        )


def filter_choices() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The sectors, and the agencies in operation that carry out procedures, as choices.

    They change when the catalog does, seldom: every search page would otherwise query them,
    so they are cached for a few minutes.
    """

    def load():
        carries_out = Procedure.agencies.through.objects.filter(agency_id=OuterRef("pk"))
        agencies = Agency.objects.active_on(timezone.localdate()).filter(Exists(carries_out))
        return (
            list(Sector.objects.values_list("code", "name")),
            list(agencies.order_by("tier", "path").values_list("code", "name")),
        )

    return cache.get_or_set("catalog:filter-choices", load, CHOICES_CACHE_SECONDS)

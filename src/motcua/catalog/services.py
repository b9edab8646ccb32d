"""Finding procedures: one search used by the public pages and the API alike."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.db.models import (
    Case,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Length
from django.utils.translation import gettext_lazy as _

from motcua.agencies.models import canonical_code
from motcua.catalog.models import Fee, Procedure
from motcua.core.text import fold

# Long texts a list of results never shows.
LIST_DEFERRED_FIELDS = ("requirements", "steps", "legal_basis", "form_fields", "search_text")


class Charged(models.TextChoices):
    """Whether a procedure costs anything: a fee or charge line above zero."""

    PAID = "paid", _("With a fee")
    FREE = "free", _("Free of charge")


@dataclass(frozen=True)
class CatalogQuery:
    """What a visitor or an API client asks the catalog for; empty values filter nothing."""

    text: str = ""
    tier: str = ""
    level: int | None = None
    agency: str = ""
    sector: str = ""
    charged: str = ""  # Charged, or "" for both


def search_procedures(query: CatalogQuery) -> QuerySet[Procedure]:
    """Published procedures matching `query`, best matches first.

    Every word typed must start a word of the procedure's name, code or sector, ignoring
    diacritics and case. Exact names come first, then names that start with what was typed,
    then names that contain it as a phrase, then names that contain all its words; shorter
    names before longer ones.
    """
    procedures = (
        Procedure.objects.filter(published=True)
        .select_related("sector")
        .defer(*LIST_DEFERRED_FIELDS)
        .annotate(fee_total=_fee_total())
    )
    procedures = _filter(procedures, query)
    words = fold(query.text).split()
    if not words:
        return procedures.order_by("code")
    for word in words:
        procedures = procedures.filter(search_text__contains=f" {word}")
    return procedures.annotate(rank=_rank(query.text.strip(), words)).order_by(
        "-rank", Length("name"), "name"
    )


def _filter(procedures: QuerySet[Procedure], query: CatalogQuery) -> QuerySet[Procedure]:
    if query.tier:
        procedures = procedures.filter(tier_links__tier=query.tier)
    if query.level:
        procedures = procedures.filter(level=query.level)
    if query.agency:
        procedures = procedures.filter(agencies__code=canonical_code(query.agency))
    if query.sector:
        procedures = procedures.filter(sector__code=query.sector)
    if query.charged:
        paid = Exists(Fee.objects.filter(procedure=OuterRef("pk"), amount__gt=0))
        procedures = procedures.filter(paid if query.charged == Charged.PAID else ~paid)
    return procedures


def _fee_total() -> Coalesce:
    """The sum of a procedure's fee lines, in VND (a line per copy counted once), as
    `Procedure.total_fee` gives it on the procedure's page."""
    lines = Fee.objects.filter(procedure=OuterRef("pk")).order_by().values("procedure")
    total = lines.annotate(total=Sum("amount")).values("total")
    return Coalesce(Subquery(total), 0, output_field=models.BigIntegerField())


def _rank(raw_text: str, words: list[str]) -> Case:
    phrase = " ".join(words)
    all_words_in_name = Q()
    for word in words:
        all_words_in_name &= Q(name_folded__contains=f" {word}")
    return Case(
        When(code=raw_text, then=Value(5)),
        When(name_folded=f" {phrase} ", then=Value(4)),
        When(name_folded__startswith=f" {phrase}", then=Value(3)),
        When(name_folded__contains=f" {phrase}", then=Value(2)),
        When(all_words_in_name, then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )

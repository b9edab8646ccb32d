"""Dossier codes in the national one-stop form: <agency code>-<YYMMDD>-<NNNN> (Circular 01/2018)."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils.translation import gettext as _

from motcua.agencies.models import Agency
from motcua.dossiers.models import DailySequence, ResultRegister


def next_number(agency: Agency, day: datetime.date) -> int:
    """The agency's next dossier number for `day`, counted in the caller's transaction."""
    return next_in(DailySequence, agency_id=agency.pk, day=day)


def next_result_number(agency: Agency, year: int, symbol: str) -> int:
    """The next number of the agency's register of results of this kind (symbol) in `year`,
    counted in the caller's transaction."""
    return next_in(ResultRegister, agency_id=agency.pk, year=year, symbol=symbol)


def next_in(model: type[DailySequence | ResultRegister], **key) -> int:
    """The next number of the sequence row `key` names (made at 0 when missing).

    The row is incremented with one UPDATE … RETURNING: concurrent callers queue on that row's
    lock, and a rolled-back transaction gives its number back, so numbers are unique and
    without gaps. Call it inside `transaction.atomic()`.
    """
    model.objects.bulk_create([model(**key)], ignore_conflicts=True)
    quote = connection.ops.quote_name
    fields = {name: model._meta.get_field(name) for name in key}
    where = " AND ".join(f"{quote(field.column)} = %s" for field in fields.values())
    values = [field.get_db_prep_value(key[name], connection) for name, field in fields.items()]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {quote(model._meta.db_table)} SET last = last + 1 WHERE {where}"
            " RETURNING last",
            values,
        )
        return cursor.fetchone()[0]


def format_code(agency: Agency, day: datetime.date, number: int) -> str:
    return f"{agency.code}-{day:%y%m%d}-{number:04d}"


# The national form keeps four digits for the day's number.
LAST_OF_DAY = 9999


def next_code(agency: Agency, day: datetime.date) -> str:
    """The next code, or a refusal once the agency's four-digit numbers of `day` are used up:
    a five-digit number would break the national form. The refusal rolls the caller's
    transaction back, so the count stays at 9,999 and nothing is registered."""
    number = next_number(agency, day)
    if number > LAST_OF_DAY:
        raise ValidationError(
            _(
                "%(agency)s has registered 9,999 dossiers on %(day)s, the most a dossier code"
                " can number in a day; submit it again on the next day."
            )
            % {"agency": agency.name, "day": day.strftime("%d/%m/%Y")},
            code="daily_numbers_used_up",
        )
    return format_code(agency, day, number)

"""Dossier codes in the national one-stop form: <agency code>-<YYMMDD>-<NNNN> (Circular 01/2018)."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils.translation import gettext as _

from motcua.agencies.models import Agency
from motcua.dossiers.models import DailySequence


def next_number(agency: Agency, day: datetime.date) -> int:
    """The agency's next number for `day`, counted in the caller's transaction.

    The row is incremented with one UPDATE … RETURNING: concurrent submissions to the same
    agency queue on that row's lock, and a rolled-back submission gives its number back, so
    numbers are unique and without gaps. Call it inside `transaction.atomic()`.
    """
    DailySequence.objects.bulk_create(
        [DailySequence(agency=agency, day=day)], ignore_conflicts=True
    )
    table = connection.ops.quote_name(DailySequence._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET last = last + 1 WHERE agency_id = %s AND day = %s RETURNING last",
            [agency.pk, connection.ops.adapt_datefield_value(day)],
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

"""Counts of dossiers per day, per agency and per procedure, kept in step with every change.

- Each registered dossier has a fact row (`DossierFact`) and one row per stretch it spent
  waiting (`PauseFact`), derived from the records by one SELECT each.
- Each fact adds counts to days (the families below): received on the day of receipt, closed
  on the day it closed, overdue from the day after its appointment date (never while its clock
  stands still, see `deadlines.running_due_sql`), and so on. A stock
  (overdue, waiting) is an entry and an exit, so its size on any day is a running sum.
- Six tables add the contributions up: per agency, per agency and procedure, and per
  procedure, each by day and by month (a year is then twelve rows per agency, plus the days of
  any partial month).
- A change to a dossier adds, to each table, its new contributions minus its old ones in one
  `INSERT … ON CONFLICT DO UPDATE SET c = c + excluded.c`, so concurrent changes add up
  instead of overwriting each other, then replaces its facts. `rebuild()` derives everything
  afresh with set-based SQL; `verify()` recounts and lists every difference.

The SQL is written once for SQLite and PostgreSQL; `Dialect` holds the few spellings that
differ.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.apps import apps
from django.conf import settings
from django.db import connection, models, transaction

from motcua.dossiers import deadlines
from motcua.dossiers.models import (
    CLOCK_STOPPED,
    ENDED_WITHOUT_RESULT,
    RESULT_OUT,
    Attachment,
    Channel,
    Dossier,
    Event,
    Rating,
    ResultDocument,
    Satisfaction,
    Status,
)
from motcua.stats.models import (
    AgencyCounters,
    AgencyDay,
    AgencyMonth,
    DeciderDay,
    DeciderMonth,
    DossierFact,
    Outcome,
    PauseFact,
    ProcedureCounters,
    ProcedureDay,
    ProcedureMonth,
    ProcedureTotalDay,
    ProcedureTotalMonth,
)

IN_TIME = (Outcome.EARLY, Outcome.ON_TIME)
RESULTS = (Outcome.EARLY, Outcome.ON_TIME, Outcome.LATE)
PAID = "paid"  # motcua.payments' PaymentStatus.PAID

FACT_COLUMNS = [
    "dossier_id",
    "agency_id",
    "decider_id",
    "procedure_id",
    "channel",
    "received",
    "due",
    "closed",
    "outcome",
    "supplements",
    "fee",
    "paid",
    "digitised",
    "rating",
    "rated",
]
PAUSE_COLUMNS = ["dossier_id", "agency_id", "decider_id", "procedure_id", "kind", "began", "ended"]


def counter_names(model: type[models.Model]) -> list[str]:
    return [f.name for f in model._meta.get_fields() if isinstance(f, models.IntegerField)]


AGENCY_COUNTERS = counter_names(AgencyCounters)
PROCEDURE_COUNTERS = counter_names(ProcedureCounters)


def _in(values: Iterable[str]) -> str:
    return "(" + ", ".join(f"'{value}'" for value in values) + ")"


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _when(condition: str) -> str:
    return f"CASE WHEN {condition} THEN 1 ELSE 0 END"


@functools.cache
def fixed_offset_minutes(zone: str) -> int | None:
    """The UTC offset of `zone` in minutes if it never changed from 1990 to 2100, else None
    (Asia/Ho_Chi_Minh is UTC+7 without daylight saving time since 1975)."""
    tz = ZoneInfo(zone)
    offsets = {
        datetime.datetime(year, month, 15, tzinfo=tz).utcoffset()
        for year in range(1990, 2101)
        for month in (1, 4, 7, 10)
    }
    if len(offsets) != 1:
        return None
    return int(offsets.pop().total_seconds() // 60)


class Dialect:
    """The spellings that differ between SQLite and PostgreSQL."""

    def __init__(self, vendor: str):
        self.sqlite = vendor == "sqlite"

    def local_date(self, sql: str) -> str:
        """The local calendar day of a stored moment, as Django itself converts it.

        SQLite stores moments as UTC text: with a zone of one fixed offset its own date()
        shifts them, many times faster than Django's per-row Python function.
        """
        offset = fixed_offset_minutes(settings.TIME_ZONE)
        if self.sqlite and offset is not None:
            return f"date({sql}, '{offset:+d} minutes')"
        text, params = connection.ops.datetime_cast_date_sql(sql, (), settings.TIME_ZONE)
        for param in params:  # time zone names from the settings, quoted as literals
            text = text.replace("%s", _literal(param), 1)
        return text

    def next_day(self, sql: str) -> str:
        return f"date({sql}, '+1 day')" if self.sqlite else f"({sql} + 1)"

    def greatest(self, a: str, b: str) -> str:
        return f"max({a}, {b})" if self.sqlite else f"GREATEST({a}, {b})"

    def days_between(self, later: str, earlier: str) -> str:
        if self.sqlite:
            return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"
        return f"({later} - {earlier})"

    @property
    def fence(self) -> str:
        """Ends a subquery that must be computed once per row, not copied into the outer
        query's every use of its columns (both databases would inline it otherwise)."""
        return " LIMIT -1 OFFSET 0" if self.sqlite else " OFFSET 0"

    def month(self, sql: str) -> str:
        if self.sqlite:
            return f"date({sql}, 'start of month')"
        return f"CAST(date_trunc('month', {sql}) AS date)"


# ---------------------------------------------------------------- which dossiers


@dataclass(frozen=True)
class Selection:
    """Which dossiers a statement works on, as a condition on their id."""

    condition: str = ""
    params: tuple = ()

    def on(self, column: str) -> tuple[str, list]:
        if not self.condition:
            return "1=1", []
        return f"{column} {self.condition}", list(self.params)


EVERY_DOSSIER = Selection()


def one_dossier(dossier_id: int) -> Selection:
    return Selection("= %s", (dossier_id,))


def received_between(start: datetime.date | None, end: datetime.date | None) -> Selection:
    """Dossiers received from `start` to `end` (local days, both included; None: no bound)."""
    zone = ZoneInfo(settings.TIME_ZONE)
    bounds, params = [], []
    if start is not None:
        bounds.append("submitted_at >= %s")
        params.append(datetime.datetime.combine(start, datetime.time.min, zone))
    if end is not None:
        bounds.append("submitted_at < %s")
        following = end + datetime.timedelta(days=1)
        params.append(datetime.datetime.combine(following, datetime.time.min, zone))
    where = " AND ".join(bounds) or "1=1"
    adapted = tuple(connection.ops.adapt_datetimefield_value(p) for p in params)
    return Selection(f"IN (SELECT id FROM {Dossier._meta.db_table} WHERE {where})", adapted)


# ---------------------------------------------------------------- facts from the records


def _registered(alias: str) -> str:
    return (
        f"{alias}.submitted_at IS NOT NULL AND {alias}.status <> '{Status.DRAFT}'"
        f" AND {alias}.agency_id IS NOT NULL"
    )


def _decider(alias: str) -> str:
    return f"COALESCE({alias}.decider_id, {alias}.agency_id)"


def _paid_sql() -> str:
    if not apps.is_installed("motcua.payments"):
        return "(1 = 0)"
    payments = apps.get_model("payments", "Payment")._meta.db_table
    return f"EXISTS (SELECT 1 FROM {payments} p WHERE p.dossier_id = d.id AND p.status = '{PAID}')"


def dossier_facts_sql(sql: Dialect, selection: Selection) -> tuple[str, list]:
    """One fact per registered dossier of `selection`, in FACT_COLUMNS order."""
    events = Event._meta.db_table
    attachments = Attachment._meta.db_table
    # Digitised (Decision 766): its files scanned or sent, none kept on paper only, and a result.
    has_files = (
        f"EXISTS (SELECT 1 FROM {attachments} a WHERE a.dossier_id = d.id)"
        f" AND NOT EXISTS (SELECT 1 FROM {attachments} a WHERE a.dossier_id = d.id"
        " AND a.on_paper)"
    )
    has_result = (
        f"EXISTS (SELECT 1 FROM {ResultDocument._meta.db_table} r WHERE r.dossier_id = d.id)"
    )
    where, params = selection.on("d.id")
    # When it was finished, or else ended: a refusal, withdrawal or stop at its event (rows
    # loaded without a history, by bulk imports, fall back to the row's last change).
    rows = f"""
        SELECT d.id AS dossier_id, d.agency_id, {_decider("d")} AS decider_id, d.procedure_id,
            d.channel, d.submitted_at, d.received_on,
            {deadlines.running_due_sql("d.due_date", "d.status")} AS due,
            d.supplement_count AS supplements, (d.fee_amount > 0) AS fee,
            {_paid_sql()} AS paid, ({has_files} AND {has_result}) AS digitised,
            COALESCE(g.level, '') AS rating, g.created_at AS rated_at,
            CASE WHEN d.finished_at IS NOT NULL THEN d.finished_at
                 WHEN d.status IN {_in(RESULT_OUT)} THEN COALESCE(d.returned_at, d.updated_at)
            END AS finished_at,
            CASE WHEN d.status IN {_in(ENDED_WITHOUT_RESULT)} THEN COALESCE((SELECT MAX(e.at)
                FROM {events} e WHERE e.dossier_id = d.id AND e.to_status = d.status),
                d.updated_at)
            END AS ended_at,
            CASE WHEN d.status IN {_in(ENDED_WITHOUT_RESULT)} THEN d.status ELSE '' END AS ending
        FROM {Dossier._meta.db_table} d
        LEFT JOIN {Rating._meta.db_table} g ON g.dossier_id = d.id
        WHERE {_registered("d")} AND {where}{sql.fence}
    """
    days = f"""
        SELECT dossier_id, agency_id, decider_id, procedure_id, channel, due, supplements, fee,
            paid,
            digitised, rating, {sql.local_date("rated_at")} AS rated,
            COALESCE(received_on, {sql.local_date("submitted_at")}) AS received,
            {sql.local_date("COALESCE(finished_at, ended_at)")} AS closed_raw,
            CASE WHEN finished_at IS NOT NULL THEN 'finished' ELSE ending END AS ending
        FROM ({rows}) r{sql.fence}
    """
    # A result without an appointment date (rows loaded in bulk) counts as on time.
    timeliness = (
        f"CASE WHEN due IS NULL THEN '{Outcome.ON_TIME}'"
        f" ELSE {deadlines.judge_sql('closed_raw', 'due')} END"
    )
    query = f"""
        SELECT dossier_id, agency_id, decider_id, procedure_id, channel, received, due,
            CASE WHEN closed_raw IS NULL THEN NULL
                 ELSE {sql.greatest("closed_raw", "received")} END AS closed,
            CASE WHEN ending = 'finished' THEN {timeliness} ELSE ending END AS outcome,
            supplements, fee, paid, digitised, rating, rated
        FROM ({days}) x
    """
    return query, params


def pause_facts_sql(sql: Dialect, selection: Selection) -> tuple[str, list]:
    """Each stretch a dossier of `selection` spent waiting, from its history."""
    events = Event._meta.db_table
    left_at = (
        f"(SELECT MIN(n.at) FROM {events} n WHERE n.dossier_id = e.dossier_id"
        f" AND n.id > e.id AND n.to_status <> e.to_status)"
    )
    where, params = selection.on("d.id")
    query = f"""
        SELECT e.dossier_id, d.agency_id, {_decider("d")} AS decider_id, d.procedure_id,
            e.to_status AS kind,
            {sql.local_date("e.at")} AS began, {sql.local_date(left_at)} AS ended
        FROM {events} e JOIN {Dossier._meta.db_table} d ON d.id = e.dossier_id
        WHERE e.to_status IN {_in(CLOCK_STOPPED)} AND e.from_status <> e.to_status
            AND {_registered("d")} AND {where}
    """
    return query, params


def stored_facts_sql(model: type[models.Model], selection: Selection) -> tuple[str, list]:
    where, params = selection.on("dossier_id")
    return f"SELECT * FROM {model._meta.db_table} WHERE {where}", params


# ---------------------------------------------------------------- contributions


@dataclass(frozen=True)
class Family:
    """Counts a fact adds to one day: `day` of the facts of `source` meeting `where`."""

    source: str  # "fact" or "pause"
    day: str
    where: str
    counts: dict[str, str]


def agency_families(sql: Dialect) -> list[Family]:
    finished = f"f.outcome IN {_in(RESULTS)}"
    overdue_closed = "f.due IS NOT NULL AND f.closed > f.due"
    resupplied = "f.supplements > 1"  # a second supplement request makes a dossier late (766)
    days = f"CASE WHEN {finished} THEN {sql.days_between('f.closed', 'f.received')} ELSE 0 END"
    return [
        Family(
            "fact",
            "f.received",
            "1=1",
            {
                **{f"received_{c}": _when(f"f.channel = '{c}'") for c in Channel.values},
                "with_fee": _when("f.fee"),
                "paid_online": _when("f.paid"),
                "digitised": _when("f.digitised"),
                "supplement_requests": "f.supplements",
                "supplemented": _when("f.supplements > 0"),
                "resupplied_in": _when(resupplied),
            },
        ),
        Family(
            "fact",
            "f.closed",
            "f.closed IS NOT NULL",
            {
                "finished_early": _when(f"f.outcome = '{Outcome.EARLY}'"),
                "finished_on_time": _when(f"f.outcome = '{Outcome.ON_TIME}'"),
                "finished_late": _when(f"f.outcome = '{Outcome.LATE}'"),
                "finished_resupplied": _when(f"f.outcome IN {_in(IN_TIME)} AND {resupplied}"),
                "days_taken": days,
                "not_accepted": _when(f"f.outcome = '{Outcome.NOT_ACCEPTED}'"),
                "withdrawn": _when(f"f.outcome = '{Outcome.WITHDRAWN}'"),
                "stopped": _when(f"f.outcome = '{Outcome.STOPPED}'"),
                "resupplied_out": _when(resupplied),
                "overdue_out": _when(overdue_closed),
                "resupplied_overdue_out": _when(f"{overdue_closed} AND {resupplied}"),
            },
        ),
        Family(  # overdue from the day after the appointment date, until it closes
            "fact",
            sql.greatest(sql.next_day("f.due"), "f.received"),
            "f.due IS NOT NULL AND (f.closed IS NULL OR f.closed > f.due)",
            {"overdue_in": "1", "resupplied_overdue_in": _when(resupplied)},
        ),
        Family(
            "fact",
            "f.rated",
            "f.rated IS NOT NULL",
            {level: _when(f"f.rating = '{level}'") for level in Satisfaction.values},
        ),
        Family(
            "pause",
            "f.began",
            "1=1",
            {f"{kind}_in": _when(f"f.kind = '{kind}'") for kind in CLOCK_STOPPED},
        ),
        Family(
            "pause",
            "f.ended",
            "f.ended IS NOT NULL",
            {f"{kind}_out": _when(f"f.kind = '{kind}'") for kind in CLOCK_STOPPED},
        ),
    ]


def procedure_families(sql: Dialect) -> list[Family]:
    """Per procedure, everything lands on the day of receipt: what became of that day's
    dossiers (a cohort), so that one row per procedure and day is enough."""
    finished = f"f.outcome IN {_in(RESULTS)}"
    days = f"CASE WHEN {finished} THEN {sql.days_between('f.closed', 'f.received')} ELSE 0 END"
    refused = (Outcome.NOT_ACCEPTED, Outcome.STOPPED)
    return [
        Family(
            "fact",
            "f.received",
            "1=1",
            {
                "received": "1",
                "received_online": _when(f"f.channel = '{Channel.ONLINE}'"),
                "supplement_requests": "f.supplements",
                "finished": _when(finished),
                "finished_late": _when(f"f.outcome = '{Outcome.LATE}'"),
                "refused": _when(f"f.outcome IN {_in(refused)}"),
                "dissatisfied": _when(f"f.rating = '{Satisfaction.DISSATISFIED}'"),
                "days_taken": days,
            },
        )
    ]


@dataclass(frozen=True)
class Table:
    """A table of counts: its key columns, its counters, and (for a rebuild) the table whose
    rows it adds up, if it is not counted from the facts."""

    model: type[models.Model]
    keys: tuple[str, ...]
    rollup_of: type[models.Model] | None = None

    @property
    def name(self) -> str:
        return self.model._meta.db_table

    @property
    def by_procedure(self) -> bool:
        return "procedure_id" in self.keys

    @property
    def counters(self) -> list[str]:
        return PROCEDURE_COUNTERS if self.by_procedure else AGENCY_COUNTERS

    def key_sql(self, sql: Dialect) -> list[str]:
        """The keys from contribution rows (`x.day`, `x.agency_id`, `x.procedure_id`)."""
        return [sql.month("x.day") if key == "month" else f"x.{key}" for key in self.keys]

    def families(self, sql: Dialect) -> list[Family]:
        return procedure_families(sql) if self.by_procedure else agency_families(sql)


# In the order every transaction writes them, so that concurrent ones never deadlock.
TABLES = [
    Table(ProcedureDay, ("agency_id", "day", "procedure_id")),
    Table(ProcedureMonth, ("agency_id", "month", "procedure_id"), ProcedureDay),
    Table(ProcedureTotalDay, ("day", "procedure_id"), ProcedureDay),
    Table(ProcedureTotalMonth, ("month", "procedure_id"), ProcedureTotalDay),
    Table(AgencyDay, ("agency_id", "day")),
    Table(AgencyMonth, ("agency_id", "month"), AgencyDay),
    Table(DeciderDay, ("decider_id", "day")),
    Table(DeciderMonth, ("decider_id", "month"), DeciderDay),
]
# The tables counted from the facts; the others add up one of them.
DAY_TABLES = [table for table in TABLES if table.rollup_of is None]


def day_table_of(table: Table) -> Table:
    """The table counted from the facts that `table` adds up (itself, if none)."""
    while table.rollup_of is not None:
        table = next(t for t in TABLES if t.model is table.rollup_of)
    return table


def contributions_sql(
    table: Table, sql: Dialect, sources: dict[str, tuple[str, list]], negate: bool = False
) -> tuple[str, list]:
    """The counts the facts in `sources` contribute to `table`: rows of (day, its agency
    and procedure columns, its counters), one part per family adding up its own counters."""
    sign = "-" if negate else ""
    columns = [
        f"f.{key}" for key in ("agency_id", "decider_id", "procedure_id") if key in table.keys
    ]
    positions = ", ".join(str(n) for n in range(1, len(columns) + 2))
    parts, params = [], []
    for family in table.families(sql):
        source, source_params = sources[family.source]
        counts = ", ".join(
            f"SUM({sign}({family.counts[c]})) AS {c}" if c in family.counts else f"0 AS {c}"
            for c in table.counters
        )
        parts.append(
            f"SELECT {family.day} AS day, {', '.join(columns)}, {counts}"
            f" FROM ({source}) f WHERE {family.where} GROUP BY {positions}"
        )
        params += source_params
    return " UNION ALL ".join(parts), params


def derived_sources(sql: Dialect, selection: Selection) -> dict[str, tuple[str, list]]:
    return {"fact": dossier_facts_sql(sql, selection), "pause": pause_facts_sql(sql, selection)}


def stored_sources(selection: Selection) -> dict[str, tuple[str, list]]:
    return {
        "fact": stored_facts_sql(DossierFact, selection),
        "pause": stored_facts_sql(PauseFact, selection),
    }


def totals_sql(table: Table, sql: Dialect, rows: str) -> str:
    """`rows` (contributions) added up per key of `table`, in its columns' order and names."""
    keys = ", ".join(
        f"{expr} AS {key}" for expr, key in zip(table.key_sql(sql), table.keys, strict=True)
    )
    sums = ", ".join(f"SUM(x.{c}) AS {c}" for c in table.counters)
    positions = ", ".join(str(n) for n in range(1, len(table.keys) + 1))
    return f"SELECT {keys}, {sums} FROM ({rows}) x GROUP BY {positions}"


def _columns(table: Table) -> str:
    return ", ".join([*table.keys, *table.counters])


# ---------------------------------------------------------------- keeping in step

Key = tuple
Counts = dict[Key, list[int]]


def refresh(selection: Selection) -> None:
    """Bring the counters of the dossiers in `selection` in line with their records.

    Their contributions are read before and after their facts are derived again; each table
    then gets the difference, key by key in order (the order in which concurrent writers
    lock rows, so that they queue instead of deadlocking).
    """
    sql = Dialect(connection.vendor)
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        old = _day_contributions(cursor, sql, selection)
        _store_facts(cursor, sql, selection)
        new = _day_contributions(cursor, sql, selection)
        for table in TABLES:
            source = day_table_of(table)
            changes = _difference(_rolled_up(old, source, table), _rolled_up(new, source, table))
            if changes:
                _add(cursor, table, changes)


def _day_contributions(cursor, sql: Dialect, selection: Selection) -> dict[Table, list[tuple]]:
    """The stored facts' contributions, added up per key of each day table."""
    rows = {}
    for table in DAY_TABLES:
        query, params = contributions_sql(table, sql, stored_sources(selection))
        cursor.execute(totals_sql(table, sql, query), params)
        rows[table] = cursor.fetchall()
    return rows


def _rolled_up(rows: dict[Table, list[tuple]], source: Table, table: Table) -> Counts:
    """The rows of day table `source` added up per key of `table` (by month, all agencies…)."""
    totals: Counts = {}
    width = len(source.keys)
    for row in rows[source]:
        values = dict(zip(source.keys, row[:width], strict=True))
        values["day"] = _date(values["day"])
        values["month"] = values["day"].replace(day=1)
        key = tuple(values[k] for k in table.keys)
        counts = totals.setdefault(key, [0] * len(table.counters))
        for index, count in enumerate(row[width:]):
            counts[index] += count
    return totals


def _difference(old: Counts, new: Counts) -> list[tuple[Key, list[int]]]:
    """new − old for every key where they differ, in key order."""
    changes = []
    for key in sorted(set(old) | set(new)):
        before, after = old.get(key), new.get(key)
        zeros = [0] * len(before or after)
        change = [a - b for a, b in zip(after or zeros, before or zeros, strict=True)]
        if any(change):
            changes.append((key, change))
    return changes


def _add(cursor, table: Table, changes: list[tuple[Key, list[int]]]) -> None:
    added = ", ".join(f"{c} = {table.name}.{c} + excluded.{c}" for c in table.counters)
    marks = ", ".join(["%s"] * (len(table.keys) + len(table.counters)))
    cursor.executemany(
        f"INSERT INTO {table.name} ({_columns(table)}) VALUES ({marks})"
        f" ON CONFLICT ({', '.join(table.keys)}) DO UPDATE SET {added}",
        [[*key, *counts] for key, counts in changes],
    )


def _date(value: datetime.date | str) -> datetime.date:
    """A date as the database gives it (SQLite gives a computed one as text)."""
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(value)


def _store_facts(cursor, sql: Dialect, selection: Selection) -> None:
    for model, columns, derive in (
        (DossierFact, FACT_COLUMNS, dossier_facts_sql),
        (PauseFact, PAUSE_COLUMNS, pause_facts_sql),
    ):
        where, params = selection.on("dossier_id")
        cursor.execute(f"DELETE FROM {model._meta.db_table} WHERE {where}", params)
        query, params = derive(sql, selection)
        cursor.execute(f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) {query}", params)


def refresh_dossier(dossier_id: int, *, registered_only: bool = False) -> None:
    """Called by the receivers inside the transaction of each change to a dossier.

    The dossier's row is locked first, so that two changes to one dossier (a status change
    and a rating, say) take turns instead of both undoing the same old facts.
    `registered_only` skips drafts early: their files come and go while they are written.
    """
    with transaction.atomic(savepoint=False):
        submitted = list(
            Dossier.objects.select_for_update()
            .filter(pk=dossier_id)
            .values_list("submitted_at", flat=True)
        )
        if registered_only and not any(submitted):
            return
        refresh(one_dossier(dossier_id))


def rebuild(start: datetime.date | None = None, end: datetime.date | None = None) -> None:
    """Recount from the records: everything, or the dossiers received from `start` to `end`.

    Loaders that write dossiers in bulk (without the signals) call it once at the end.
    """
    if start is None and end is None:
        _rebuild_everything()
    else:
        refresh(received_between(start, end))


def _rebuild_everything() -> None:
    sql = Dialect(connection.vendor)
    every = [DossierFact, PauseFact, *(t.model for t in TABLES)]
    with transaction.atomic(), connection.cursor() as cursor:
        _for_bulk_work(cursor, sql)
        for model in every:
            name = model._meta.db_table
            cursor.execute(f"DELETE FROM {name}" if sql.sqlite else f"TRUNCATE {name}")
        with _indexes_built_after(sql, every):
            _store_facts(cursor, sql, EVERY_DOSSIER)
            for table in TABLES:
                rows, params = _rebuild_rows(table, sql)
                cursor.execute(
                    f"INSERT INTO {table.name} ({_columns(table)}) {totals_sql(table, sql, rows)}",
                    params,
                )
        if not sql.sqlite:  # fresh statistics for the planner after a bulk load
            for model in every:
                cursor.execute(f"ANALYZE {model._meta.db_table}")


def _for_bulk_work(cursor, sql: Dialect) -> None:
    """A few big statements over every dossier: on PostgreSQL, more memory to sort and hash
    in, and no time spent compiling their plans, for this transaction only."""
    if not sql.sqlite:
        cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute("SET LOCAL jit = off")


@contextmanager
def _indexes_built_after(sql: Dialect, every: list[type[models.Model]]) -> Iterator[None]:
    """Drop the tables' indexes and unique constraints while they are filled: each is then
    built in one sort instead of row by row."""
    parts = [
        (model, part)
        for model in every
        for part in (*model._meta.indexes, *model._meta.constraints)
    ]
    if not sql.sqlite:
        with connection.schema_editor() as editor:
            for model, part in parts:
                editor.execute(part.remove_sql(model, editor))
            yield
            for model, part in parts:
                editor.execute(part.create_sql(model, editor))
        return
    # SQLite keeps unique constraints in the table's definition, and alters no schema through
    # Django inside a transaction: only the plain indexes go, by hand.
    indexes = [(model, index) for model in every for index in model._meta.indexes]
    with connection.cursor() as cursor:
        for _model, index in indexes:
            cursor.execute(f'DROP INDEX "{index.name}"')
        yield
        for model, index in indexes:
            columns = ", ".join(f'"{model._meta.get_field(f).column}"' for f in index.fields)
            cursor.execute(f'CREATE INDEX "{index.name}" ON "{model._meta.db_table}" ({columns})')


def _rebuild_rows(table: Table, sql: Dialect) -> tuple[str, list]:
    """A roll-up adds up the rows of its source table; the others, the stored facts."""
    if table.rollup_of is not None:
        return f"SELECT * FROM {table.rollup_of._meta.db_table}", []
    return contributions_sql(table, sql, stored_sources(EVERY_DOSSIER))


# ---------------------------------------------------------------- checking


@dataclass(frozen=True)
class Difference:
    table: str
    key: tuple
    counter: str
    stored: object
    recounted: object

    def __str__(self) -> str:
        return (
            f"{self.table} {self.key}: {self.counter} is {self.stored} in the table,"
            f" {self.recounted} in the records"
        )


RECOUNT = {"fact": "stats_recount_fact", "pause": "stats_recount_pause"}


def verify() -> list[Difference]:
    """Every difference between the stored counts and facts and a recount from the records.

    The records are read once, into temporary tables that the recount then works from.
    """
    sql = Dialect(connection.vendor)
    differences: list[Difference] = []
    recount = {source: (f"SELECT * FROM {name}", []) for source, name in RECOUNT.items()}
    with transaction.atomic(), connection.cursor() as cursor:
        _for_bulk_work(cursor, sql)
        for name, derive in zip(
            RECOUNT.values(), (dossier_facts_sql, pause_facts_sql), strict=True
        ):
            query, params = derive(sql, EVERY_DOSSIER)
            cursor.execute(f"CREATE TEMPORARY TABLE {name} AS {query}", params)
        for model, columns, source in (
            (DossierFact, FACT_COLUMNS, "fact"),
            (PauseFact, PAUSE_COLUMNS, "pause"),
        ):
            differences += _compare(
                cursor,
                model._meta.db_table,
                FACT_COLUMNS[1:] if model is DossierFact else [],
                f"SELECT {', '.join(columns)} FROM {model._meta.db_table}",
                f"SELECT {', '.join(columns)} FROM {RECOUNT[source]}",
            )
        for table in TABLES:
            rows, params = contributions_sql(table, sql, recount)
            cursor.execute(
                f"CREATE TEMPORARY TABLE stats_recount AS {totals_sql(table, sql, rows)}", params
            )
            nonzero = " OR ".join(f"{c} <> 0" for c in table.counters)
            differences += _compare(
                cursor,
                table.name,
                table.counters,
                f"SELECT {_columns(table)} FROM {table.name} WHERE {nonzero}",
                "SELECT * FROM stats_recount",
                absent=0,
            )
            cursor.execute("DROP TABLE stats_recount")
        for name in RECOUNT.values():
            cursor.execute(f"DROP TABLE {name}")
    return differences


def _plain(value: object) -> object:
    """Dates as text: SQLite gives a declared date column as a date, an expression as text."""
    return value.isoformat() if isinstance(value, datetime.date) else value


def _compare(
    cursor,
    name: str,
    values: list[str],
    stored: str,
    recounted: str,
    absent: object = None,
) -> list[Difference]:
    """Rows of one side missing from the other (SQL EXCEPT both ways), paired by their key:
    the columns before `values` (all of them when there are no values). A value of a row one
    side lacks reads as `absent`."""
    sides = []
    for first, second in ((stored, recounted), (recounted, stored)):
        cursor.execute(f"SELECT * FROM ({first}) a EXCEPT SELECT * FROM ({second}) b")
        rows = [tuple(map(_plain, row)) for row in cursor.fetchall()]
        width = len(rows[0]) - len(values) if rows else 0
        sides.append({row[:width]: row[width:] for row in rows})
    only_stored, only_recounted = sides
    differences = []
    for key in sorted(set(only_stored) | set(only_recounted), key=str):
        if not values:
            differences.append(
                Difference(name, key, "row", key in only_stored, key in only_recounted)
            )
            continue
        mine = only_stored.get(key) or [absent] * len(values)
        theirs = only_recounted.get(key) or [absent] * len(values)
        differences += [
            Difference(name, key, value, a, b)
            for value, a, b in zip(values, mine, theirs, strict=True)
            if a != b
        ]
    return differences

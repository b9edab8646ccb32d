"""The indicators of the statistics report, for any period and any agency subtree.

`summary(start, end, agency)` answers exactly the JSON of `GET /api/v1/stats/summary`: it reads
the pre-aggregated counts (aggregates.py: whole months from the month tables, the other days
from the day tables) and the catalog, never the dossiers themselves, on the reports database
when one is configured. Rates are percentages rounded half up to two decimals, next to the
counts they are made of; a rate over nothing is null.

Counting rules (the national ones: Decision 766/QĐ-TTg's scorecard and the provincial progress
report's columns):
- received: registered in the period (local day of submission), by channel;
- carried over: received before the period and still in the work at its start;
- finished early / on time / late: result ready in the period, against the appointment date
  (which a supplement's answer or a pause already moved, so waiting time is not counted);
- pending: still in the work at the end of the period, each dossier once: its clock running,
  within time or overdue (judged on that day), or stopped (waiting for a supplement or for fees,
  or paused); so carried over + received = finished + not accepted + withdrawn + stopped +
  pending, for every row;
- a rate is judged (target met, full marks) only over ENOUGH_DOSSIERS dossiers or more;
- Decision 766 on-time rate: finished in time or pending within time, a dossier asked for a
  supplement more than once counting as late, over finished + pending;
- late rate: (finished late + pending overdue) ÷ (carried over + received);
- supplements, fees, online payment, digitisation, and each procedure's figures: of the dossiers
  received in the period, as they stand now; ratings: given in the period.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import connections
from django.db.models import Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.agencies.models import Agency, Tier
from motcua.catalog.models import Fee, Level, OnlineMode, Procedure, ProcedureTier
from motcua.dossiers.models import CLOCK_STOPPED, Channel, Status
from motcua.integrations import outbox
from motcua.stats.aggregates import AGENCY_COUNTERS, PROCEDURE_COUNTERS
from motcua.stats.forms import SIDE_DECIDED, SIDE_RECEIVED
from motcua.stats.models import (
    AgencyDay,
    AgencyMonth,
    DeciderDay,
    DeciderMonth,
    ProcedureDay,
    ProcedureMonth,
    ProcedureTotalDay,
    ProcedureTotalMonth,
    Target,
)

PER_AGENCY = (ProcedureMonth, ProcedureDay)
LEAST_USED = 10  # online services listed as the least used
SIMPLIFICATION = 20  # procedures listed as candidates for simplification
ONE_DAY = datetime.timedelta(days=1)
# The fewest dossiers a rate is judged over (a target met or not, full marks or not): below,
# it is shown with its counts and marked "not enough data". Two dossiers received online
# out of two are 100 %, and say nothing of an agency's service.
ENOUGH_DOSSIERS = 30


def reports_database() -> str:
    """The database alias reports read from: the replica when REPORTS_DATABASE_URL is set."""
    return "reports" if "reports" in settings.DATABASES else "default"


def rate(part: int, whole: int) -> float | None:
    """`part` as a percentage of `whole`, rounded half up to two decimals (8.9 % is 8.9)."""
    if not whole:
        return None
    exact = Decimal(part) * 100 / Decimal(whole)
    return float(exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def average(total: int, count: int) -> float | None:
    if not count:
        return None
    return float((Decimal(total) / Decimal(count)).quantize(Decimal("0.01"), ROUND_HALF_UP))


# ---------------------------------------------------------------- periods


def _next_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)


@dataclass(frozen=True)
class Span:
    """A period as whole months (first days, `after` excluded; no start: since ever) and the
    days around them."""

    first_month: datetime.date | None
    after: datetime.date | None
    days: tuple[tuple[datetime.date, datetime.date], ...]


def split(start: datetime.date | None, end: datetime.date) -> Span:
    """[start, end] (start None: since ever) as whole months plus the days around them."""
    if start is not None and start > end:
        return Span(None, None, ())
    first = start if start is None or start.day == 1 else _next_month(start)
    after = _next_month(end) if (end + ONE_DAY).day == 1 else end.replace(day=1)
    if first is not None and first >= after:
        return Span(None, None, ((start, end),))
    days = []
    if start is not None and start < first:
        days.append((start, first - ONE_DAY))
    if after <= end:
        days.append((after, end))
    return Span(first, after, tuple(days))


def _rows(query: str, params: list) -> list[tuple]:
    with connections[reports_database()].cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchall()


# The day and month tables of each side a dossier counts for (stats.forms.SIDES).
SIDE_TABLES = {
    SIDE_RECEIVED: (AgencyMonth, AgencyDay),
    SIDE_DECIDED: (DeciderMonth, DeciderDay),
}


def _sum(model, names: list[str], span: Span, agencies: list[int] | None, key: str) -> list[tuple]:
    """Rows of `model` (a day or month table) in `span`, added up per `key` (per agency:
    the table's own agency column, receiving or deciding)."""
    column = "decider_id" if any(f.name == "decider" for f in model._meta.fields) else "agency_id"
    key = column if key == "agency_id" else key
    monthly = any(f.name == "month" for f in model._meta.fields)
    where, params = [], []
    if monthly and span.after is not None:
        where.append("month < %s")
        params.append(span.after)
        if span.first_month is not None:
            where.append("month >= %s")
            params.append(span.first_month)
    elif not monthly and span.days:
        where.append("(" + " OR ".join(["day BETWEEN %s AND %s"] * len(span.days)) + ")")
        params += [day for days in span.days for day in days]
    else:
        return []
    if agencies is not None:
        where.append(f"{column} IN ({', '.join(['%s'] * len(agencies))})")
        params += agencies
    sums = ", ".join(f"SUM({n})" for n in names)
    return _rows(
        f"SELECT {key}, {sums} FROM {model._meta.db_table}"
        f" WHERE {' AND '.join(where)} GROUP BY {key}",
        params,
    )


def sums(
    models: tuple, names: list[str], span: Span, agencies: list[int] | None, key: str
) -> dict[object, Counter]:
    """The counters `names` over `span`, per value of `key`, from a month and a day table."""
    totals: dict[object, Counter] = {}
    for model in models:
        for value, *counts in _sum(model, names, span, agencies, key):
            current = totals.get(value)
            if current is None:
                totals[value] = Counter(dict(zip(names, counts, strict=True)))
                continue
            for name, count in zip(names, counts, strict=True):
                current[name] += count
    return totals


def monthly_sums(span: Span, agencies: list[int] | None) -> dict[datetime.date, Counter]:
    """Dossiers received per channel and month, for the chart over time."""
    names = [f"received_{channel}" for channel in Channel.values]
    totals: dict[datetime.date, Counter] = defaultdict(Counter)
    for model in (AgencyMonth, AgencyDay):
        key = "month" if model is AgencyMonth else "day"
        for row in _sum(model, names, span, agencies, key):
            month = _date(row[0]).replace(day=1)
            totals[month].update(dict(zip(names, row[1:], strict=True)))
    return totals


def _date(value: datetime.date | str) -> datetime.date:
    """A date as the database gives it (SQLite may give text)."""
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(value)


def latest_receipt(agency: Agency | None) -> datetime.date | None:
    """The last day a dossier was received in `agency`'s subtree (None: the province): the
    last month with one from the month table, then its last day from the day table."""
    where, params = [" + ".join(RECEIVED) + " > 0"], []
    if agency is not None:
        agencies = Agency.objects.using(reports_database()).subtree(agency)
        ids = list(agencies.values_list("pk", flat=True))
        where.append(f"agency_id IN ({', '.join(['%s'] * len(ids))})")
        params += ids
    latest = None
    for model, key in ((AgencyMonth, "month"), (AgencyDay, "day")):
        query = f"SELECT MAX({key}) FROM {model._meta.db_table} WHERE {' AND '.join(where)}"
        (found,) = _rows(query, params)[0]
        if found is None:
            return None
        latest = _date(found)
        where.append("day >= %s")  # the day table, within the last month found
        params.append(latest)
    return latest


# ---------------------------------------------------------------- agencies and catalog


@dataclass
class Unit:
    """A row of the per-agency tables: an agency with its subtree, or the scope's own row."""

    agency: Agency
    whole_subtree: bool
    members: list[int] = field(default_factory=list)


@dataclass
class Scope:
    """The agencies counted: `agency`'s subtree, or every agency (the whole province)."""

    agency: Agency | None
    agencies: dict[int, Agency]
    root: Agency | None
    everything: bool

    @classmethod
    def load(cls, agency: Agency | None) -> Scope:
        everyone = Agency.objects.using(reports_database())
        tops = list(everyone.filter(parent=None).only(*AGENCY_FIELDS))
        if agency is not None:
            everyone = everyone.subtree(agency)
        agencies = {a.pk: a for a in everyone.only(*AGENCY_FIELDS)}
        root = agency or (tops[0] if len(tops) == 1 else None)
        return cls(agency, agencies, root, agency is None or [agency] == tops)

    @property
    def ids(self) -> list[int] | None:
        """The agencies to filter the counts by; None when they are all of them."""
        return None if self.everything else list(self.agencies)

    def units(self) -> list[Unit]:
        """The scope's own row (its own dossiers and procedures), then one row per agency just
        below it, with that agency's subtree."""
        level = self.root.depth + 1 if self.root else 0
        units: dict[int, Unit] = {}
        if self.root is not None:
            units[self.root.pk] = Unit(self.root, whole_subtree=False)
        for agency in self.agencies.values():
            ids = [int(part) for part in agency.path.rstrip("/").split("/")]
            head = ids[level] if len(ids) > level else ids[-1]
            if head not in units:
                units[head] = Unit(self.agencies[head], whole_subtree=True)
            units[head].members.append(agency.pk)
        own = [u for u in units.values() if not u.whole_subtree]
        below = [u for u in units.values() if u.whole_subtree]
        return own + sorted(below, key=lambda u: u.agency.code)


AGENCY_FIELDS = ("code", "name", "tier", "parent_id", "path", "valid_from", "valid_to")


@dataclass(frozen=True)
class ProcedureInfo:
    code: str
    name: str
    level: int
    mode: str
    online: bool


@dataclass
class Catalog:
    """The published procedures, their tiers, and those the scope carries out."""

    procedures: dict[int, ProcedureInfo]
    tiers: dict[int, set[str]]
    offered: set[int]

    @classmethod
    def load(cls, scope: Scope) -> Catalog:
        procedure = Procedure._meta.db_table
        procedures = {
            pk: ProcedureInfo(code, name, level, mode, level >= Level.SUBMISSION)
            for pk, code, name, level, mode in _rows(
                f"SELECT id, code, name, level, online_mode FROM {procedure} WHERE published",
                [],
            )
        }
        tiers: dict[int, set[str]] = defaultdict(set)
        for procedure_id, tier in _rows(
            f"SELECT procedure_id, tier FROM {ProcedureTier._meta.db_table}", []
        ):
            tiers[procedure_id].add(tier)
        offered = set(procedures)
        if not scope.everything:
            offered &= offered_by(scope.ids)
        return cls(procedures, tiers, offered)


def offered_by(agencies: list[int]) -> set[int]:
    """The procedures any of `agencies` carries out."""
    through = Procedure.agencies.through._meta.db_table
    marks = ", ".join(["%s"] * len(agencies))
    query = f"SELECT DISTINCT procedure_id FROM {through} WHERE agency_id IN ({marks})"
    return {procedure_id for (procedure_id,) in _rows(query, agencies)}


def procedure_figures(ids: set[int], catalog: Catalog) -> dict:
    found = [catalog.procedures[i] for i in ids if i in catalog.procedures]
    levels = Counter(p.level for p in found)
    modes = Counter(p.mode for p in found)
    return _procedures_json(
        len(found),
        levels[Level.SUBMISSION],
        levels[Level.PAYMENT],
        modes[OnlineMode.FULL],
        modes[OnlineMode.PARTIAL],
    )


def _procedures_json(total: int, level3: int, level4: int, full: int, partial: int) -> dict:
    online = level3 + level4
    return {
        "total": total,
        "online": online,
        "online_level3": level3,
        "online_level4": level4,
        "online_full": full,
        "online_partial": partial,
        "online_share": rate(online, total),
        "level4_share": rate(level4, online),
    }


def unit_procedures(units: list[Unit]) -> dict[int, dict]:
    """The procedures each unit carries out (its members'), counted in SQL."""
    members = [(pk, unit.agency.pk) for unit in units for pk in unit.members]
    if not members:
        return {}
    mapping = ", ".join(["(%s, %s)"] * len(members))  # column1: agency, column2: unit
    through = Procedure.agencies.through._meta.db_table
    counted = _rows(
        f"""
        SELECT x.unit_id, p.level, p.online_mode, COUNT(*)
        FROM (SELECT DISTINCT m.column2 AS unit_id, pa.procedure_id
              FROM (VALUES {mapping}) m JOIN {through} pa ON pa.agency_id = m.column1) x
        JOIN {Procedure._meta.db_table} p ON p.id = x.procedure_id AND p.published
        GROUP BY x.unit_id, p.level, p.online_mode
        """,
        [value for pair in members for value in pair],
    )
    levels: dict[int, Counter] = defaultdict(Counter)
    for unit_id, level, mode, count in counted:
        levels[unit_id].update({"total": count, level: count, mode: count})
    return {
        unit_id: _procedures_json(
            c["total"],
            c[Level.SUBMISSION],
            c[Level.PAYMENT],
            c[OnlineMode.FULL],
            c[OnlineMode.PARTIAL],
        )
        for unit_id, c in levels.items()
    }


# ---------------------------------------------------------------- dossier figures


RECEIVED = tuple(f"received_{channel}" for channel in Channel.values)


def _received(c: Counter) -> int:
    return sum(c[name] for name in RECEIVED)


def _finished(c: Counter) -> int:
    return c["finished_early"] + c["finished_on_time"] + c["finished_late"]


def _closed(c: Counter) -> int:
    return _finished(c) + c["not_accepted"] + c["withdrawn"] + c["stopped"]


def _stock(c: Counter, name: str) -> int:
    return c[f"{name}_in"] - c[f"{name}_out"]


@dataclass(frozen=True)
class Judged:
    """Decision 766's on-time count: dossiers in time (finished or pending) over all judged."""

    on_time: int
    judged: int


def judged_766(before: Counter, during: Counter) -> Judged:
    after = before + during
    pending = _received(after) - _closed(after)
    overdue = _stock(after, "overdue")
    resupplied_in_time = _stock(after, "resupplied") - _stock(after, "resupplied_overdue")
    finished_in_time = during["finished_early"] + during["finished_on_time"]
    on_time = finished_in_time - during["finished_resupplied"]
    on_time += pending - overdue - resupplied_in_time
    return Judged(on_time, _finished(during) + pending)


def dossier_figures(before: Counter, during: Counter) -> dict:
    """Every dossier figure of a scope from its counts before and during the period."""
    after = before + during
    carried_over = _received(before) - _closed(before)
    received = _received(during)
    to_process = carried_over + received
    finished = _finished(during)
    in_time = during["finished_early"] + during["finished_on_time"]
    pending = _received(after) - _closed(after)
    overdue = _stock(after, "overdue")
    waiting = {kind: _stock(after, kind) for kind in CLOCK_STOPPED}
    ratings = during["very_satisfied"] + during["satisfied"] + during["dissatisfied"]
    pleased = during["very_satisfied"] + during["satisfied"]
    return {
        "carried_over": carried_over,
        "received": received,
        "online": during["received_online"],
        "desk": during["received_desk"],
        "post": during["received_post"],
        "online_rate": rate(during["received_online"], received),
        "to_process": to_process,
        "finished": finished,
        "early": during["finished_early"],
        "on_time": during["finished_on_time"],
        "late": during["finished_late"],
        "on_time_rate": rate(in_time, finished),
        "pending": pending,
        # Each pending dossier once: its clock running (within time or overdue) or stopped.
        "pending_within_time": pending - overdue - sum(waiting.values()),
        "pending_overdue": overdue,
        "late_rate": rate(during["finished_late"] + overdue, to_process),
        "waiting": sum(waiting.values()),
        "in_supplement": waiting[Status.SUPPLEMENT],
        "fees_requested": waiting[Status.FEES_REQUESTED],
        "paused": waiting[Status.PAUSED],
        "not_accepted": during["not_accepted"],
        "withdrawn": during["withdrawn"],
        "stopped": during["stopped"],
        "supplement_requests": during["supplement_requests"],
        "supplemented": during["supplemented"],
        "with_fee": during["with_fee"],
        "paid_online": during["paid_online"],
        "online_payment_rate": rate(during["paid_online"], during["with_fee"]),
        "digitised": during["digitised"],
        "digitisation_rate": rate(during["digitised"], received),
        "ratings": ratings,
        "very_satisfied": during["very_satisfied"],
        "satisfied": during["satisfied"],
        "dissatisfied": during["dissatisfied"],
        "satisfaction_rate": rate(pleased, ratings),
        "average_days": average(during["days_taken"], finished),
    }


# ---------------------------------------------------------------- targets


def target_for(targets: list[Target], year: int) -> Target | None:
    """The target in force in `year`: the latest one that starts in or before it."""
    return next((t for t in reversed(targets) if t.year <= year), None)


def enough(sample: int | None) -> bool:
    """Are `sample` dossiers enough to judge a rate over them (None: not a sample, a count of
    the whole catalog)?"""
    return sample is None or sample >= ENOUGH_DOSSIERS


def progress(target: Target | None, dossiers: dict) -> dict | None:
    """How far the online rate is from the target: gap in points, positive while short; met
    or not only over enough dossiers."""
    if target is None:
        return None
    goal = float(target.online_rate)
    actual = dossiers["online_rate"]
    gap = None if actual is None else float(Decimal(str(goal)) - Decimal(str(actual)))
    judged = enough(dossiers["received"])
    return {
        "year": target.year,
        "online_rate": goal,
        "basis": target.basis,
        "actual": actual,
        "gap": gap,
        "enough": judged,
        "met": None if actual is None or not judged else actual >= goal,
    }


# ---------------------------------------------------------------- the summary


@dataclass
class Counts:
    """The counts behind a summary, per agency, before and during the period."""

    before: dict[int, Counter]
    during: dict[int, Counter]

    def of(self, agencies: Iterable[int]) -> tuple[Counter, Counter]:
        before, during = Counter(), Counter()
        for agency in agencies:
            before.update(self.before.get(agency, Counter()))
            during.update(self.during.get(agency, Counter()))
        return before, during


def summary(
    start: datetime.date,
    end: datetime.date,
    agency: Agency | None = None,
    *,
    detail: bool = True,
    side: str = SIDE_RECEIVED,
) -> dict:
    """Every indicator for [start, end] and `agency`'s subtree (None: the whole province),
    counting each dossier where it was received, or with `side=SIDE_DECIDED` for the agency that
    decides it.

    `detail` adds the per-agency tables (`by_agency`, `rankings`), which only officials see.
    """
    scope = Scope.load(agency)
    catalog = Catalog.load(scope)
    models = SIDE_TABLES[side]
    counts = Counts(
        sums(models, AGENCY_COUNTERS, split(None, start - ONE_DAY), scope.ids, "agency_id"),
        sums(models, AGENCY_COUNTERS, split(start, end), scope.ids, "agency_id"),
    )
    before, during = counts.of(scope.agencies)
    offered = catalog.offered
    targets = list(Target.objects.using(reports_database()).order_by("year"))
    dossiers = dossier_figures(before, during)
    per_procedure = sums(
        (ProcedureTotalMonth, ProcedureTotalDay) if scope.everything else PER_AGENCY,
        PROCEDURE_COUNTERS,
        split(start, end),
        scope.ids,
        "procedure_id",
    )
    used = {pk for pk, c in per_procedure.items() if c["received"]}
    procedures = procedure_figures(offered, catalog)
    result = {
        "period": {"from": start.isoformat(), "to": end.isoformat()},
        "agency": None if agency is None else agency_json(agency),
        "side": side,
        "procedures": procedures,
        "dossiers": dossiers,
        "target": progress(target_for(targets, end.year), dossiers),
        "series": series(start, end, scope.ids, targets),
        "national_sync": outbox.sync_figures(start, end, None if scope.everything else scope.ids),
        "by_tier": by_tier(scope, catalog, counts, offered),
        "unused_services": unused_services(offered, per_procedure, catalog),
        "least_used": least_used(offered, per_procedure, catalog),
        "simplification": simplification(per_procedure, catalog),
        "scorecard": scorecard(
            procedures, dossiers, judged_766(before, during), offered, used, catalog
        ),
    }
    if detail:
        rows = by_agency(scope, catalog, counts, start, end, targets)
        result["by_agency"] = rows
        result["rankings"] = rankings(rows)
    return result


def agency_json(agency: Agency) -> dict:
    """An agency as every statistics answer names it."""
    return {"code": agency.code, "name": agency.name, "tier": agency.tier}


def series(
    start: datetime.date, end: datetime.date, agencies: list[int] | None, targets: list[Target]
) -> list[dict]:
    """Received and online per month of the period, with the target in force that month."""
    totals = monthly_sums(split(start, end), agencies)
    points = []
    month = start.replace(day=1)
    while month <= end:
        counts = totals.get(month, Counter())
        received, online = _received(counts), counts["received_online"]
        target = target_for(targets, month.year)
        points.append(
            {
                "month": month.strftime("%Y-%m"),
                "from": max(month, start).isoformat(),
                "to": min(_next_month(month) - ONE_DAY, end).isoformat(),
                "received": received,
                "online": online,
                "online_rate": rate(online, received),
                "target": None if target is None else float(target.online_rate),
            }
        )
        month = _next_month(month)
    return points


def by_tier(scope: Scope, catalog: Catalog, counts: Counts, offered: set[int]) -> list[dict]:
    """Procedures and dossiers of each tier of government in the scope."""
    rows = []
    for tier in Tier:
        agencies = [pk for pk, a in scope.agencies.items() if a.tier == tier]
        procedures = {pk for pk in offered if tier in catalog.tiers.get(pk, ())}
        before, during = counts.of(agencies)
        dossiers = dossier_figures(before, during)
        if not procedures and not dossiers["to_process"]:
            continue
        rows.append(
            {
                "tier": tier.value,
                "name": str(tier.label),
                "procedures": procedure_figures(procedures, catalog),
                "dossiers": dossiers,
            }
        )
    return rows


def by_agency(
    scope: Scope,
    catalog: Catalog,
    counts: Counts,
    start: datetime.date,
    end: datetime.date,
    targets: list[Target],
) -> list[dict]:
    """One row per agency just below the scope (with its subtree), the scope's own first."""
    rows = []
    target = target_for(targets, end.year)
    units = scope.units()
    procedures = unit_procedures(units)
    for unit in units:
        before, during = counts.of(unit.members)
        dossiers = dossier_figures(before, during)
        own = procedures.get(unit.agency.pk) or procedure_figures(set(), catalog)
        if unit.whole_subtree:
            shown = unit.agency.valid_from <= end and (
                unit.agency.valid_to is None or unit.agency.valid_to >= start
            )
        else:  # the scope's own row, when it holds something itself or is all there is
            shown = len(units) == 1
        if not (shown or own["total"] or dossiers["to_process"]):
            continue
        rows.append(
            {
                **agency_json(unit.agency),
                "whole_subtree": unit.whole_subtree,
                "procedures": own,
                "dossiers": dossiers,
                "target": progress(target, dossiers),
            }
        )
    return rows


# Each ranked rate, whether higher is better, and the count it is a share of.
RANKED = (
    ("online_rate", True, "received"),
    ("on_time_rate", True, "finished"),
    ("late_rate", False, "to_process"),
    ("satisfaction_rate", True, "ratings"),
    ("online_payment_rate", True, "with_fee"),
)


def rankings(rows: list[dict]) -> dict[str, list[dict]]:
    """The agencies ordered on each indicator (best first); equal values share a rank. An
    agency whose rate stands on too few dossiers to judge (`enough`) is listed after the
    ranked ones, with its value and sample but no rank."""
    ranked = {}
    for key, higher_is_better, sample_key in RANKED:
        scored = [r for r in rows if r["dossiers"][key] is not None]
        scored.sort(key=lambda r: -r["dossiers"][key] if higher_is_better else r["dossiers"][key])
        judged = [r for r in scored if enough(r["dossiers"][sample_key])]
        too_few = [r for r in scored if not enough(r["dossiers"][sample_key])]
        entries, previous, position = [], None, 0
        for index, row in enumerate(judged, start=1):
            value = row["dossiers"][key]
            if value != previous:
                position, previous = index, value
            entries.append(_ranked(row, key, sample_key, position))
        entries += [_ranked(r, key, sample_key, None) for r in too_few]
        ranked[key] = entries
    return ranked


def _ranked(row: dict, key: str, sample_key: str, rank: int | None) -> dict:
    return {
        "rank": rank,
        "code": row["code"],
        "name": row["name"],
        "value": row["dossiers"][key],
        "sample": row["dossiers"][sample_key],
    }


def _procedure_json(pk: int, catalog: Catalog) -> dict:
    info = catalog.procedures[pk]
    return {
        "code": info.code,
        "name": info.name,
        "level": info.level,
        "tiers": sorted(catalog.tiers.get(pk, ())),
    }


def unused_services(offered: set[int], per_procedure: dict, catalog: Catalog) -> dict:
    """Online services of the scope that received no dossier in the period, and how many
    received none online (their users still came to the desk)."""
    online = [pk for pk in offered if catalog.procedures[pk].online]
    unused = sorted(
        (pk for pk in online if pk not in per_procedure or not per_procedure[pk]["received"]),
        key=lambda pk: catalog.procedures[pk].code,
    )
    offline = sum(
        1 for pk in online if pk not in per_procedure or not per_procedure[pk]["received_online"]
    )
    return {
        "count": len(unused),
        "online_services": len(online),
        "share": rate(len(unused), len(online)),
        "without_online_dossier": offline,
        "items": [_procedure_json(pk, catalog) for pk in unused],
    }


def least_used(offered: set[int], per_procedure: dict, catalog: Catalog) -> list[dict]:
    """The online services that received the fewest dossiers (at least one) in the period."""
    received = {pk: c["received"] for pk, c in per_procedure.items() if c["received"]}
    used = [pk for pk in offered if pk in received and catalog.procedures[pk].online]
    used.sort(key=lambda pk: (received[pk], catalog.procedures[pk].code))
    return [
        {
            **_procedure_json(pk, catalog),
            "received": per_procedure[pk]["received"],
            "online": per_procedure[pk]["received_online"],
        }
        for pk in used[:LEAST_USED]
    ]


def simplification(per_procedure: dict[int, Counter], catalog: Catalog) -> list[dict]:
    """Procedures whose dossiers met the most trouble: supplement requests, refusals, late
    results and negative ratings, then the longest average time, with their fees."""
    rows = []
    for pk, c in per_procedure.items():
        if pk not in catalog.procedures:
            continue
        problems = c["supplement_requests"] + c["refused"] + c["finished_late"] + c["dissatisfied"]
        if problems:
            days = c["days_taken"] / c["finished"] if c["finished"] else 0
            rows.append((-problems, -days, pk, c))
    rows.sort(key=lambda row: row[:3])
    rows = [(pk, c, -problems) for problems, _days, pk, c in rows[:SIMPLIFICATION]]
    fees = dict(
        Fee.objects.using(reports_database())
        .filter(procedure_id__in=[pk for pk, _c, _p in rows])
        .values("procedure_id")
        .annotate(total=Sum("amount"))
        .values_list("procedure_id", "total")
    )
    return [
        {
            **_procedure_json(pk, catalog),
            "fee": fees.get(pk, 0),
            "received": c["received"],
            "supplement_requests": c["supplement_requests"],
            "refused": c["refused"],
            "finished": c["finished"],
            "late": c["finished_late"],
            "late_rate": rate(c["finished_late"], c["finished"]),
            "dissatisfied": c["dissatisfied"],
            "average_days": average(c["days_taken"], c["finished"]),
            "problems": problems,
        }
        for pk, c, problems in rows
    ]


# ---------------------------------------------------------------- Decision 766


GROUPS = (
    ("transparency", gettext_lazy("Transparency"), 18),
    ("progress", gettext_lazy("Progress and results of handling"), 20),
    ("digitisation", gettext_lazy("Digitisation"), 22),
    ("online", gettext_lazy("Online provision"), 22),
    ("satisfaction", gettext_lazy("Satisfaction"), 18),
)

NOT_COMPUTED = (
    (
        "transparency",
        "transparency",
        gettext_lazy("Publicity of procedures and of each dossier's progress"),
        gettext_lazy("Scored by the national portal from what it publishes; not in these records."),
    ),
    (
        "feedback",
        "satisfaction",
        gettext_lazy("Feedback handled within 15 working days"),
        gettext_lazy("Citizens' feedback (PAKN) is not recorded here."),
    ),
    (
        "complaints",
        "satisfaction",
        gettext_lazy("Dossiers with a complaint"),
        gettext_lazy(
            "Complaints are not recorded here: procedure satisfaction counts negative ratings only."
        ),
    ),
    (
        "points",
        "",
        gettext_lazy("Points of each part"),
        gettext_lazy(
            "The national scoring scale is not in these records: each rate is shown against the"
            " level that earns full marks."
        ),
    ),
)


@dataclass(frozen=True)
class Part:
    """A part of the scorecard: `count` of `of`, over `sample` dossiers (None: over the
    catalog, not a sample), earning full marks from `full_marks_at` per cent."""

    key: str
    group: str
    label: str
    count: int
    of: int
    sample: int | None
    full_marks_at: int | None = None

    def json(self) -> dict:
        value = rate(self.count, self.of)
        judged = enough(self.sample)
        return {
            "key": self.key,
            "group": self.group,
            "label": self.label,
            "rate": value,
            "count": self.count,
            "of": self.of,
            "full_marks_at": self.full_marks_at,
            "sample": self.sample,
            "enough": judged,
            "full_marks": None
            if value is None or self.full_marks_at is None or not judged
            else value >= self.full_marks_at,
        }


def scorecard(
    procedures: dict,
    dossiers: dict,
    judged: Judged,
    offered: set[int],
    used: set[int],
    catalog: Catalog,
) -> dict:
    """The parts of the Decision 766 scorecard these records allow, and those they do not."""
    online_services = [pk for pk in offered if catalog.procedures[pk].online]
    in_use = sum(1 for pk in online_services if pk in used)
    unhappy = dossiers["late"] + dossiers["pending_overdue"] + dossiers["dissatisfied"]
    received = dossiers["received"]
    parts = [
        Part(
            "on_time_rate",
            "progress",
            _("Dossiers handled on time (supplement time excluded, a second supplement late)"),
            judged.on_time,
            judged.judged,
            judged.judged,
        ),
        Part(
            "digitisation_rate",
            "digitisation",
            _("Dossiers with digitised documents and an electronic result"),
            dossiers["digitised"],
            received,
            received,
            80,
        ),
        Part(
            "online_services_share",
            "online",
            _("Procedures offered online"),
            procedures["online"],
            procedures["total"],
            None,
            80,
        ),
        Part(
            "online_services_used",
            "online",
            _("Online services that received a dossier"),
            in_use,
            len(online_services),
            received,
        ),
        Part(
            "online_dossier_rate",
            "online",
            _("Dossiers received online"),
            dossiers["online"],
            received,
            received,
            50,
        ),
        Part(
            "online_payment_rate",
            "online",
            _("Dossiers with fees paid online"),
            dossiers["paid_online"],
            dossiers["with_fee"],
            dossiers["with_fee"],
            80,
        ),
        Part(
            "procedure_satisfaction",
            "satisfaction",
            _("Procedure satisfaction: 100 per cent less the late rate and the negative ratings"),
            dossiers["to_process"] - unhappy,
            dossiers["to_process"],
            dossiers["to_process"],
            90,
        ),
    ]
    return {
        "groups": [{"key": k, "label": str(label), "points": p} for k, label, p in GROUPS],
        "parts": [part.json() for part in parts],
        "enough_dossiers": ENOUGH_DOSSIERS,
        "not_computed": [
            {"key": key, "group": group, "label": str(label), "reason": str(reason)}
            for key, group, label, reason in NOT_COMPUTED
        ],
    }

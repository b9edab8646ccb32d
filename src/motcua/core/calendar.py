"""The working-day calendar from which every statutory deadline is computed.

A day is worked when it is Monday to Friday, not a statutory public holiday (Labour Code 2019,
art. 112, as computed by the `holidays` package, with the days the Government gave off in
exchange for a worked Saturday) and not a day off the administrator entered. A Saturday the
Government made a working day in such a swap is worked, as is any day the administrator
entered as a `working_day`.
"""

from __future__ import annotations

import datetime
from functools import cache

import holidays
from django.conf import settings
from django.utils import timezone

from motcua.core.models import CalendarDay, DayKind

ONE_DAY = datetime.timedelta(days=1)
SATURDAY = 5
# Entries are loaded a year at a time past the range asked for, so that a deadline running past
# it costs one more query, not one per day.
_LOAD_AHEAD = datetime.timedelta(days=366)


@cache
def statutory_holidays(year: int) -> frozenset[datetime.date]:
    """Vietnam's public holidays in `year`, computed once per process: the package is slow."""
    return frozenset(holidays.Vietnam(years=year, expand=False))


@cache
def swapped_working_days(year: int) -> frozenset[datetime.date]:
    """Weekend days the Government made working days in exchange for a day off."""
    calendar = holidays.Vietnam(years=year, expand=False)
    return frozenset(day for day in calendar.weekend_workdays if day.year == year)


class WorkingCalendar:
    """Working days with the administrator's entries for a range of dates held in memory.

    Build one with `for_range` to compute many deadlines with a constant number of queries; a
    computation that leaves the range loads the next stretch of entries.
    """

    def __init__(self) -> None:
        self._entries: dict[datetime.date, str] = {}
        self._first: datetime.date | None = None
        self._last: datetime.date | None = None

    @classmethod
    def for_range(cls, start: datetime.date, end: datetime.date) -> WorkingCalendar:
        calendar = cls()
        calendar._load(start, max(start, end))
        return calendar

    def _load(self, first: datetime.date, last: datetime.date) -> None:
        entries = CalendarDay.objects.filter(day__range=(first, last)).values_list("day", "kind")
        self._entries.update(entries)
        self._first = first if self._first is None else min(first, self._first)
        self._last = last if self._last is None else max(last, self._last)

    def _cover(self, day: datetime.date) -> None:
        """Load the entries up to `day`, keeping the loaded range in one piece."""
        if self._first is None or self._last is None:
            self._load(day, day + _LOAD_AHEAD)
        elif day > self._last:
            self._load(self._last + ONE_DAY, day + _LOAD_AHEAD)
        elif day < self._first:
            self._load(day - _LOAD_AHEAD, self._first - ONE_DAY)

    def is_working_day(self, day: datetime.date) -> bool:
        self._cover(day)
        kind = self._entries.get(day)
        if kind is not None:
            return kind == DayKind.WORKING_DAY
        if day in swapped_working_days(day.year):
            return True
        return day.weekday() < SATURDAY and day not in statutory_holidays(day.year)

    def next_working_day(self, day: datetime.date) -> datetime.date:
        """The first working day strictly after `day`."""
        day += ONE_DAY
        while not self.is_working_day(day):
            day += ONE_DAY
        return day

    def add_working_days(self, start: datetime.date, days: int) -> datetime.date:
        """The day a processing time of `days` working days ends for a dossier received on `start`.

        Counting begins on the next working day after `start`; 0 days means the result is
        returned on the day of receipt, `start` itself, even when that is not a working day.
        """
        if days < 0:
            raise ValueError(f"A processing time cannot be negative: {days}")
        for _ in range(days):
            start = self.next_working_day(start)
        return start

    def working_days_between(self, start: datetime.date, end: datetime.date) -> int:
        """The number of working days after `start` up to and including `end`."""
        if end <= start:
            return 0
        self._cover(start + ONE_DAY)
        self._cover(end)
        count = 0
        day = start + ONE_DAY
        while day <= end:
            count += self.is_working_day(day)
            day += ONE_DAY
        return count


def _calendar_for(start: datetime.date, working_days: int = 0) -> WorkingCalendar:
    """A calendar whose range likely holds `working_days` after `start`, so one query suffices."""
    return WorkingCalendar.for_range(start, start + datetime.timedelta(days=2 * working_days + 31))


def is_working_day(day: datetime.date) -> bool:
    return _calendar_for(day).is_working_day(day)


def next_working_day(day: datetime.date) -> datetime.date:
    """The first working day strictly after `day`."""
    return _calendar_for(day).next_working_day(day)


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """The day a processing time of `days` working days ends for a dossier received on `start`."""
    return _calendar_for(start, days).add_working_days(start, days)


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """The number of working days d with start < d <= end; the inverse of add_working_days."""
    return WorkingCalendar.for_range(start, end).working_days_between(start, end)


def office_closes_at() -> datetime.time:
    """The end of the desk's working day (setting OFFICE_CLOSES_AT, "HH:MM" local time)."""
    return datetime.time.fromisoformat(settings.OFFICE_CLOSES_AT)


def received_on(moment: datetime.datetime, *, online: bool = True) -> datetime.date:
    """The day a dossier handed in at `moment` is received, from which its clock runs.

    Submitted online after the office closes or on a day off, it is received on the next
    working day (Decree 45/2020); before the office opens on a working day, it is received that
    day. A dossier handed in at the desk or arriving by post is received on the day itself.
    """
    local = timezone.localtime(moment)
    day = local.date()
    if not online:
        return day
    calendar = _calendar_for(day)
    if calendar.is_working_day(day) and local.time() < office_closes_at():
        return day
    return calendar.next_working_day(day)

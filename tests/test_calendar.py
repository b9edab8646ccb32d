"""The working-day calendar: weekends, statutory holidays and the administrator's entries."""

import datetime

import pytest

from motcua.core.calendar import (
    WorkingCalendar,
    add_working_days,
    is_working_day,
    next_working_day,
    statutory_holidays,
    working_days_between,
)
from motcua.core.models import CalendarDay, DayKind

D = datetime.date


def days_from(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    return [first + datetime.timedelta(days=n) for n in range((last - first).days + 1)]


def enter(day: datetime.date, kind: str, note: str = "") -> CalendarDay:
    return CalendarDay.objects.create(day=day, kind=kind, note=note)


def test_statutory_holidays_of_2025_and_2026_come_from_the_holidays_package():
    assert {D(2025, 1, 1), D(2025, 4, 7), D(2025, 4, 30), D(2025, 5, 1)} <= statutory_holidays(2025)
    assert {D(2025, 9, 1), D(2025, 9, 2)} <= statutory_holidays(2025)
    assert {D(2026, 2, 17), D(2026, 4, 26), D(2026, 9, 2), D(2026, 11, 24)} <= statutory_holidays(
        2026
    )
    assert D(2025, 1, 24) not in statutory_holidays(2025)


def test_the_package_knows_the_weekdays_of_tet_2025():
    """The Government's Tết 2025 was 25 January to 2 February; its weekdays are statutory."""
    tet = days_from(D(2025, 1, 25), D(2025, 2, 2))
    statutory_weekdays = [d for d in tet if d.weekday() < 5 and d in statutory_holidays(2025)]
    assert statutory_weekdays == days_from(D(2025, 1, 27), D(2025, 1, 31))


def test_a_weekend_is_skipped(db):
    assert add_working_days(D(2025, 3, 7), 1) == D(2025, 3, 10)
    assert not is_working_day(D(2025, 3, 8))
    assert not is_working_day(D(2025, 3, 9))
    assert is_working_day(D(2025, 3, 10))


@pytest.mark.parametrize("schedule_entered", [False, True])
def test_tet_2025_is_skipped(db, schedule_entered):
    if schedule_entered:
        # The province enters the Government's schedule; days the package knows already or
        # weekends are harmless duplicates.
        for day in days_from(D(2025, 1, 25), D(2025, 2, 2)):
            enter(day, DayKind.DAY_OFF, "Tết Ất Tỵ")
    received = D(2025, 1, 24)
    assert received.weekday() == 4
    assert add_working_days(received, 1) == D(2025, 2, 3)
    assert add_working_days(received, 5) == D(2025, 2, 7)
    assert working_days_between(received, D(2025, 2, 7)) == 5


def test_30_april_and_1_may_are_skipped(db):
    # 2026: Thursday 30 April and Friday 1 May, then the weekend.
    assert add_working_days(D(2026, 4, 29), 1) == D(2026, 5, 4)
    # 2025: Wednesday and Thursday, and Friday 2 May given in exchange for Saturday 26 April.
    assert add_working_days(D(2025, 4, 29), 1) == D(2025, 5, 5)
    assert working_days_between(D(2025, 4, 29), D(2025, 5, 5)) == 1


def test_a_swapped_saturday_entered_as_working_day_counts(db):
    saturday = D(2026, 1, 10)
    assert add_working_days(D(2026, 1, 9), 1) == D(2026, 1, 12)
    enter(saturday, DayKind.WORKING_DAY, "Worked in exchange for a bridge day")
    assert is_working_day(saturday)
    assert add_working_days(D(2026, 1, 9), 1) == saturday
    assert next_working_day(D(2026, 1, 9)) == saturday


def test_an_administrator_day_off_on_a_weekday_is_skipped(db):
    bridge = D(2026, 1, 2)
    assert add_working_days(D(2025, 12, 31), 1) == bridge
    enter(bridge, DayKind.DAY_OFF, "Bridge day")
    assert not is_working_day(bridge)
    assert add_working_days(D(2025, 12, 31), 1) == D(2026, 1, 5)


@pytest.mark.parametrize("received", [D(2025, 3, 7), D(2025, 3, 8), D(2025, 1, 29)])
def test_zero_days_is_the_day_of_receipt(db, received):
    assert add_working_days(received, 0) == received


def test_a_negative_processing_time_is_refused(db):
    with pytest.raises(ValueError):
        add_working_days(D(2025, 3, 7), -1)


def test_next_working_day_is_strictly_after(db):
    assert next_working_day(D(2025, 3, 10)) == D(2025, 3, 11)
    assert next_working_day(D(2025, 3, 8)) == D(2025, 3, 10)


def test_working_days_between_is_zero_unless_end_is_after_start(db):
    assert working_days_between(D(2025, 3, 10), D(2025, 3, 10)) == 0
    assert working_days_between(D(2025, 3, 10), D(2025, 3, 3)) == 0
    assert working_days_between(D(2025, 3, 7), D(2025, 3, 9)) == 0


def test_a_far_deadline_reaches_past_the_loaded_range(db):
    # 30 working days from Tuesday 20 January 2026 cross Tết (16-20 February): 10 March;
    # a bridge day the administrator entered on 6 March, beyond the range, moves it to 11 March.
    enter(D(2026, 3, 6), DayKind.DAY_OFF, "Bridge day")
    calendar = WorkingCalendar.for_range(D(2026, 1, 20), D(2026, 1, 20))
    assert calendar.add_working_days(D(2026, 1, 20), 30) == D(2026, 3, 11)
    assert add_working_days(D(2026, 1, 20), 30) == D(2026, 3, 11)
    assert working_days_between(D(2026, 1, 20), D(2026, 3, 11)) == 30


def test_a_day_before_the_loaded_range_is_loaded_too(db):
    enter(D(2025, 12, 31), DayKind.DAY_OFF, "Bridge day")
    calendar = WorkingCalendar.for_range(D(2026, 3, 1), D(2026, 3, 31))
    assert not calendar.is_working_day(D(2025, 12, 31))
    assert calendar.is_working_day(D(2025, 12, 30))


def test_working_days_between_inverts_add_working_days_over_a_year(db):
    for day in days_from(D(2025, 1, 25), D(2025, 2, 2)):
        enter(day, DayKind.DAY_OFF)
    enter(D(2025, 4, 26), DayKind.WORKING_DAY)
    enter(D(2025, 12, 31), DayKind.DAY_OFF)
    calendar = WorkingCalendar.for_range(D(2025, 1, 1), D(2025, 12, 31))
    for start in days_from(D(2025, 1, 1), D(2025, 12, 31)):
        for days in (1, 2, 5, 15, 30):
            due = calendar.add_working_days(start, days)
            assert calendar.is_working_day(due)
            assert calendar.working_days_between(start, due) == days, (start, days)
            assert calendar.working_days_between(start, due - datetime.timedelta(days=1)) == (
                days - 1
            )


def test_many_deadlines_cost_a_constant_number_of_queries(db, django_assert_max_num_queries):
    enter(D(2026, 2, 10), DayKind.DAY_OFF, "Bridge day")
    starts = [D(2025, 1, 1) + datetime.timedelta(days=n) for n in range(1000)]
    with django_assert_max_num_queries(2):
        calendar = WorkingCalendar.for_range(starts[0], starts[-1])
        deadlines = [calendar.add_working_days(start, 30) for start in starts]
    # 1 January 2026 is a holiday; 30 working days later, skipping 10 February, is 13 February.
    new_year = starts.index(D(2026, 1, 1))
    assert deadlines[new_year] == D(2026, 2, 13)
    assert deadlines[0] == add_working_days(starts[0], 30)
    assert deadlines[-1] == add_working_days(starts[-1], 30)


def test_saturday_swapped_by_the_government_is_a_working_day(db):
    # 2025: Sat 26 Apr worked, Fri 2 May off, both known to the holidays package.
    assert is_working_day(D(2025, 4, 26))
    assert not is_working_day(D(2025, 5, 2))
    assert add_working_days(D(2025, 4, 25), 1) == D(2025, 4, 26)
    assert add_working_days(D(2025, 4, 29), 1) == D(2025, 5, 5)

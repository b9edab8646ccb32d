"""A dossier submitted online after office hours or on a day off is received on the next working
day: its receipt date and the start of its clock; the receipt states both moments.

Hand-checked dates (office closes at 17:00): Friday 6 March 2026 at 19:57 is received on Monday
9 March; Saturday 7 March also on Monday 9 March; Thursday 30 April 2026 (Reunification Day,
then 1 May, Labour Day, a Friday) on Monday 4 May; Tuesday 3 March at 10:00 that same day.
"""

import datetime
from zoneinfo import ZoneInfo

import pytest

from motcua.core.calendar import received_on
from motcua.dossiers import receipts, services
from motcua.dossiers.models import Channel

HUE = ZoneInfo("Asia/Ho_Chi_Minh")
D = datetime.date


def at(*moment) -> datetime.datetime:
    return datetime.datetime(*moment, tzinfo=HUE)


def submitted(procedure, citizen, moment, days, channel=Channel.ONLINE):
    procedure.processing_days = days
    procedure.save()
    draft, _ = services.start_draft(
        procedure=procedure,
        agency=procedure.agencies.first(),
        applicant=citizen,
        form_data={},
        channel=channel,
    )
    return services.submit(draft, now=moment)


@pytest.mark.parametrize(
    ("moment", "day"),
    [
        (at(2026, 3, 6, 19, 57), D(2026, 3, 9)),  # Friday evening
        (at(2026, 3, 6, 17, 0), D(2026, 3, 9)),  # Friday, as the office closes
        (at(2026, 3, 6, 16, 59), D(2026, 3, 6)),  # Friday, before it closes
        (at(2026, 3, 7, 10, 0), D(2026, 3, 9)),  # Saturday
        (at(2026, 4, 30, 10, 0), D(2026, 5, 4)),  # a public holiday, then another
        (at(2026, 3, 3, 10, 0), D(2026, 3, 3)),  # a weekday at 10:00
        (at(2026, 3, 3, 6, 30), D(2026, 3, 3)),  # a weekday before the office opens
    ],
)
def test_the_receipt_day_of_an_online_submission(db, moment, day):
    assert received_on(moment) == day
    assert received_on(moment, online=False) == moment.date()


def test_a_same_day_procedure_submitted_at_1957_is_due_the_next_working_day(marriage, citizen):
    dossier = submitted(marriage, citizen, at(2026, 3, 6, 19, 57), 0)
    assert dossier.due_date == D(2026, 3, 9)


def test_the_clock_starts_on_the_receipt_day(marriage, citizen):
    # Saturday 7 March: received Monday 9, three working days: 10, 11 and 12 March.
    assert submitted(marriage, citizen, at(2026, 3, 7, 10), 3).due_date == D(2026, 3, 12)
    # Thursday 30 April: received Monday 4 May, two working days: 5 and 6 May.
    assert submitted(marriage, citizen, at(2026, 4, 30, 10), 2).due_date == D(2026, 5, 6)
    # Tuesday 3 March at 10:00: received that day, three working days: 4, 5 and 6 March.
    assert submitted(marriage, citizen, at(2026, 3, 3, 10), 3).due_date == D(2026, 3, 6)


def test_the_office_hours_are_a_setting(marriage, citizen, settings):
    settings.OFFICE_CLOSES_AT = "20:00"
    assert submitted(marriage, citizen, at(2026, 3, 6, 19, 57), 0).due_date == D(2026, 3, 6)


def test_the_receipt_states_the_submission_time_and_the_receipt_date(marriage, citizen):
    dossier = submitted(marriage, citizen, at(2026, 3, 6, 19, 57), 0)
    html = receipts.receipt_html(dossier, "https://example.test/tra-cuu/")
    assert "19:57 06/03/2026" in html
    assert "Ngày tiếp nhận</th><td>09/03/2026" in html

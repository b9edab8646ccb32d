"""A dossier waiting for a supplement or paused is never overdue: its remaining working days
count, in the inbox (page and API), the statistics and the verdict once it goes on.

Hand-checked dates (March 2020, no holiday): submitted Monday 2 March, due Monday 9 March;
asked for a supplement on Wednesday 4 March with three working days left (5, 6 and 9 March);
still waiting on Tuesday 10 March, past its original date; answered on Thursday 12 March, so due
Tuesday 17 March (13, 16 and 17 March).
"""

import datetime
from zoneinfo import ZoneInfo

import pytest
from rest_framework.test import APIClient

from motcua.accounts.models import Role
from motcua.backoffice.inbox import Window, deadline_of
from motcua.dossiers import deadlines, services
from motcua.dossiers.models import Channel, Dossier, Status
from motcua.stats.indicators import summary
from tests import factories
from tests.factories import official

HUE = ZoneInfo("Asia/Ho_Chi_Minh")
D = datetime.date


@pytest.fixture
def staff(province):
    agency = province["commune_a"]
    return {role: official(agency, role) for role in Role.values if role != Role.SUPERVISOR}


@pytest.fixture
def waiting(marriage, citizen, staff, clock, province) -> Dossier:
    """Waiting for the applicant's supplement since 4 March, three working days in reserve."""
    clock.set(2020, 3, 2, 9)
    draft, _ = services.start_draft(
        procedure=marriage,
        agency=province["commune_a"],
        applicant=citizen,
        form_data={},
        channel=Channel.ONLINE,
    )
    dossier = services.submit(draft)
    assert dossier.due_date == D(2020, 3, 9)
    clock.set(2020, 3, 2, 10)
    services.perform(dossier, "accept", staff[Role.DESK_OFFICER])
    services.request_supplement(
        dossier, staff[Role.SPECIALIST], ["Tờ khai"], now=clock.set(2020, 3, 4, 10)
    )
    dossier.refresh_from_db()
    assert dossier.status == Status.SUPPLEMENT
    assert dossier.supplements.get().remaining_days == 3
    clock.set(2020, 3, 10, 9)  # the day after the original appointment date
    return dossier


def answer(dossier, citizen, clock) -> Dossier:
    return services.answer_supplement(
        dossier, citizen, [], "Đã bổ sung", now=clock.set(2020, 3, 12, 10)
    )


def test_the_inbox_page_does_not_show_it_overdue(waiting, staff, client):
    client.force_login(staff[Role.SPECIALIST])
    assert deadline_of(waiting, Window.now()) == ""
    page = client.get("/mot-cua/", {"tab": "supplement"}).content.decode()
    assert waiting.code in page and "deadline-overdue" not in page
    for due in ("overdue", "today", "soon"):
        assert waiting.code not in client.get("/mot-cua/", {"tab": due}).content.decode()


def test_the_inbox_api_does_not_list_it_overdue(waiting, staff):
    api = APIClient()
    api.force_authenticate(staff[Role.SPECIALIST])
    codes = [row["code"] for row in api.get("/api/v1/inbox").json()["results"]]
    assert codes == [waiting.code]
    assert api.get("/api/v1/inbox", {"due": "overdue"}).json()["results"] == []


def test_the_statistics_do_not_count_it_overdue(waiting):
    figures = summary(D(2020, 3, 1), D(2020, 3, 10))
    dossiers = figures["dossiers"]
    # Counted once, as waiting for the supplement: neither in progress nor overdue.
    assert (dossiers["pending"], dossiers["in_supplement"], dossiers["waiting"]) == (1, 1, 1)
    assert dossiers["pending_within_time"] == dossiers["pending_overdue"] == 0
    assert dossiers["late_rate"] == 0.0
    part = next(p for p in figures["scorecard"]["parts"] if p["key"] == "on_time_rate")
    assert (part["count"], part["of"]) == (1, 1)


def test_a_paused_dossier_is_not_overdue_either(marriage, citizen, staff, clock, province):
    clock.set(2020, 3, 2, 9)
    draft, _ = services.start_draft(
        procedure=marriage, agency=province["commune_a"], applicant=citizen, form_data={}
    )
    dossier = services.submit(draft)
    clock.set(2020, 3, 2, 10)
    services.perform(dossier, "accept", staff[Role.DESK_OFFICER])
    services.perform(
        dossier, "assign", staff[Role.HEAD_OF_DIVISION], assignee=staff[Role.SPECIALIST]
    )
    clock.set(2020, 3, 5, 9)
    dossier = services.perform(dossier, "pause", staff[Role.LEADER], "Chờ ý kiến cấp trên")
    assert dossier.pauses.get().remaining_days == 2  # 6 and 9 March
    clock.set(2020, 3, 11, 9)
    assert deadlines.timeliness(dossier) == ""
    assert deadline_of(dossier, Window.now()) == ""
    assert summary(D(2020, 3, 1), D(2020, 3, 11))["dossiers"]["pending_overdue"] == 0


def test_once_answered_it_is_judged_on_its_remaining_days(waiting, citizen, staff, clock):
    assert deadlines.timeliness(waiting) == ""
    dossier = answer(waiting, citizen, clock)
    assert dossier.due_date == D(2020, 3, 17)
    assert deadlines.timeliness(dossier, today=D(2020, 3, 17)) == ""
    assert deadlines.timeliness(dossier, today=D(2020, 3, 18)) == "late"
    clock.set(2020, 3, 18, 9)
    assert deadline_of(dossier, Window.now()) == "overdue"
    assert summary(D(2020, 3, 1), D(2020, 3, 18))["dossiers"]["pending_overdue"] == 1
    clock.set(2020, 3, 17, 15)
    dossier = factories.advance(Dossier.objects.get(pk=dossier.pk), Status.FINISHED)
    assert deadlines.timeliness(dossier) == "on_time"
    march = summary(D(2020, 3, 1), D(2020, 3, 31))["dossiers"]
    assert (march["on_time"], march["late"], march["pending_overdue"]) == (1, 0, 0)


def test_the_python_and_sql_forms_of_the_rule_agree(waiting, citizen, clock):
    from django.db import connection

    sql = deadlines.running_due_sql("due_date", "status")

    def agree(dossier) -> bool:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {sql} FROM {Dossier._meta.db_table} WHERE id = %s", [dossier.pk]
            )
            (due,) = cursor.fetchone()
        running = deadlines.clock_running(dossier.status)
        query = Dossier.objects.filter(deadlines.clock_running_q(), pk=dossier.pk).exists()
        return (due is not None) == running == query

    assert agree(waiting) and not deadlines.clock_running(waiting.status)
    answered = answer(waiting, citizen, clock)
    assert agree(answered) and deadlines.clock_running(answered.status)

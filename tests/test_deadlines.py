"""Early, on time or late: each dossier judged against its appointment date."""

import datetime
from zoneinfo import ZoneInfo

import pytest

from motcua.accounts.models import Role
from motcua.dossiers.deadlines import timeliness
from motcua.dossiers.models import Status
from tests.factories import dossier_in, official

HUE = ZoneInfo("Asia/Ho_Chi_Minh")
DUE = datetime.date(2025, 3, 10)


@pytest.fixture
def dossier(marriage, citizen, province):
    found = dossier_in(marriage, citizen, province["commune_a"], Status.AWAITING_APPROVAL)
    found.due_date = DUE
    found.save()
    return found


def finish_on(dossier, day):
    dossier.status = Status.FINISHED
    dossier.finished_at = datetime.datetime.combine(day, datetime.time(16, 30), tzinfo=HUE)
    dossier.save()


@pytest.mark.parametrize(
    ("day", "verdict"),
    [
        (datetime.date(2025, 3, 7), "early"),
        (DUE, "on_time"),
        (datetime.date(2025, 3, 11), "late"),
    ],
)
def test_finished_dossiers(dossier, day, verdict):
    finish_on(dossier, day)
    assert timeliness(dossier) == verdict


def test_unfinished_dossiers_are_judged_on_the_day(dossier):
    assert timeliness(dossier, today=DUE) == ""
    assert timeliness(dossier, today=DUE + datetime.timedelta(days=1)) == "late"


def test_the_back_office_shows_the_verdict_and_supervisors_the_audit_log(dossier, province, client):
    finish_on(dossier, datetime.date(2025, 3, 11))
    client.force_login(official(province["commune_a"], Role.SPECIALIST))
    page = client.get(f"/mot-cua/ho-so/{dossier.code}/").content.decode()
    assert '<strong id="timeliness">Trễ hạn</strong>' in page and "Nhật ký" not in page
    client.force_login(official(province["district"], Role.SUPERVISOR))
    page = client.get(f"/mot-cua/ho-so/{dossier.code}/").content.decode()
    assert "dossier.status" in page and "dossier.view" in page

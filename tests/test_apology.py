"""A dossier running late: the apology and new date, drafted, signed once, seen by all."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from motcua.accounts.models import Role
from motcua.backoffice import apology
from motcua.backoffice.models import Apology
from motcua.core.calendar import add_working_days
from motcua.dossiers import deadlines
from motcua.dossiers.models import Status
from tests.factories import at_nine, dossier_in, flat_pdf_text, official


@pytest.fixture
def late(marriage, citizen, province):
    marriage.processing_days = 4
    marriage.save()
    dossier = dossier_in(marriage, citizen, province["commune_a"], Status.PROCESSING)
    dossier.due_date = datetime.date(2025, 3, 7)  # a Friday
    dossier.save()
    return dossier


WEDNESDAY = datetime.date(2025, 3, 5)  # two days before the `late` dossier's date


def test_the_new_date_is_suggested_from_the_calendar(late):
    # Half of 4 working days after Friday 7 March: Monday 10 and Tuesday 11.
    assert apology.suggested_new_date(late, today=datetime.date(2025, 3, 5)) == datetime.date(
        2025, 3, 11
    )


def test_an_overdue_dossier_gets_a_new_date_after_today(late):
    today = datetime.date(2025, 3, 20)  # a Thursday, two weeks after the appointment
    assert apology.suggested_new_date(late, today=today) == datetime.date(2025, 3, 24)


@pytest.fixture
def due_soon(marriage, citizen, province):
    """A dossier due three working days from today: the pages judge by today's date."""
    dossier = dossier_in(marriage, citizen, province["commune_a"], Status.PROCESSING)
    dossier.due_date = add_working_days(timezone.localdate(), 3)
    dossier.save()
    return dossier


def test_draft_sign_and_the_applicant_sees_it(due_soon, province, client, citizen):
    original = due_soon.due_date
    new_date = add_working_days(original, 2)
    specialist = official(province["commune_a"], Role.SPECIALIST)
    leader = official(province["commune_a"], Role.LEADER)
    client.force_login(specialist)
    page = client.get(f"/mot-cua/ho-so/{due_soon.code}/").content.decode()
    assert f'value="{apology.suggested_new_date(due_soon):%Y-%m-%d}"' in page
    client.post(
        f"/mot-cua/ho-so/{due_soon.code}/xin-loi/",
        {"reason": "Cần lấy ý kiến cơ quan khác", "new_due_date": f"{new_date:%Y-%m-%d}"},
    )
    letter = Apology.objects.get()
    assert letter.signed_at is None and letter.original_due_date == original
    due_soon.refresh_from_db()
    assert due_soon.due_date == original, "the date changes only once signed"

    client.post(f"/mot-cua/ho-so/{due_soon.code}/xin-loi/ky/")
    letter.refresh_from_db()
    assert letter.signed_at is None, "a specialist does not sign"
    client.force_login(leader)
    client.post(f"/mot-cua/ho-so/{due_soon.code}/xin-loi/ky/")
    letter.refresh_from_db()
    due_soon.refresh_from_db()
    assert letter.signed_by == leader and due_soon.due_date == new_date
    event = due_soon.events.last()
    assert f"{new_date:%d/%m/%Y}" in event.note and event.actor == leader

    client.force_login(citizen)
    citizen_page = client.get(f"/ho-so/{due_soon.code}/").content.decode()
    panel = citizen_page[citizen_page.index('id="apology-title"') :]
    panel = panel[: panel.index("</section>")]
    assert "Cần lấy ý kiến cơ quan khác" in panel
    assert f"Ngày hẹn trả kết quả ban đầu: <strong>{original:%d/%m/%Y}</strong>" in panel
    assert f"Ngày hẹn trả kết quả mới: <strong>{new_date:%d/%m/%Y}</strong>" in panel
    history = citizen_page[citizen_page.index('id="history-title"') :]
    assert event.note in history, "the signing is an event of the dossier's history"


def test_the_new_date_is_set_only_once(late, province):
    specialist = official(province["commune_a"], Role.SPECIALIST)
    leader = official(province["commune_a"], Role.LEADER)
    apology.draft(late, specialist, "Lý do", datetime.date(2025, 3, 11), today=WEDNESDAY)
    revised = apology.draft(
        late, specialist, "Lý do đầy đủ hơn", datetime.date(2025, 3, 12), today=WEDNESDAY
    )
    assert Apology.objects.get().reason == "Lý do đầy đủ hơn", "a draft is revised, not doubled"
    apology.sign(revised, leader, today=WEDNESDAY)
    late.refresh_from_db()
    with pytest.raises(ValidationError):
        apology.draft(late, specialist, "Lần hai", datetime.date(2025, 3, 20), today=WEDNESDAY)
    assert Apology.objects.count() == 1
    assert Apology.objects.get().new_due_date == datetime.date(2025, 3, 12)


@pytest.mark.parametrize(
    ("reason", "new_date"),
    [("", datetime.date(2025, 3, 11)), ("Lý do", datetime.date(2025, 3, 7))],
)
def test_bad_apologies_are_refused(late, province, reason, new_date):
    specialist = official(province["commune_a"], Role.SPECIALIST)
    with pytest.raises(ValidationError):
        apology.draft(late, specialist, reason, new_date, today=WEDNESDAY)
    assert Apology.objects.count() == 0


def test_other_agencies_and_closed_dossiers_get_no_apology(
    late, province, client, marriage, citizen
):
    outsider = official(province["commune_b"], Role.LEADER)
    client.force_login(outsider)
    response = client.post(
        f"/mot-cua/ho-so/{late.code}/xin-loi/", {"reason": "x", "new_due_date": "2025-03-11"}
    )
    assert response.status_code == 404 and Apology.objects.count() == 0
    returned = dossier_in(marriage, citizen, province["commune_a"], Status.RETURNED)
    assert not apology.may_apologise(returned)


def test_form_04_prints_the_original_date_and_the_new_one(late, province, client):
    # Received today, the dossier prints the 2025 edition: "đề nghị … gia hạn … đến ngày …".
    specialist = official(province["commune_a"], Role.SPECIALIST)
    leader = official(province["commune_a"], Role.LEADER)
    letter = apology.draft(
        late, specialist, "Cần lấy ý kiến Sở Tư pháp", datetime.date(2025, 3, 11), today=WEDNESDAY
    )
    client.force_login(specialist)
    drafted = flat_pdf_text(client.get(f"/mot-cua/ho-so/{late.code}/bieu-mau/apology.pdf").content)
    assert "Cần lấy ý kiến Sở Tư pháp" in drafted
    assert "hẹn trả kết quả: ngày 07/03/2025" in drafted and "đến ngày 11/03/2025" in drafted

    apology.sign(letter, leader, today=WEDNESDAY)
    late.refresh_from_db()
    assert late.due_date == datetime.date(2025, 3, 11)
    signed = flat_pdf_text(client.get(f"/mot-cua/ho-so/{late.code}/bieu-mau/apology.pdf").content)
    assert "hẹn trả kết quả: ngày 07/03/2025" in signed, "the date the letter replaces"
    assert "đến ngày 11/03/2025" in signed and signed.count("11/03/2025") == 1


# The dossier: due Monday 23 Nov 2026; the apology came on Monday 7 Dec with 10 Dec.
DUE = datetime.date(2026, 11, 23)
SEVENTH = datetime.date(2026, 12, 7)


@pytest.fixture
def overdue(marriage, citizen, province):
    dossier = dossier_in(marriage, citizen, province["commune_a"], Status.PROCESSING)
    dossier.due_date = DUE
    dossier.save()
    return dossier


@pytest.mark.parametrize(
    ("today", "allowed"),
    [
        (datetime.date(2026, 11, 20), True),  # Friday, the last working day before
        (datetime.date(2026, 11, 22), True),  # Sunday, one day before
        (DUE, False),  # the day itself: less than one day before
        (SEVENTH, False),
    ],
)
def test_an_apology_comes_at_least_one_day_before_the_date(overdue, province, today, allowed):
    specialist = official(province["commune_a"], Role.SPECIALIST)
    assert apology.may_apologise(overdue, today) is allowed
    if allowed:
        apology.draft(overdue, specialist, "Lý do", datetime.date(2026, 12, 10), today=today)
        assert Apology.objects.get().original_due_date == DUE
    else:
        with pytest.raises(ValidationError, match="23/11/2026"):
            apology.draft(overdue, specialist, "Lý do", datetime.date(2026, 12, 10), today=today)
        assert Apology.objects.count() == 0


def test_a_late_dossier_stays_late_whatever_is_signed_afterwards(overdue, province, client):
    specialist = official(province["commune_a"], Role.SPECIALIST)
    leader = official(province["commune_a"], Role.LEADER)
    # Drafted in time on Friday 20 Nov, but the leader tries to sign it on 7 Dec.
    letter = apology.draft(
        overdue, specialist, "Lý do", datetime.date(2026, 12, 10), today=datetime.date(2026, 11, 20)
    )
    with pytest.raises(ValidationError):
        apology.sign(letter, leader, today=SEVENTH)
    # The same through the leader's page, on the real day (after 23 Nov 2026).
    assert timezone.localdate() > DUE
    client.force_login(leader)
    response = client.post(f"/mot-cua/ho-so/{overdue.code}/xin-loi/ky/", follow=True)
    assert "23/11/2026" in response.content.decode()
    letter.refresh_from_db()
    overdue.refresh_from_db()
    assert letter.signed_at is None and overdue.due_date == DUE
    assert not overdue.events.filter(note__contains="10/12/2026").exists()
    # Finished on Wednesday 9 Dec: late against 23 Nov, not early against 10 Dec.
    overdue.finished_at = at_nine(datetime.date(2026, 12, 9))
    assert deadlines.timeliness(overdue) == deadlines.Timeliness.LATE


def test_the_morning_sweep_drafts_only_for_dossiers_still_before_their_date(
    marriage, citizen, province
):
    friday = datetime.date(2026, 11, 20)
    dossiers = {}
    for name, due in [
        ("overdue", datetime.date(2026, 11, 19)),
        ("due_today", friday),
        ("due_monday", DUE),  # the next working day
        ("due_later", datetime.date(2026, 11, 26)),
    ]:
        dossiers[name] = dossier_in(marriage, citizen, province["commune_a"], Status.PROCESSING)
        dossiers[name].due_date = due
        dossiers[name].save()
    assert apology.draft_for_late_dossiers(today=friday) == 1
    assert Apology.objects.get().dossier == dossiers["due_monday"]

"""A dossier running late: the apology and new date, drafted, signed once, seen by all."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from motcua.accounts.models import Role
from motcua.backoffice import apology
from motcua.backoffice.models import Apology
from motcua.dossiers.models import Status
from tests.factories import dossier_in, official


@pytest.fixture
def late(marriage, citizen, province):
    marriage.processing_days = 4
    marriage.save()
    dossier = dossier_in(marriage, citizen, province["commune_a"], Status.PROCESSING)
    dossier.due_date = datetime.date(2025, 3, 7)  # a Friday
    dossier.save()
    return dossier


def test_the_new_date_is_suggested_from_the_calendar(late):
    # Half of 4 working days after Friday 7 March: Monday 10 and Tuesday 11.
    assert apology.suggested_new_date(late, today=datetime.date(2025, 3, 5)) == datetime.date(
        2025, 3, 11
    )


def test_an_overdue_dossier_gets_a_new_date_after_today(late):
    today = datetime.date(2025, 3, 20)  # a Thursday, two weeks after the appointment
    assert apology.suggested_new_date(late, today=today) == datetime.date(2025, 3, 24)


def test_draft_sign_and_the_applicant_sees_it(late, province, client, citizen):
    specialist = official(province["commune_a"], Role.SPECIALIST)
    leader = official(province["commune_a"], Role.LEADER)
    client.force_login(specialist)
    page = client.get(f"/mot-cua/ho-so/{late.code}/").content.decode()
    assert f'value="{apology.suggested_new_date(late):%Y-%m-%d}"' in page
    client.post(
        f"/mot-cua/ho-so/{late.code}/xin-loi/",
        {"reason": "Cần lấy ý kiến cơ quan khác", "new_due_date": "2025-03-11"},
    )
    letter = Apology.objects.get()
    assert letter.signed_at is None and letter.original_due_date == datetime.date(2025, 3, 7)
    late.refresh_from_db()
    assert late.due_date == datetime.date(2025, 3, 7), "the date changes only once signed"

    client.post(f"/mot-cua/ho-so/{late.code}/xin-loi/ky/")
    letter.refresh_from_db()
    assert letter.signed_at is None, "a specialist does not sign"
    client.force_login(leader)
    client.post(f"/mot-cua/ho-so/{late.code}/xin-loi/ky/")
    letter.refresh_from_db()
    late.refresh_from_db()
    assert letter.signed_by == leader and late.due_date == datetime.date(2025, 3, 11)
    assert "11/03/2025" in late.events.last().note

    client.force_login(citizen)
    citizen_page = client.get(f"/ho-so/{late.code}/").content.decode()
    assert "Cần lấy ý kiến cơ quan khác" in citizen_page and "11/03/2025" in citizen_page


def test_the_new_date_is_set_only_once(late, province):
    specialist = official(province["commune_a"], Role.SPECIALIST)
    leader = official(province["commune_a"], Role.LEADER)
    apology.draft(late, specialist, "Lý do", datetime.date(2025, 3, 11))
    revised = apology.draft(late, specialist, "Lý do đầy đủ hơn", datetime.date(2025, 3, 12))
    assert Apology.objects.get().reason == "Lý do đầy đủ hơn", "a draft is revised, not doubled"
    apology.sign(revised, leader)
    late.refresh_from_db()
    with pytest.raises(ValidationError):
        apology.draft(late, specialist, "Lần hai", datetime.date(2025, 3, 20))
    assert Apology.objects.count() == 1
    assert Apology.objects.get().new_due_date == datetime.date(2025, 3, 12)


@pytest.mark.parametrize(
    ("reason", "new_date"),
    [("", datetime.date(2025, 3, 11)), ("Lý do", datetime.date(2025, 3, 7))],
)
def test_bad_apologies_are_refused(late, province, reason, new_date):
    specialist = official(province["commune_a"], Role.SPECIALIST)
    with pytest.raises(ValidationError):
        apology.draft(late, specialist, reason, new_date)
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


def test_form_04_prints_the_drafted_apology(late, province, client):
    from io import BytesIO

    from pypdf import PdfReader

    specialist = official(province["commune_a"], Role.SPECIALIST)
    apology.draft(late, specialist, "Cần lấy ý kiến Sở Tư pháp", datetime.date(2025, 3, 11))
    client.force_login(specialist)
    response = client.get(f"/mot-cua/ho-so/{late.code}/bieu-mau/apology.pdf")
    text = " ".join(page.extract_text() for page in PdfReader(BytesIO(response.content)).pages)
    assert "Cần lấy ý kiến Sở Tư pháp" in text and "11/03/2025" in text

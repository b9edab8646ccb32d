"""Dossier codes: the national form, unique and gap-free per agency and day, under load."""

import datetime
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from motcua.accounts.models import User
from motcua.dossiers import services
from motcua.dossiers.codes import format_code
from motcua.dossiers.models import Dossier

SUBMISSIONS = 200
# PostgreSQL allows 100 connections by default: keep some for the suite itself.
CONNECTIONS = 80
NOON = datetime.datetime(2020, 5, 26, 12, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


def test_code_format(province):
    code = format_code(province["commune_a"], datetime.date(2024, 1, 15), 1)
    assert code == "000.01.31.H57-240115-0001"
    assert re.fullmatch(r"[\d.]+\.H\d{2}-\d{6}-\d{4}", code)


def test_codes_restart_each_day_and_differ_per_agency(catalog, django_user_model):
    citizen = django_user_model.objects.create_user("0905000001", password="x")
    marriage = catalog["marriage"]

    def submit(agency, when):
        draft, _ = services.start_draft(
            procedure=marriage, agency=agency, applicant=citizen, form_data={}
        )
        return services.submit(draft, now=when).code

    commune_a, commune_b = catalog["marriage"].agencies.order_by("code")
    next_day = NOON + datetime.timedelta(days=1)
    codes = [submit(commune_a, NOON), submit(commune_a, NOON), submit(commune_b, NOON)]
    codes.append(submit(commune_a, next_day))
    assert codes == [
        "000.01.31.H57-200526-0001",
        "000.01.31.H57-200526-0002",
        "000.02.31.H57-200526-0001",
        "000.01.31.H57-200527-0001",
    ]


def test_a_failed_submission_gives_its_number_back(catalog, django_user_model):
    citizen = django_user_model.objects.create_user("0905000002", password="x")
    marriage = catalog["marriage"]
    agency = marriage.agencies.order_by("code").first()
    broken, _ = services.start_draft(
        procedure=marriage, agency=None, applicant=citizen, form_data={}
    )
    with pytest.raises(ValidationError):
        services.submit(broken, now=NOON)
    good, _ = services.start_draft(
        procedure=marriage, agency=agency, applicant=citizen, form_data={}
    )
    assert services.submit(good, now=NOON).code.endswith("-0001")


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs a server's concurrent connections; CI runs the suite on PostgreSQL as well",
)
@pytest.mark.django_db(transaction=True)
def test_two_hundred_simultaneous_submissions_get_gap_free_codes(catalog):
    marriage = catalog["marriage"]
    agency = marriage.agencies.order_by("code").first()
    citizens = User.objects.bulk_create(
        User(username=f"09050{n:05d}", full_name=f"Công dân {n}") for n in range(SUBMISSIONS)
    )
    drafts = [
        services.start_draft(procedure=marriage, agency=agency, applicant=c, form_data={})[0]
        for c in citizens
    ]
    start = threading.Barrier(CONNECTIONS)

    def submit(draft):
        try:
            if draft.pk <= drafts[CONNECTIONS - 1].pk:
                start.wait(timeout=30)  # the first wave really starts at once
            return services.submit(draft, now=NOON).code
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=CONNECTIONS) as pool:
        codes = list(pool.map(submit, drafts))

    numbers = sorted(int(code.rsplit("-", 1)[1]) for code in codes)
    assert numbers == list(range(1, SUBMISSIONS + 1))
    assert Dossier.objects.filter(code__startswith=f"{agency.code}-200526-").count() == SUBMISSIONS


def test_the_day_has_four_digits_then_the_submission_is_refused(catalog, django_user_model):
    from motcua.dossiers.models import DailySequence

    citizen = django_user_model.objects.create_user("0905000003", password="x")
    marriage = catalog["marriage"]
    agency = marriage.agencies.order_by("code").first()
    DailySequence.objects.create(agency=agency, day=NOON.date(), last=9998)

    def submit():
        draft, _ = services.start_draft(
            procedure=marriage, agency=agency, applicant=citizen, form_data={}
        )
        return services.submit(draft, now=NOON)

    assert submit().code == "000.01.31.H57-200526-9999"
    with pytest.raises(ValidationError, match="26/05/2020"):
        submit()
    assert Dossier.objects.filter(code__startswith="000.01.31.H57-200526-").count() == 1
    assert DailySequence.objects.get(agency=agency, day=NOON.date()).last == 9999
    next_day = services.start_draft(
        procedure=marriage, agency=agency, applicant=citizen, form_data={}
    )[0]
    later = services.submit(next_day, now=NOON + datetime.timedelta(days=1))
    assert later.code == "000.01.31.H57-200527-0001"

"""The demo province's dossiers of 1 January – 26 May 2020 reproduce the seed article.

Every figure of the article is counted from the database through the statistics API; the
rest checks that the generated dossiers keep the rules a live dossier keeps.
"""

import datetime
import hashlib
import re
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import Mod
from django.utils import timezone

from motcua.accounts.models import User
from motcua.agencies.models import Agency, Kind
from motcua.catalog.models import Procedure
from motcua.core.calendar import WorkingCalendar
from motcua.demo import dossiers as generator
from motcua.demo import plan
from motcua.dossiers.codes import next_code
from motcua.dossiers.models import (
    Channel,
    DailySequence,
    Dossier,
    Event,
    Rating,
    Status,
    SupplementRequest,
)

PERIOD = {"from": "2020-01-01", "to": "2020-05-26"}  # the article's period
FIRST_QUARTER = {"from": "2020-01-01", "to": "2020-03-31"}
DONE = (Status.FINISHED, Status.RETURNED)

pytestmark = pytest.mark.django_db


@pytest.fixture
def supervisor(client, demo_db):
    """A client logged in as the provincial supervisor, who may read every agency's figures."""
    client.force_login(User.objects.get(username="giamsat"))
    return client


def summary(client, **params) -> dict:
    response = client.get("/api/v1/stats/summary", params)
    assert response.status_code == 200, response.content[:500]
    return response.json()


def tier(figures: dict, name: str) -> dict:
    return next(row["dossiers"] for row in figures["by_tier"] if row["tier"] == name)


def sample(dossiers: QuerySet, every: int) -> QuerySet:
    """One dossier in `every`, spread over the whole period and every agency."""
    return dossiers.alias(slot=Mod("pk", every)).filter(slot=0)


def center() -> Agency:
    return Agency.objects.get(kind=Kind.SERVICE_CENTER)


# ---------------------------------------------------------------- the article's figures


def test_dossiers_received_and_online_match_the_article(supervisor):
    dossiers = summary(supervisor, **PERIOD)["dossiers"]
    assert dossiers["received"] == 232_527
    assert dossiers["online"] == 20_697
    assert dossiers["online_rate"] == 8.9
    assert dossiers["desk"] + dossiers["post"] == dossiers["received"] - dossiers["online"]
    assert 0 < dossiers["post"] < dossiers["desk"] / 20


def test_service_center_online_rate_matches_the_article(supervisor):
    own = summary(supervisor, **PERIOD, agency=center().code)["dossiers"]
    assert own["online_rate"] == 32.05
    assert round(own["online"] * 100 / own["received"], 2) == 32.05
    rows = summary(supervisor, **PERIOD)["by_agency"]
    row = next(row for row in rows if row["code"] == center().code)
    assert row["name"] == center().name
    assert row["dossiers"]["online_rate"] == 32.05


def test_district_tier_first_quarter_matches_the_article(supervisor):
    district = tier(summary(supervisor, **FIRST_QUARTER), "district")
    assert district["online"] == 5_963
    assert district["online_rate"] == 16.8
    assert round(district["online"] * 100 / district["received"], 1) == 16.8


def test_communes_receive_very_few_dossiers_online(supervisor):
    figures = summary(supervisor, **PERIOD)
    commune = tier(figures, "commune")
    assert 0 < commune["online"] < figures["dossiers"]["online"] / 50
    assert commune["online_rate"] < 1


def test_many_online_services_receive_no_dossier(supervisor):
    unused = summary(supervisor, **PERIOD)["unused_services"]
    assert unused["online_services"] == 1425
    assert unused["count"] >= unused["online_services"] / 4


def test_results_ratings_and_payments_are_plausible(supervisor):
    dossiers = summary(supervisor, **PERIOD)["dossiers"]
    assert dossiers["finished"] > 0.8 * dossiers["received"]
    assert 85 <= dossiers["on_time_rate"] <= 97
    assert dossiers["late"] > 0 and dossiers["pending_overdue"] > 0
    assert dossiers["pending_within_time"] > dossiers["pending_overdue"]
    assert dossiers["in_supplement"] > 0 and dossiers["supplemented"] > 0
    assert dossiers["not_accepted"] > 0 and dossiers["withdrawn"] > 0
    assert dossiers["ratings"] > 0 and dossiers["satisfaction_rate"] > 80
    assert 0 < dossiers["paid_online"] < dossiers["with_fee"]


# ---------------------------------------------------------------- the rules


def test_only_online_services_receive_online_dossiers(demo_db):
    online = Dossier.objects.filter(channel=Channel.ONLINE)
    assert online.exists()
    assert not online.filter(procedure__level__lt=3).exists()


def test_each_dossier_is_received_where_its_procedure_is_and_decided_by_its_agency(demo_db):
    deciders, points = (
        Procedure.agencies.through.objects,
        Procedure.receiving_points.through.objects,
    )
    decided = Exists(deciders.filter(procedure=OuterRef("procedure"), agency=OuterRef("decider")))
    named = Exists(points.filter(procedure=OuterRef("procedure"), agency=OuterRef("agency")))
    has_points = Exists(points.filter(procedure=OuterRef("procedure")))
    own = Q(decider=F("agency")) & ~has_points
    assert not Dossier.objects.filter(~decided).exists()
    assert not Dossier.objects.filter(~named & ~own).exists()
    # The center receives for the departments, which decide; it sends on what it accepts.
    at_center = Dossier.objects.filter(agency=center())
    assert at_center.exists()
    assert not at_center.filter(Q(decider=F("agency")) | Q(for_another_agency=False)).exists()
    assert not at_center.exclude(decider__kind=Kind.DEPARTMENT).exists()
    sent = at_center.exclude(accepted_at=None)
    assert not sent.filter(transferred_at=None).exists()
    # Those loaded with their history (open ones, those asked for a supplement) show the step.
    with_history = sent.filter(Exists(Event.objects.filter(dossier=OuterRef("pk"))))
    assert with_history.exists()
    assert not with_history.exclude(events__action="transfer").exists()
    assert not Dossier.objects.exclude(agency=center()).filter(for_another_agency=True).exists()


def test_submitted_on_working_days_in_office_hours(demo_db):
    calendar = WorkingCalendar.for_range(datetime.date(2020, 1, 1), datetime.date(2020, 5, 26))
    for submitted in sample(Dossier.objects, 13).values_list("submitted_at", flat=True):
        local = timezone.localtime(submitted)
        assert calendar.is_working_day(local.date()), local
        minute = local.hour * 60 + local.minute
        assert 7 * 60 + 30 <= minute <= 11 * 60 + 30 or 13 * 60 + 30 <= minute <= 17 * 60, local


def test_due_dates_follow_the_working_day_calendar(demo_db):
    calendar = WorkingCalendar.for_range(datetime.date(2020, 1, 1), datetime.date(2020, 12, 31))
    due_dates = Dossier.objects.values_list("due_date", flat=True).distinct()
    assert all(calendar.is_working_day(day) for day in due_dates)
    # Without a supplement the appointment is the processing time from the day of receipt.
    cases = sample(Dossier.objects.filter(supplement_count=0), 13).values_list(
        "submitted_at", "procedure__processing_days", "due_date"
    )
    for submitted, days, due in cases:
        assert calendar.add_working_days(timezone.localdate(submitted), days) == due


def test_milestones_follow_one_another(demo_db):
    dossiers = Dossier.objects.all()
    assert not dossiers.filter(accepted_at__lt=F("submitted_at")).exists()
    assert not dossiers.filter(finished_at__lt=F("accepted_at")).exists()
    assert not dossiers.filter(returned_at__lt=F("finished_at")).exists()
    assert not dossiers.filter(status__in=DONE, finished_at=None).exists()
    assert not dossiers.filter(status=Status.RETURNED, returned_at=None).exists()
    assert not dossiers.filter(status=Status.NOT_ACCEPTED).exclude(accepted_at=None).exists()
    assert not dossiers.exclude(status__in=DONE).exclude(finished_at=None).exists()
    statuses = dict(dossiers.values_list("status").annotate(n=Count("pk")))
    assert statuses[Status.RETURNED] > sum(statuses.values()) / 2
    open_ = (Status.SUBMITTED, Status.ACCEPTED, Status.PROCESSING, Status.UNDER_REVIEW)
    assert all(statuses.get(status) for status in (*open_, Status.SUPPLEMENT, Status.STOPPED))


def test_supplements_are_recorded(demo_db):
    counted = Dossier.objects.annotate(requests=Count("supplements")).exclude(
        requests=F("supplement_count")
    )
    assert not counted.exists()
    waiting = Dossier.objects.filter(status=Status.SUPPLEMENT)
    assert waiting.exists()
    assert not waiting.exclude(supplements__answered_at=None).exists()
    for dossier in waiting[:50]:  # answering puts it back where it was: its history says where
        assert dossier.events.last().to_status == Status.SUPPLEMENT
    requests = SupplementRequest.objects.all()
    assert not requests.filter(answered_at__lt=F("requested_at")).exists()
    assert not requests.filter(requested_at__lt=F("dossier__accepted_at")).exists()
    assert Event.objects.filter(dossier__status=Status.RETURNED).exists()


def test_codes_are_numbered_per_agency_and_day_and_leave_room_for_live_ones(demo_db):
    code = re.compile(r"^\d{3}\.\d{2}\.\d{2}\.H57-(\d{6})-(\d{4})$")
    for text, submitted in sample(Dossier.objects, 997).values_list("code", "submitted_at"):
        match = code.match(text)
        assert match and match[1] == f"{timezone.localtime(submitted):%y%m%d}", text
    assert sum(DailySequence.objects.values_list("last", flat=True)) == Dossier.objects.count()
    busiest = DailySequence.objects.order_by("-last").select_related("agency").first()
    with transaction.atomic():
        following = next_code(busiest.agency, busiest.day)
        assert following.endswith(f"-{busiest.last + 1:04d}")
        assert not Dossier.objects.filter(code=following).exists()
        transaction.set_rollback(True)


def test_fees_ratings_and_payments_agree_with_the_dossiers(demo_db):
    from motcua.catalog.fees import amount_due

    with_fee = Dossier.objects.filter(fee_amount__gt=0).select_related("procedure")
    for dossier in sample(with_fee, 500).prefetch_related("procedure__fees"):
        assert dossier.fee_amount == amount_due(dossier.procedure, dossier.form_data)
    charging = Procedure.objects.filter(fees__amount__gt=0).values("pk")
    assert not Dossier.objects.filter(fee_amount=0, procedure__in=charging).exists()
    assert not Rating.objects.exclude(dossier__status__in=DONE).exists()
    assert not Rating.objects.filter(created_at__lt=F("dossier__finished_at")).exists()
    if apps.is_installed("motcua.payments"):
        from motcua.payments.models import Payment

        paid = Payment.objects.filter(status="paid", provider="vnpay")
        assert paid.exists()
        assert not paid.exclude(amount=F("dossier__fee_amount")).exists()
        assert not paid.exclude(dossier__channel=Channel.ONLINE).exists()
        assert not paid.filter(dossier__procedure__level__lt=4).exists()
        assert not paid.filter(paid_at__lt=F("dossier__submitted_at")).exists()


def test_applicants_are_plausible(demo_db):
    people = sample(Dossier.objects, 1009).values_list(
        "applicant_name", "applicant_phone", "applicant_id_number"
    )
    for name, phone, id_number in people:
        assert 3 <= len(name.split()) <= 4, name
        assert re.fullmatch(r"0[35789]\d{8}", phone), phone
        assert re.fullmatch(r"046[0-3]\d{8}", id_number), id_number


# ---------------------------------------------------------------- the generator


def test_the_dossiers_are_generated_deterministically(demo_db):
    """Generating again from the same catalog gives exactly the dossiers in the database."""
    stored = Dossier.objects.order_by("code").values_list(*FINGERPRINT)
    again = sorted(generator.generate(generator.places()).dossiers)
    assert len(again) == len(stored)
    generated = [
        tuple(row[generator.DOSSIER_FIELDS.index(f)] for f in FINGERPRINT) for row in again
    ]
    assert _digest(generated) == _digest(stored)


FINGERPRINT = (
    "code",
    "procedure_id",
    "agency_id",
    "applicant_name",
    "channel",
    "status",
    "submitted_at",
    "due_date",
    "finished_at",
    "fee_amount",
)


def _digest(rows) -> str:
    digest = hashlib.sha256()
    for row in rows:
        values = (
            v.astimezone(datetime.UTC) if isinstance(v, datetime.datetime) else v for v in row
        )
        digest.update("|".join(map(str, values)).encode())
    return digest.hexdigest()


def test_the_plan_shares_out_the_article_figures_exactly():
    days = [datetime.date(2020, 1, 2) + datetime.timedelta(days=n) for n in range(146)]
    streams = plan.streams([d for d in days if d.weekday() < 5])
    assert sum(s.received for s in streams) == plan.RECEIVED
    assert sum(s.online for s in streams) == plan.ONLINE
    assert all(0 <= s.online <= s.received for s in streams)
    assert plan.percent(5_963, plan.total_for_rate(5_963, plan.DISTRICT_Q1_ONLINE_RATE)) == Decimal(
        "16.8"
    )

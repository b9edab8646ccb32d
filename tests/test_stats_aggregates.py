"""The pre-aggregated counts: kept in step by every service, equal to a rebuild from the
records, and checked by `manage.py verify_stats`."""

import datetime
import io
import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.utils import timezone

from motcua.accounts.models import Role
from motcua.dossiers import services
from motcua.dossiers.models import Channel, Dossier, Status
from motcua.payments.models import Payment, PaymentStatus
from motcua.payments.services import move
from motcua.stats import aggregates
from motcua.stats.aggregates import TABLES
from motcua.stats.indicators import summary
from motcua.stats.models import AgencyDay, AgencyMonth, DossierFact, ProcedureMonth
from tests.factories import PDF, official

TODAY = timezone.localdate


@pytest.fixture
def staff(province):
    agency = province["commune_a"]
    people = {role: official(agency, role) for role in Role.values if role != Role.SUPERVISOR}
    people["justice leader"] = official(province["justice"], Role.LEADER)
    return people


def snapshot() -> dict:
    """Every non-zero row of every table, and every fact."""
    rows = {}
    for table in TABLES:
        values = table.model.objects.values(*table.keys, *table.counters)
        rows[table.name] = sorted(
            tuple(row.values()) for row in values if any(row[c] for c in table.counters)
        )
    rows["facts"] = sorted(tuple(f.values()) for f in DossierFact.objects.values())
    return rows


def draft(procedure, agency, citizen, channel=Channel.ONLINE, upload=False) -> Dossier:
    dossier, _ = services.start_draft(
        procedure=procedure, agency=agency, applicant=citizen, form_data={}, channel=channel
    )
    if upload:
        document = procedure.documents.first()
        services.save_draft(
            dossier,
            citizen,
            {},
            agency,
            {document.pk: SimpleUploadedFile("a.pdf", PDF, "application/pdf")},
        )
    return dossier


def test_every_counter_is_counted_by_some_rule():
    sql = aggregates.Dialect(connection.vendor)
    for table in TABLES:
        counted = {name for family in table.families(sql) for name in family.counts}
        assert counted == set(table.counters), table.name


def test_the_services_keep_the_counts_in_step_with_the_records(catalog, province, citizen, staff):
    """A dossier through its whole life, and others refused, withdrawn, stopped, paused."""
    desk, specialist = staff[Role.DESK_OFFICER], staff[Role.SPECIALIST]
    head, leader = staff[Role.HEAD_OF_DIVISION], staff[Role.LEADER]
    commune = province["commune_a"]
    full = services.submit(draft(catalog["marriage"], commune, citizen, upload=True))
    services.perform(full, "request_supplement", desk, items=["Tờ khai"])
    services.answer_supplement(full, citizen, [], "Đã bổ sung")
    services.perform(full, "accept", desk)
    services.perform(full, "assign", head, assignee=specialist)
    services.perform(full, "send_for_review", specialist)
    services.perform(full, "submit_for_approval", head)
    services.perform(full, "approve", leader)
    services.perform(full, "return_result", desk, delivery="desk")
    services.rate(Dossier.objects.get(pk=full.pk), citizen, "very_satisfied")
    assert aggregates.verify() == []

    refused = services.submit(draft(catalog["birth"], commune, citizen, Channel.DESK))
    services.perform(refused, "refuse_intake", desk, "Sai thẩm quyền")
    withdrawn = services.submit(draft(catalog["birth"], commune, citizen))
    services.withdraw(withdrawn, citizen, "Không cần nữa")
    paused = services.submit(draft(catalog["marriage"], commune, citizen, "post"))
    services.perform(paused, "accept", desk)
    services.perform(paused, "assign", head, assignee=specialist)
    services.perform(paused, "pause", leader, "Chờ xác minh")
    stopped = services.submit(draft(catalog["marriage"], commune, citizen))
    services.perform(stopped, "accept", desk)
    services.perform(stopped, "assign", head, assignee=specialist)
    services.perform(stopped, "pause", leader, "Chờ xác minh")
    services.perform(stopped, "resume", leader)
    services.perform(stopped, "stop", leader, "Không đủ điều kiện")
    assert aggregates.verify() == []

    counted = snapshot()
    figures = summary(TODAY(), TODAY())["dossiers"]
    aggregates.rebuild()
    assert snapshot() == counted
    assert summary(TODAY(), TODAY())["dossiers"] == figures
    assert (figures["received"], figures["online"], figures["desk"], figures["post"]) == (
        5,
        3,
        1,
        1,
    )
    assert (figures["finished"], figures["not_accepted"], figures["withdrawn"]) == (1, 1, 1)
    assert (figures["stopped"], figures["paused"], figures["pending"]) == (1, 1, 1)
    assert (figures["digitised"], figures["very_satisfied"]) == (1, 1)


def test_fees_paid_online_count_once_settled(catalog, province, citizen):
    dossier = services.submit(draft(catalog["criminal_record"], province["justice"], citizen))
    assert dossier.fee_amount > 0
    payment = Payment.objects.create(
        dossier=dossier,
        provider="test",
        reference="T1",
        amount=dossier.fee_amount,
        expires_at=timezone.now() + datetime.timedelta(minutes=15),
    )
    with transaction.atomic():
        move(payment, PaymentStatus.PAID, via="test")
    figures = summary(TODAY(), TODAY())["dossiers"]
    assert (figures["with_fee"], figures["paid_online"], figures["online_payment_rate"]) == (
        1,
        1,
        100.0,
    )
    with transaction.atomic():
        move(payment, PaymentStatus.REFUNDED, via="test")
    assert summary(TODAY(), TODAY())["dossiers"]["paid_online"] == 0
    assert aggregates.verify() == []


def bulk_dossiers(procedure, agency, days: list[datetime.date]) -> list[Dossier]:
    """Dossiers written straight into the table, as a bulk loader does: no signals."""
    zone = timezone.get_current_timezone()
    return Dossier.objects.bulk_create(
        Dossier(
            procedure=procedure,
            agency=agency,
            code=f"{agency.code}-{day:%y%m%d}-{n:04d}",
            applicant_name="Nguyễn Văn An",
            channel=Channel.DESK if n % 3 else Channel.ONLINE,
            status=Status.RETURNED if n % 2 else Status.PROCESSING,
            submitted_at=datetime.datetime.combine(day, datetime.time(9), zone),
            due_date=day + datetime.timedelta(days=5),
            finished_at=(
                datetime.datetime.combine(day + datetime.timedelta(days=n), datetime.time(9), zone)
                if n % 2
                else None
            ),
            supplement_count=n % 3,
            fee_amount=1000 * (n % 2),
        )
        for n, day in enumerate(days, start=1)
    )


def test_bulk_loaded_dossiers_are_counted_by_a_rebuild_of_their_days(catalog, province):
    march = [datetime.date(2020, 3, d) for d in range(2, 12)]
    april = [datetime.date(2020, 4, d) for d in range(1, 5)]
    bulk_dossiers(catalog["marriage"], province["commune_a"], march + april)
    assert aggregates.verify() != []
    aggregates.rebuild(datetime.date(2020, 3, 1), datetime.date(2020, 3, 31))
    assert {d.table for d in aggregates.verify()} >= {"stats_dossierfact"}
    assert summary(datetime.date(2020, 3, 1), datetime.date(2020, 3, 31))["dossiers"][
        "received"
    ] == len(march)
    aggregates.rebuild(datetime.date(2020, 4, 1), None)
    assert aggregates.verify() == []
    counted = snapshot()
    aggregates.rebuild()
    assert snapshot() == counted


def test_verify_stats_lists_every_tampered_count(catalog, province, citizen, capsys):
    for _ in range(2):
        services.submit(draft(catalog["marriage"], province["commune_a"], citizen))
    call_command("verify_stats")
    assert "agree" in capsys.readouterr().out

    AgencyDay.objects.update(received_online=7)
    ProcedureMonth.objects.all().delete()
    DossierFact.objects.filter(pk=Dossier.objects.first().pk).update(channel="desk")
    errors = io.StringIO()
    with pytest.raises(CommandError, match="difference"):
        call_command("verify_stats", stderr=errors)
    report = errors.getvalue()
    assert "stats_agencyday" in report and "received_online is 7 in the table, 2" in report
    assert "stats_proceduremonth" in report and "received is 0 in the table, 2" in report
    assert "stats_dossierfact" in report and "channel is desk in the table, online" in report
    call_command("rebuild_stats")
    call_command("verify_stats")


def test_a_deleted_dossier_leaves_the_counts(catalog, province, citizen):
    kept = services.submit(draft(catalog["marriage"], province["commune_a"], citizen))
    gone = services.submit(draft(catalog["marriage"], province["commune_a"], citizen))
    Dossier.objects.filter(pk=gone.pk).delete()
    assert aggregates.verify() == []
    assert summary(TODAY(), TODAY())["dossiers"]["received"] == 1
    assert DossierFact.objects.get().pk == kept.pk


def test_months_add_up_their_days(catalog, province):
    bulk_dossiers(catalog["marriage"], province["commune_a"], [datetime.date(2020, 3, 2)] * 4)
    aggregates.rebuild()
    month = AgencyMonth.objects.get(month=datetime.date(2020, 3, 1))
    days = AgencyDay.objects.filter(day__month=3)
    assert month.received_desk == sum(d.received_desk for d in days) == 3


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers: PostgreSQL")
def test_concurrent_changes_add_up(catalog, province, citizen):
    """Ratings of many dossiers of one agency and day, given at once, are all counted."""
    dossiers = []
    for _ in range(8):
        dossier = services.submit(draft(catalog["marriage"], province["commune_a"], citizen))
        Dossier.objects.filter(pk=dossier.pk).update(status=Status.FINISHED)
        dossiers.append(dossier)
    barrier = threading.Barrier(len(dossiers))

    def rate(dossier):
        barrier.wait()
        services.rate(Dossier.objects.get(pk=dossier.pk), citizen, "satisfied")
        connection.close()

    threads = [threading.Thread(target=rate, args=(d,)) for d in dossiers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert summary(TODAY(), TODAY())["dossiers"]["satisfied"] == len(dossiers)

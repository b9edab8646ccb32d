"""The national portal outbox: what it costs a dossier change, and how fast a backlog drains.

1. The cost of a dossier change (submit, accept, assign: three changes through the services,
   each with its history, audit entry and statistics) without a national portal and with one
   (the outbox row written in the change's transaction and the sending task queued after the
   commit, on an in-memory broker), in alternating blocks; the outbox may add at most 10 %.
2. 100,000 status messages queued while the portal simulator is down (1,000 dossiers with 100
   messages each: the first of each made by real changes through the signal, the rest their
   payloads with the following sequence numbers, inserted in bulk), then delivered, in order,
   when it is back: messages per second, and the outbox's size on disk for them. The simulator
   checks every dossier's order and would refuse a gap.
"""

from __future__ import annotations

import statistics
import time
from typing import Any

from harness import Result

BLOCKS = 8  # alternating blocks of each mode
PER_BLOCK = 40  # dossiers per block, three changes each
BACKLOG_DOSSIERS = 1_000
PER_DOSSIER = 100


def run() -> list[Result]:
    from django.conf import settings
    from django.db import connection

    from motcua.celery import app
    from tests.national_portal import Simulator, start

    app.conf.task_always_eager = False  # the task goes to a broker, as in production
    app.conf.broker_url = "memory://"
    engine = connection.vendor
    world = _world()
    with start() as urls:
        simulator = Simulator(*urls)
        enabled = simulator.portal_settings(timeout=30)
        disabled = {"CLASS": "motcua.integrations.portal.DisabledPortal"}
        without, with_outbox = [], []
        for block in range(2 * BLOCKS):
            settings.NATIONAL_PORTAL = enabled if block % 2 else disabled
            timings = [_three_changes(world) for _ in range(PER_BLOCK)]
            (with_outbox if block % 2 else without).append(statistics.median(timings))
        cost_without, cost_with = statistics.median(without), statistics.median(with_outbox)
        settings.NATIONAL_PORTAL = enabled
        settings.NATIONAL_PORTAL_BATCH = 500
        rate, megabytes = _backlog(world, simulator)
    overhead = 100 * (cost_with - cost_without) / cost_without
    return [
        Result(f"dossier_change_without_outbox_{engine}", cost_without),
        Result(f"dossier_change_with_outbox_{engine}", cost_with),
        Result(f"outbox_change_overhead_{engine}", overhead, budget=10, unit="%"),
        Result(f"outbox_delivery_per_second_100k_{engine}", rate, unit="/s", higher_is_better=True),
        Result(f"outbox_size_100k_{engine}", megabytes, unit="MB"),
    ]


def _world() -> dict[str, Any]:
    from motcua.accounts.models import Role, User
    from tests import factories

    commune = factories.agency("000.01.31.H57", "Xã Phú An", "commune")
    procedure = factories.procedure("Đăng ký khai sinh", agencies=[commune], level=4)
    citizen = User.objects.create_user(
        "0905123456", password="x", full_name="Trần Văn Bình", id_number="046085001234"
    )
    return {
        "commune": commune,
        "procedure": procedure,
        "citizen": citizen,
        "desk": factories.official(commune, Role.DESK_OFFICER),
        "head": factories.official(commune, Role.HEAD_OF_DIVISION),
        "specialist": factories.official(commune, Role.SPECIALIST),
    }


def _draft(world: dict[str, Any]):
    from motcua.dossiers import services

    draft, _created = services.start_draft(
        procedure=world["procedure"],
        agency=world["commune"],
        applicant=world["citizen"],
        form_data={},
    )
    return draft


def _three_changes(world: dict[str, Any]) -> float:
    """Milliseconds per change over submit, accept and assign of one new dossier."""
    from motcua.dossiers import services

    draft = _draft(world)
    began = time.perf_counter()
    dossier = services.submit(draft, actor=world["citizen"])
    services.perform(dossier, "accept", world["desk"])
    services.perform(dossier, "assign", world["head"], assignee=world["specialist"])
    return (time.perf_counter() - began) * 1000 / 3


def _backlog(world: dict[str, Any], simulator) -> tuple[float, float]:
    """Queue the backlog with the portal down, drain it once it is back: messages per second
    and megabytes on disk. Fails unless the portal has every message, in order, once."""
    from motcua.dossiers import services
    from motcua.integrations import outbox
    from motcua.integrations.models import MessageState, OutboxMessage

    simulator.control("reset")
    OutboxMessage.objects.all().delete()
    simulator.mode("down")
    firsts = []
    for _n in range(BACKLOG_DOSSIERS):
        dossier = _draft(world)
        services.submit(dossier, actor=world["citizen"])
        firsts.append(OutboxMessage.objects.get(dossier=dossier))
    _clone(firsts)
    assert OutboxMessage.objects.count() == BACKLOG_DOSSIERS * PER_DOSSIER
    assert outbox.flush().portal_down  # tried while down: the backoff starts
    megabytes = _outbox_bytes() / 1e6

    simulator.mode("up")
    outbox.retry_now()
    began = time.perf_counter()
    while OutboxMessage.objects.filter(state=MessageState.PENDING).exists():
        report = outbox.flush(budget=3600)
        assert not report.portal_down, report
    elapsed = time.perf_counter() - began
    state = simulator.state()
    print(
        f"  the portal took {state['messages']} messages in {elapsed:.1f} s,"
        f" refused {state['rejected']}, got {state['duplicates']} twice"
    )
    assert (state["messages"], state["rejected"], state["duplicates"]) == (
        BACKLOG_DOSSIERS * PER_DOSSIER,
        0,
        0,
    )
    return BACKLOG_DOSSIERS * PER_DOSSIER / elapsed, megabytes


def _clone(firsts) -> None:
    """Messages 2…PER_DOSSIER of each dossier: its first message's payload, numbered on."""
    from motcua.integrations.models import OutboxMessage

    rows = []
    for first in firsts:
        for sequence in range(2, PER_DOSSIER + 1):
            rows.append(
                OutboxMessage(dossier_id=first.dossier_id, sequence=sequence, payload=first.payload)
            )
        if len(rows) >= 10_000:
            OutboxMessage.objects.bulk_create(rows)
            rows = []
    OutboxMessage.objects.bulk_create(rows)


def _outbox_bytes() -> int:
    """The outbox table and its indexes on disk."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_total_relation_size('integrations_outboxmessage')")
            return cursor.fetchone()[0]
        cursor.execute(
            "SELECT SUM(pgsize) FROM dbstat WHERE name IN (SELECT name FROM sqlite_master"
            " WHERE tbl_name = 'integrations_outboxmessage')"
        )
        return cursor.fetchone()[0]

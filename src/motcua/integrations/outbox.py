"""The outbox (status sync, feedback sync): every change of a dossier, and of a feedback,
reaches the national portal, in order, once.

It holds two streams (`STREAMS`), each numbered per subject: a dossier's status messages
(`on_status_changed`) and a feedback's messages (`on_feedback_changed`). Both go through the
same sender, backoff, sweep and resend; a stream only says how its messages are keyed,
completed and posted.

A change writes its message in its own transaction (`enqueue`, on `status_changed`), numbered
per dossier. After the commit a task sends what waits (`flush`): one sender at a time (a
lease in `Sender`), dossier by dossier in sequence, in batches; a dossier whose message is
not taken waits and its later messages are not sent, so the portal never sees n+1 before n.
When the portal is down the sender backs off exponentially for the whole portal, and the
periodic sweep (`tasks.sweep_outbox`) starts it again; when the portal returns the backlog
goes out in order. The portal recognises a message it already has by its sequence (it
answers "duplicate"), so resending never delivers anything twice.
"""

from __future__ import annotations

import datetime
import json
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.module_loading import import_string

from motcua.dossiers.models import Dossier, Event, Status
from motcua.feedback.models import Feedback
from motcua.integrations import messages, portal
from motcua.integrations.models import MessageKind, MessageState, OutboxMessage, Sender

SENDER = "national-portal"
LEASE = datetime.timedelta(minutes=2)
# The mark of a sending task queued and not yet started; past its time one is queued again.
FLUSH_QUEUED = "integrations:flush-queued"
FLUSH_QUEUED_SECONDS = 10


def enabled() -> bool:
    """Whether a national portal is configured (without building the adapter)."""
    return import_string(settings.NATIONAL_PORTAL["CLASS"]).enabled


@dataclass(frozen=True)
class Stream:
    """One kind of message: the field its subject is keyed by (each subject's messages are
    numbered 1, 2, 3… and sent in that order), how a batch is completed when it is sent, and
    the adapter's call that posts it."""

    kind: str
    key: str
    complete: Callable[[list[tuple[int, int, dict]]], list[dict]]
    post: Callable[[portal.NationalPortal, list[dict]], list[portal.Outcome]]


STATUS = Stream(
    MessageKind.STATUS, "dossier_id", messages.completed, lambda a, m: a.send_statuses(m)
)
FEEDBACK = Stream(
    MessageKind.FEEDBACK,
    "feedback_id",
    messages.completed_feedback,
    lambda a, m: a.send_feedback(m),
)
STREAMS = {stream.kind: stream for stream in (STATUS, FEEDBACK)}


def on_status_changed(sender, dossier: Dossier, event: Event | None = None, **kwargs) -> None:
    """Queue the change for the portal, in the change's transaction; send after the commit."""
    if event is None or not dossier.code or not enabled():
        return
    enqueue(STATUS, dossier.pk, messages.status_message(dossier, event))
    transaction.on_commit(_schedule_flush)


def on_feedback_changed(
    sender, feedback: Feedback, action: str, text: str, at: datetime.datetime, **kwargs
) -> None:
    """Queue a feedback's change (received, answered, refused, information asked, the
    sender's reply or rating) for the portal, in the change's transaction."""
    if not enabled():
        return
    enqueue(FEEDBACK, feedback.pk, messages.feedback_message(feedback, action, text, at))
    transaction.on_commit(_schedule_flush)


def enqueue(stream: Stream, subject_id: int, message: dict) -> None:
    """Write the subject's next message, numbered in the same statement. The subject's row is
    locked by the service making the change, so the next sequence is this transaction's alone
    (the unique constraint would refuse a second one)."""
    table = connection.ops.quote_name(OutboxMessage._meta.db_table)
    column = connection.ops.quote_name(stream.key)
    payload = json.dumps(message, cls=DjangoJSONEncoder)
    cast = "::jsonb" if connection.vendor == "postgresql" else ""
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (kind, {column}, sequence, payload, state, created_at,"
            f" attempts, last_error) SELECT %s, %s, COALESCE(MAX(sequence), 0) + 1, %s{cast},"
            f" %s, %s, 0, '' FROM {table} WHERE {column} = %s",
            [
                stream.kind,
                subject_id,
                payload,
                MessageState.PENDING,
                connection.ops.adapt_datetimefield_value(timezone.now()),
                subject_id,
            ],
        )


def _schedule_flush() -> None:
    """Queue one sending task, not one per change: while one waits to start, the changes after
    it are sent by it (it clears the mark as it starts)."""
    from motcua.integrations import tasks

    if cache.add(FLUSH_QUEUED, True, timeout=FLUSH_QUEUED_SECONDS):
        tasks.flush_outbox.delay()


@dataclass
class FlushReport:
    delivered: int = 0
    refused: int = 0
    portal_down: bool = False
    busy: bool = False


def flush(budget: float = 50.0, batch: int | None = None) -> FlushReport:
    """Send what waits, for at most about `budget` seconds; see the module's docstring."""
    report = FlushReport()
    adapter = portal.get()
    if not adapter.enabled:
        return report
    batch = batch or settings.NATIONAL_PORTAL_BATCH
    deadline = time.monotonic() + budget
    for _round in range(3):  # once more if a change arrived while the lease was held
        token = uuid.uuid4().hex
        if not _claim(token):
            report.busy = True
            return report
        try:
            _send_passes(adapter, token, batch, deadline, report)
        finally:
            Sender.objects.filter(name=SENDER, lease_holder=token).update(lease_until=None)
        if report.portal_down or time.monotonic() >= deadline or not _due().exists():
            break
    return report


def _send_passes(
    adapter: portal.NationalPortal, token: str, batch: int, deadline: float, report: FlushReport
) -> None:
    """Walk each stream's waiting messages by (subject, sequence) until a walk sends nothing."""
    while time.monotonic() < deadline:
        before = report.delivered
        for stream in STREAMS.values():
            if not _walk(stream, adapter, token, batch, deadline, report):
                return
        if report.delivered == before:
            return


def _walk(
    stream: Stream,
    adapter: portal.NationalPortal,
    token: str,
    batch: int,
    deadline: float,
    report: FlushReport,
) -> bool:
    """One walk over the stream's waiting messages; False when the portal is unreachable."""
    blocked: set[int] = set()
    position = (0, 0)
    waiting = _due().filter(kind=stream.kind).order_by(stream.key, "sequence")
    while time.monotonic() < deadline:
        rows = list(waiting.filter(_after(stream, position))[:batch])
        if not rows:
            break
        position = (getattr(rows[-1], stream.key), rows[-1].sequence)
        _extend(token)
        if not _send_batch(stream, adapter, _sendable(stream, rows, blocked), blocked, report):
            return False
    return True


def _due() -> QuerySet[OutboxMessage]:
    return OutboxMessage.objects.filter(state=MessageState.PENDING)


def _after(stream: Stream, position: tuple[int, int]) -> Q:
    subject_id, sequence = position
    return Q(**{f"{stream.key}__gt": subject_id}) | Q(
        **{stream.key: subject_id, "sequence__gt": sequence}
    )


def _sendable(stream: Stream, rows: list[OutboxMessage], blocked: set[int]) -> list[OutboxMessage]:
    """The rows that may go now: not behind a message that failed, nor one waiting to be
    tried again (a subject's first waiting message carries its retry time)."""
    now = timezone.now()
    sendable = []
    for row in rows:
        subject = getattr(row, stream.key)
        if subject in blocked:
            continue
        if row.next_attempt_at and row.next_attempt_at > now:
            blocked.add(subject)
            continue
        sendable.append(row)
    return sendable


def _send_batch(
    stream: Stream,
    adapter: portal.NationalPortal,
    rows: list[OutboxMessage],
    blocked: set[int],
    report: FlushReport,
) -> bool:
    """Send `rows` and record what the portal said; False when the portal is unreachable."""
    if not rows:
        return True
    try:
        sent = stream.complete(
            [(getattr(row, stream.key), row.sequence, row.payload) for row in rows]
        )
        outcomes = stream.post(adapter, sent)
    except (portal.PortalUnavailable, portal.PortalRefused) as error:
        _portal_failed(rows, str(error))
        report.portal_down = True
        return False
    now = timezone.now()
    delivered = []
    for row, outcome in zip(rows, outcomes, strict=True):
        subject = getattr(row, stream.key)
        if subject in blocked:
            continue  # behind a message the portal did not take: stays waiting, untouched
        if outcome.delivered:
            delivered.append(row.pk)
            continue
        blocked.add(subject)
        report.refused += 1
        _refused(stream, row, outcome, now)
    OutboxMessage.objects.filter(pk__in=delivered).update(
        state=MessageState.DELIVERED,
        delivered_at=now,
        attempts=F("attempts") + 1,
        last_error="",
        next_attempt_at=None,
    )
    report.delivered += len(delivered)
    Sender.objects.filter(name=SENDER).update(failures=0, retry_at=None, last_success=now)
    return True


def _refused(
    stream: Stream, row: OutboxMessage, outcome: portal.Outcome, now: datetime.datetime
) -> None:
    """The portal did not take this message: try it later; after a gap, resend from the
    message the portal expects."""
    if outcome.result == portal.GAP and outcome.expected:
        _later(stream, getattr(row, stream.key), outcome.expected).update(
            state=MessageState.PENDING, delivered_at=None
        )
        error, retry_at = f"the portal expects message {outcome.expected} first", None
    else:
        error, retry_at = outcome.error or outcome.result, now + backoff(row.attempts + 1)
    OutboxMessage.objects.filter(pk=row.pk).update(
        attempts=F("attempts") + 1, last_error=error[:2000], next_attempt_at=retry_at
    )


def _later(stream: Stream, subject_id: int, sequence: int) -> QuerySet[OutboxMessage]:
    """The subject's messages from `sequence` on."""
    return OutboxMessage.objects.filter(
        kind=stream.kind, sequence__gte=sequence, **{stream.key: subject_id}
    )


def _portal_failed(rows: list[OutboxMessage], error: str) -> None:
    """Count the attempt on what was sent, and leave the whole portal alone for a while."""
    now = timezone.now()
    OutboxMessage.objects.filter(pk__in=[row.pk for row in rows]).update(
        attempts=F("attempts") + 1, last_error=error[:2000]
    )
    sender = Sender.objects.get(name=SENDER)
    sender.failures += 1
    sender.retry_at = now + backoff(sender.failures)
    sender.last_error, sender.last_error_at = error[:2000], now
    sender.save(update_fields=["failures", "retry_at", "last_error", "last_error_at"])


def backoff(failures: int) -> datetime.timedelta:
    """The wait after the n-th failure in a row: doubling from the first, up to the ceiling."""
    first = settings.NATIONAL_PORTAL_RETRY_SECONDS
    ceiling = settings.NATIONAL_PORTAL_RETRY_MAX_SECONDS
    return datetime.timedelta(seconds=min(first * 2 ** max(failures - 1, 0), ceiling))


def _claim(token: str) -> bool:
    """Become the sender, unless another one is at work or the portal is being left alone."""
    now = timezone.now()
    Sender.objects.get_or_create(name=SENDER)
    free = Q(lease_until__isnull=True) | Q(lease_until__lt=now)
    rested = Q(retry_at__isnull=True) | Q(retry_at__lte=now)
    claimed = Sender.objects.filter(free, rested, name=SENDER)
    return claimed.update(lease_until=now + LEASE, lease_holder=token) == 1


def _extend(token: str) -> None:
    Sender.objects.filter(name=SENDER, lease_holder=token).update(
        lease_until=timezone.now() + LEASE
    )


def retry_now() -> None:
    """Forget the portal's backoff: the next flush tries at once (after an outage is over)."""
    Sender.objects.filter(name=SENDER).update(retry_at=None)


@transaction.atomic
def resend(selected: Iterable[OutboxMessage]) -> int:
    """Send the selected messages again, with every later message of their dossiers (or
    feedback), in order.

    The portal answers a message it already has as a duplicate: nothing is delivered twice.
    Answers how many messages wait again.
    """
    first: dict[tuple[str, int], int] = {}
    for row in selected:
        subject = (row.kind, getattr(row, STREAMS[row.kind].key))
        first[subject] = min(first.get(subject, row.sequence), row.sequence)
    count = 0
    for (kind, subject_id), sequence in first.items():
        count += _later(STREAMS[kind], subject_id, sequence).update(
            state=MessageState.PENDING, next_attempt_at=None, delivered_at=None
        )
    retry_now()
    transaction.on_commit(_schedule_flush)
    return count


@dataclass(frozen=True)
class Backlog:
    waiting: int
    oldest: datetime.datetime | None
    failed: int  # waiting messages whose sending failed at least once


def backlog(kind: str | None = None) -> Backlog:
    """What waits to be sent: of one kind (MessageKind), or of both."""
    waiting = _due() if kind is None else _due().filter(kind=kind)
    oldest = waiting.order_by("created_at").values_list("created_at", flat=True).first()
    failed = waiting.exclude(last_error="").count()
    return Backlog(waiting.count(), oldest, failed)


def sender_state() -> Sender:
    return Sender.objects.filter(name=SENDER).first() or Sender(name=SENDER)


@dataclass(frozen=True)
class SyncRate:
    """Registered dossiers, those whose latest status reached the portal, and the share."""

    registered: int
    synced: int

    @property
    def rate(self) -> float | None:
        return round(100 * self.synced / self.registered, 2) if self.registered else None


def sync_rate(dossiers: QuerySet[Dossier] | None = None) -> SyncRate:
    """The share of registered dossiers (of `dossiers`, all by default) whose latest status
    reached the national portal: a message delivered and none waiting."""
    registered = (dossiers if dossiers is not None else Dossier.objects.all()).exclude(
        status=Status.DRAFT
    )
    mine = OutboxMessage.objects.filter(dossier_id=OuterRef("pk"))
    synced = registered.filter(Exists(mine.filter(state=MessageState.DELIVERED))).exclude(
        Exists(mine.filter(state=MessageState.PENDING))
    )
    return SyncRate(registered.count(), synced.count())


def sync_figures(
    start: datetime.date, end: datetime.date, agency_ids: Iterable[int] | None = None
) -> dict | None:
    """For the statistics: the sync rate of the dossiers registered in [start, end] (at
    `agency_ids`, every agency by default); None while no national portal is configured."""
    if not enabled():
        return None
    dossiers = Dossier.objects.filter(submitted_at__date__gte=start, submitted_at__date__lte=end)
    if agency_ids is not None:
        dossiers = dossiers.filter(agency_id__in=list(agency_ids))
    figures = sync_rate(dossiers)
    return {"registered": figures.registered, "synced": figures.synced, "rate": figures.rate}

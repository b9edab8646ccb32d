"""Writing notices in the dossier's transaction and delivering them after it commits.

A notice is written with one Delivery per channel, holding the text as it reads then, in the
transaction that changed the dossier (so a rolled-back change tells nobody); it is handed to
Celery only once that transaction commits. Each notice has a unique key (event × kind ×
recipient) and each delivery is unique per notice and channel, so an event is never told twice;
a delivery is claimed (pending → sending) before its provider is called, so a task run twice
(a retry, a redelivered message, the sweep) never sends it twice. A claim whose worker stopped
before the provider answered is given up by the sweep: the message may have gone, so it is not
sent again; it counts as failed and, if nothing else reached the applicant, the desk calls.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from motcua.accounts.models import Role
from motcua.accounts.sms import SmsRefused
from motcua.core import audit
from motcua.core.calendar import add_working_days, is_working_day
from motcua.dossiers.deadlines import clock_running_q
from motcua.dossiers.models import UNDECIDED, Dossier, Event, Status
from motcua.dossiers.reads import chain_of
from motcua.feedback.models import Feedback
from motcua.feedback.models import State as FeedbackState
from motcua.notifications import channels, messages, rules
from motcua.notifications.models import (
    CITIZEN_KINDS,
    EXTERNAL,
    Channel,
    Delivery,
    DeliveryStatus,
    Kind,
    Notice,
)
from motcua.notifications.rules import Recipient

logger = logging.getLogger(__name__)

# Every provider call times out within seconds (each gateway's TIMEOUT, EMAIL_TIMEOUT): a
# delivery still being sent after this long lost its worker.
STALLED_AFTER = datetime.timedelta(minutes=10)
STALLED_ERROR = "Tiến trình gửi dừng giữa chừng: không rõ tin đã đến hay chưa, không gửi lại."


# Writing ------------------------------------------------------------------------------------


def notify(dossier: Dossier, event: Event) -> list[Notice]:
    """The notices `event` gives, written now, delivered once the transaction commits."""
    return [
        notice
        for kind, recipient in rules.recipients_of(dossier, event)
        if (notice := write_about_dossier(f"e{event.pk}:{kind}", kind, dossier, event, recipient))
    ]


def notify_feedback(feedback: Feedback, action: str, actor, text: str) -> list[Notice]:
    """The notices a step of feedback gives (FEEDBACK_RULES), written in its transaction. Each
    step happens once to a feedback (it is received once, asked once, closed once), so the
    step names the notice."""
    return [
        notice
        for kind, recipient in rules.feedback_recipients_of(feedback, action, actor)
        if (
            notice := write_about_feedback(
                f"f{feedback.pk}:{action}", kind, feedback, text, recipient
            )
        )
    ]


def write_about_dossier(
    event_key: str, kind: str, dossier: Dossier, event: Event | None, to: Recipient
) -> Notice | None:
    values = messages.values_for(dossier, event, to.language, to.official)
    return write(f"{event_key}:{kind}:{to.ref}", kind, to, values, dossier=dossier)


def write_about_feedback(
    event_key: str, kind: str, feedback: Feedback, text: str, to: Recipient
) -> Notice | None:
    values = messages.feedback_values(feedback, text, to.language, to.official)
    return write(f"{event_key}:{kind}:{to.ref}", kind, to, values, feedback=feedback)


def write(key: str, kind: str, to: Recipient, values: dict, **about) -> Notice | None:
    """The notice `key` about `about` (its dossier or its feedback) with a delivery per
    channel that has a text; None if it exists already or no channel can carry it."""
    if Notice.objects.filter(key=key).exists():
        return None
    deliveries = [
        delivery
        for channel in sorted(to.channels & channels.configured())
        if (delivery := _delivery(kind, channel, to, values))
    ]
    if not deliveries:
        return None
    try:
        with transaction.atomic():
            notice = Notice.objects.create(
                key=key,
                kind=kind,
                recipient=to.user,
                phone=to.phone,
                email=to.email,
                language=to.language,
                **about,
            )
    except IntegrityError:  # written by a concurrent run of the same sweep
        return None
    for delivery in deliveries:
        delivery.notice = notice
    Delivery.objects.bulk_create(deliveries)
    transaction.on_commit(lambda: enqueue(notice.pk))
    return notice


def _delivery(kind: str, channel: str, to: Recipient, values: dict) -> Delivery | None:
    template = messages.template_for(kind, channel, to.language)
    if template is None:
        return None
    return Delivery(
        channel=channel,
        address=to.address(channel),
        subject=messages.fill(template.subject, values),
        body=messages.fill(template.body, values),
        external_template=template.zns_template_id if channel == Channel.ZALO else "",
        parameters=(
            {name: values[name] for name in messages.placeholders(template.body)}
            if channel == Channel.ZALO
            else {}
        ),
    )


def enqueue(notice_id: int) -> None:
    """Hand the notice to a worker. The dossier's change is committed already: a broker that
    cannot be reached must not turn it into an error page; the sweep sends the notice later."""
    from motcua.notifications.tasks import deliver_notice

    try:
        deliver_notice.delay(notice_id)
    except Exception:
        logger.exception("Notice %s left for the sweep", notice_id)


# Delivering ---------------------------------------------------------------------------------


def deliver(notice_id: int) -> None:
    """Send every waiting delivery of the notice, each at most once; then settle the notice."""
    for delivery in Delivery.objects.filter(notice_id=notice_id, status=DeliveryStatus.PENDING):
        if _claim(delivery):
            _send(delivery)
    settle(notice_id)


def _claim(delivery: Delivery) -> bool:
    return bool(
        Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.PENDING).update(
            status=DeliveryStatus.SENDING, claimed_at=timezone.now()
        )
    )


def _send(delivery: Delivery) -> None:
    message = channels.Message(
        address=delivery.address,
        body=delivery.body,
        subject=delivery.subject,
        template=delivery.external_template,
        parameters=delivery.parameters,
        reference=f"n{delivery.notice_id}-{delivery.channel}",
        purpose=delivery.notice.kind,
    )
    try:
        provider = channels.get(delivery.channel).send(message)
    except (channels.ChannelError, channels.UnknownChannel) as error:
        _finish(delivery, DeliveryStatus.FAILED, error=str(error))
    except SmsRefused as error:
        _finish(delivery, DeliveryStatus.FAILED, error=error.message)
    else:
        _finish(delivery, DeliveryStatus.SENT, provider=provider, sent_at=timezone.now())


def _finish(delivery: Delivery, status: str, **fields) -> None:
    Delivery.objects.filter(pk=delivery.pk).update(status=status, **fields)
    if status == DeliveryStatus.FAILED:
        logger.warning("Notice %s not sent by %s", delivery.notice_id, delivery.channel)


def settle(notice_id: int) -> None:
    """A citizen's notice that no channel away from the site delivered goes to the desk's list
    of applicants to call; so does an apology that had no such channel at all."""
    notice = Notice.objects.get(pk=notice_id)
    if notice.kind not in CITIZEN_KINDS or notice.undelivered_at is not None:
        return
    outside = list(notice.deliveries.filter(channel__in=EXTERNAL).values_list("status", flat=True))
    if DeliveryStatus.SENT in outside or {DeliveryStatus.PENDING, DeliveryStatus.SENDING} & set(
        outside
    ):
        return
    if outside or notice.kind == Kind.NEW_DATE:
        Notice.objects.filter(pk=notice_id).update(undelivered_at=timezone.now())


def sweep(older_than: datetime.timedelta = datetime.timedelta(minutes=5)) -> int:
    """Deliver the notices still waiting a while after they were written (a worker that was
    down, a broker that could not be reached), after giving up the stalled claims."""
    give_up_stalled()
    waiting = (
        Notice.objects.filter(created_at__lte=timezone.now() - older_than)
        .filter(
            Exists(Delivery.objects.filter(notice=OuterRef("pk"), status=DeliveryStatus.PENDING))
        )
        .values_list("pk", flat=True)
    )
    count = 0
    for notice_id in waiting:
        deliver(notice_id)
        count += 1
    return count


def give_up_stalled(after: datetime.timedelta = STALLED_AFTER) -> int:
    """Deliveries claimed longer than `after` ago and never finished: failed, never resent
    (they may have arrived), and their notices settled. The number given up."""
    claimed_before = Q(claimed_at__lt=timezone.now() - after) | Q(claimed_at=None)
    stalled = Delivery.objects.filter(claimed_before, status=DeliveryStatus.SENDING)
    given_up = 0
    for delivery in stalled.only("pk", "notice_id", "channel"):
        if stalled.filter(pk=delivery.pk).update(status=DeliveryStatus.FAILED, error=STALLED_ERROR):
            logger.warning("Notice %s: %s claim given up", delivery.notice_id, delivery.channel)
            settle(delivery.notice_id)
            given_up += 1
    return given_up


# Deadlines ----------------------------------------------------------------------------------


def remind_deadlines(today: datetime.date | None = None) -> int:
    """Tell the officials holding each dossier whose appointment date is within
    NOTICE_DEADLINE_DAYS working days (and not past) that it is due, and the officials of
    each agency whose feedback must be answered within those days; once a day."""
    today = today or timezone.localdate()
    if not is_working_day(today):
        return 0
    horizon = add_working_days(today, settings.NOTICE_DEADLINE_DAYS)
    due = (
        Dossier.objects.filter(status__in=UNDECIDED, due_date__gte=today, due_date__lte=horizon)
        .filter(clock_running_q())
        .select_related("procedure", "agency", "assignee")
    )
    written = 0
    with transaction.atomic():
        for dossier in due:
            for person in _holders(dossier):
                key = f"d{dossier.pk}:{today.isoformat()}:{person.ref}"
                values = messages.values_for(dossier, None, person.language, person.official)
                written += bool(write(key, Kind.DEADLINE, person, values, dossier=dossier))
        written += _remind_feedback(today, horizon)
    return written


def _remind_feedback(today: datetime.date, horizon: datetime.date) -> int:
    """Feedback with the agency (not waiting for its sender) whose answer is due by
    `horizon`: its handlers are told, once a day."""
    due = Feedback.objects.filter(
        state=FeedbackState.RECEIVED, answer_due__gte=today, answer_due__lte=horizon
    ).select_related("agency", "procedure")
    written = 0
    for feedback in due:
        for person in rules.feedback_handlers(feedback, Kind.FEEDBACK_DUE):
            written += bool(
                write_about_feedback(
                    f"fd{feedback.pk}:{today.isoformat()}", Kind.FEEDBACK_DUE, feedback, "", person
                )
            )
    return written


def _holders(dossier: Dossier) -> list[Recipient]:
    """Who has the dossier now: its specialist, else the desk that must pass it on."""
    if dossier.assignee is not None:
        return [rules.official(dossier.assignee)]
    if dossier.status == Status.SUBMITTED:
        return rules.officials(dossier.agency_id, Role.DESK_OFFICER)
    return rules.officials(dossier.deciding_agency_id, Role.DESK_OFFICER)


# The site: reading and calling ------------------------------------------------------------


def in_app(user):
    """The notices the person reads on the site, newest first."""
    return (
        Notice.objects.filter(recipient=user, deliveries__channel=Channel.IN_APP)
        .select_related("dossier")
        .prefetch_related("deliveries")
    )


def unread_count(user) -> int:
    return in_app(user).filter(read_at=None).count()


def mark_read(user, notice_ids=None) -> int:
    notices = in_app(user).filter(read_at=None)
    if notice_ids is not None:
        notices = notices.filter(pk__in=notice_ids)
    return Notice.objects.filter(pk__in=list(notices.values_list("pk", flat=True))).update(
        read_at=timezone.now()
    )


def to_call(officer):
    """Applicants a desk officer's agency must call: notices of its dossiers that reached them
    on no channel, oldest first."""
    if officer.role != Role.DESK_OFFICER or officer.agency_id is None:
        return Notice.objects.none()
    return (
        Notice.objects.filter(
            dossier__agency_id=officer.agency_id,
            undelivered_at__isnull=False,
            called_at__isnull=True,
        )
        .select_related("dossier", "dossier__procedure", "recipient")
        .prefetch_related("deliveries")
        .order_by("undelivered_at", "pk")
    )


@transaction.atomic
def mark_called(officer, notice_id: int) -> bool:
    """The desk called the applicant about the notice; False if it is not theirs to call."""
    notice = to_call(officer).select_for_update(of=("self",)).filter(pk=notice_id).first()
    if notice is None:
        return False
    notice.called_at, notice.called_by = timezone.now(), officer
    notice.save(update_fields=["called_at", "called_by"])
    audit.log(
        "notice.called",
        notice.dossier.code,
        officer,
        chain=chain_of(notice.dossier),
        notice=notice.kind,
    )
    return True

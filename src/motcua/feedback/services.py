"""What happens to feedback, in one place: the pages and the API call these.

Every change is checked against the table (rules.py) on the row locked for it, and written to
the audit log last in its transaction, in the chain of the agency concerned.
"""

from __future__ import annotations

import datetime
import secrets

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core import audit
from motcua.core.calendar import received_on
from motcua.dossiers.models import Satisfaction
from motcua.feedback import rules
from motcua.feedback.models import Feedback, FeedbackDay
from motcua.feedback.signals import feedback_changed

CLIENT_WINDOW = datetime.timedelta(hours=1)
CONTACT_WINDOW = datetime.timedelta(days=1)


class TooMuchFeedback(Exception):
    """Sending more now would go over a limit; `message` says so, for the person."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def next_code(day: datetime.date) -> str:
    """PAKN-<YYMMDD>-<NNNN>: the day's next number, without gaps (as dossier codes are made:
    one UPDATE … RETURNING on the day's row, in the caller's transaction)."""
    FeedbackDay.objects.bulk_create([FeedbackDay(day=day)], ignore_conflicts=True)
    table = connection.ops.quote_name(FeedbackDay._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET last = last + 1 WHERE day = %s RETURNING last",
            [connection.ops.adapt_datefield_value(day)],
        )
        number = cursor.fetchone()[0]
    return f"PAKN-{day:%y%m%d}-{number:04d}"


def check_limits(data: dict, author, client: str) -> None:
    """Refuse feedback past FEEDBACK_PER_CLIENT_PER_HOUR from one client address, or past
    FEEDBACK_PER_CONTACT_PER_DAY from one sender (their account, phone or e-mail).

    Counted in the database like the SMS limits (notifications/limits.py), so every worker
    process counts alike; two sends at the same instant may both take the last place.
    """
    now = timezone.now()
    recent = Feedback.objects.filter(received_at__gte=now - CONTACT_WINDOW)
    if author is not None and author.is_authenticated:
        sender = Q(author=author)
    else:
        sender = Q(pk__in=[])
        if data.get("phone"):
            sender |= Q(phone=data["phone"])
        if data.get("email"):
            sender |= Q(email__iexact=data["email"])
    if recent.filter(sender).count() >= settings.FEEDBACK_PER_CONTACT_PER_DAY:
        raise TooMuchFeedback(
            _(
                "You have sent a lot of feedback today. Please wait until tomorrow, or"
                " follow the feedback you have sent."
            )
        )
    from_client = recent.filter(client_ip=client, received_at__gte=now - CLIENT_WINDOW)
    if client and from_client.count() >= settings.FEEDBACK_PER_CLIENT_PER_HOUR:
        raise TooMuchFeedback(
            _(
                "Too much feedback has been sent from your network in the last hour."
                " Please wait an hour before sending more."
            )
        )


def submit(
    data: dict,
    author,
    *,
    client: str = "",
    received_at: datetime.datetime | None = None,
    national_code: str | None = None,
) -> tuple[Feedback, str]:
    """Register the feedback a valid FeedbackForm holds; with the follow-up key an anonymous
    sender needs to read the answer ("" for a signed-in sender, or feedback sent on the
    national portal, which its sender follows there).

    Sent here, it is limited per client address and sender (`check_limits`, TooMuchFeedback);
    the national portal's feedback (`national_code`) is not, and keeps its sending time.
    """
    if national_code is None:
        check_limits(data, author, client)
    now = received_at or timezone.now()
    day = received_on(now)
    due = rules.deadlines(day)
    signed_in = author is not None and author.is_authenticated
    key = "" if signed_in or national_code else secrets.token_urlsafe(18)
    upload = data.get("attachment")
    feedback = Feedback(
        subject=data["subject"],
        procedure=data["procedure"],
        dossier=data["dossier"],
        agency=data["agency"],
        author=author if signed_in else None,
        name=author.full_name or author.username if signed_in else data["name"].strip(),
        phone=(author.phone or "") if signed_in else data["phone"],
        email=author.email if signed_in else data["email"],
        access_key_hash=rules.key_hash(key) if key else "",
        title=data["title"].strip(),
        text=data["text"].strip(),
        publish_consent=data["publish_consent"],
        national_code=national_code,
        client_ip=client,
        received_at=now,
        received_on=day,
        answer_due=due.answer_due,
        refuse_by=due.refuse_by,
        ask_by=due.ask_by,
    )
    if upload:
        feedback.content_type = data["attachment_type"]
        feedback.attachment_name = upload.name[:255]
    with transaction.atomic():
        feedback.code = next_code(day)
        if upload:
            feedback.attachment.save(upload.name, upload, save=False)
        feedback.save()
        _log(feedback, "feedback.received", author, to_state=feedback.state)
        _changed(feedback, "submit", author if signed_in else None, "", feedback.text)
    return feedback, key


def perform(
    feedback: Feedback, action: str, person, *, text: str = "", rating: str = "", key: str = ""
) -> Feedback:
    """Take `action` on the feedback as `person` (or the holder of `key`), or raise
    rules.Refused naming why; a refusal changes nothing."""
    with transaction.atomic():
        locked = Feedback.objects.select_for_update().select_related("agency").get(pk=feedback.pk)
        move = rules.check(locked, action, person, key)
        given = rating if action == "rate" else text.strip()
        _check_given(move, given)
        before = locked.state
        _APPLY[action](locked, person, given)
        if move.target != rules.SAME:
            locked.state = move.target
        locked.save()
        _log(locked, f"feedback.{action}", person, from_state=before, to_state=locked.state)
        actor = person if person is not None and person.is_authenticated else None
        _changed(locked, action, actor, before, given)
    return locked


def _changed(feedback: Feedback, action: str, actor, before: str, text: str) -> None:
    """Tell the subscribers (the national portal's outbox, notices), in the transaction."""
    feedback_changed.send(
        sender=Feedback,
        feedback=feedback,
        action=action,
        actor=actor,
        from_state=before,
        to_state=feedback.state,
        text=text,
        at=timezone.now(),
    )


def _check_given(move: rules.Move, given: str) -> None:
    """The text the action needs, or a rating among the choices."""
    if move.action == "rate":
        if given not in Satisfaction.values:
            raise rules.Refused(_("Choose how satisfied you are with the answer."))
        return
    if not given:
        raise rules.Refused(
            {
                "answer": _("Write the answer."),
                "refuse": _("Give the reason the feedback is not handled."),
                "request_info": _("Say what information is missing."),
                "reply": _("Write the information asked for."),
            }[move.action]
        )


def _close(feedback: Feedback, person) -> None:
    feedback.closed_at = timezone.now()
    feedback.closed_on = timezone.localdate(feedback.closed_at)
    feedback.closed_by = person


def _answer(feedback: Feedback, person, text: str) -> None:
    feedback.answer = text
    _close(feedback, person)


def _refuse(feedback: Feedback, person, text: str) -> None:
    feedback.refusal_reason = text
    _close(feedback, person)


def _request_info(feedback: Feedback, person, text: str) -> None:
    feedback.question = text
    feedback.asked_at = timezone.now()
    feedback.remaining_days = rules.days_left(feedback, timezone.localdate(feedback.asked_at))


def _reply(feedback: Feedback, person, text: str) -> None:
    feedback.reply = text
    feedback.replied_at = timezone.now()
    feedback.answer_due = rules.answer_due_after_reply(feedback, received_on(feedback.replied_at))


def _rate(feedback: Feedback, person, rating: str) -> None:
    feedback.rating = rating
    feedback.rated_at = timezone.now()


_APPLY = {
    "answer": _answer,
    "refuse": _refuse,
    "request_info": _request_info,
    "reply": _reply,
    "rate": _rate,
}


def _log(feedback: Feedback, action: str, person, **detail) -> None:
    audit.log(
        action,
        feedback.code,
        person,
        chain=feedback.agency.code,
        answer_due=feedback.answer_due.isoformat(),
        **detail,
    )

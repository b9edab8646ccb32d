"""What happens to feedback, in one place: the pages and the API call these.

Every change is checked against the table (rules.py) on the row locked for it, and written to
the audit log last in its transaction, in the chain of the agency concerned.
"""

from __future__ import annotations

import datetime
import secrets

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core import audit
from motcua.core.calendar import received_on
from motcua.dossiers.models import Satisfaction
from motcua.feedback import rules
from motcua.feedback.models import Feedback, FeedbackDay


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


def submit(data: dict, author) -> tuple[Feedback, str]:
    """Register the feedback a valid FeedbackForm holds; with the follow-up key an anonymous
    sender needs to read the answer ("" for a signed-in sender)."""
    now = timezone.now()
    day = received_on(now)
    due = rules.deadlines(day)
    signed_in = author is not None and author.is_authenticated
    key = "" if signed_in else secrets.token_urlsafe(18)
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
    return locked


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

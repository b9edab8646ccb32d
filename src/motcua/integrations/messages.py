"""The messages sent to the national portal: a status for one change of a dossier, and a
feedback message for one change of a feedback (item 6, at the end).

The fields follow the national sync as DOMAIN.md lists them (the real wire format is not
public; the adapter may reshape them): codes, channel 1–3, the dates, the national status
1–10, paid online 0/1/2, digitised components, VNeID, and the lists of documents, fees, results
and history. A message carries the history entry of its own change; the portal keeps the
dossier's history by putting the messages together in their sequence. The applicant's
satisfaction rating is a change too (`services.rate` records its step): its message and every
later one carry it.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.apps import apps

from motcua.dossiers.models import (
    NATIONAL_STATUS,
    RESULT_OUT,
    Attachment,
    Channel,
    Dossier,
    Event,
    Rating,
    ResultDocument,
)
from motcua.feedback.models import Feedback

CHANNELS = {Channel.DESK: 1, Channel.ONLINE: 2, Channel.POST: 3}
# Paid online, as the national portal counts it: no fee, paid online, fee not paid online.
NO_FEE, PAID_ONLINE, NOT_PAID_ONLINE = 0, 1, 2


def _iso(moment: datetime.date | datetime.datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def status_message(dossier: Dossier, event: Event) -> dict[str, Any]:
    """What `event` (just recorded on `dossier`) changed, written in the change's transaction;
    `completed` adds what does not change with it when the message is sent."""
    paid_online = _paid_online(dossier)
    return {
        "dossier_code": dossier.code,
        "channel": CHANNELS[dossier.channel],
        "status": NATIONAL_STATUS[event.to_status],
        "local_status": event.to_status,
        "received_date": _iso(dossier.submitted_at),
        "appointment_date": _iso(dossier.due_date),
        "finished_date": _iso(dossier.finished_at),
        "returned_date": _iso(dossier.returned_at),
        "paid_online": paid_online,
        "identity_verified": dossier.identity_verified,
        "applicant_name": dossier.applicant_name,
        "applicant_id_number": dossier.applicant_id_number,
        "fees": (
            [{"amount": dossier.fee_amount, "paid_online": paid_online == PAID_ONLINE}]
            if dossier.fee_amount
            else []
        ),
        "results": _results(dossier, event.to_status),
        "rating": _rating(dossier),
        "history": [
            {
                "at": _iso(event.at),
                "action": event.action,
                "status": NATIONAL_STATUS[event.to_status],
                "local_status": event.to_status,
                "note": event.note,
            }
        ],
    }


def completed(rows: list[tuple[int, int, dict[str, Any]]]) -> list[dict[str, Any]]:
    """The messages as sent, from (dossier id, sequence, payload) rows: with their sequence,
    the procedure's and the receiving point's codes and the files handed in (which only grow),
    read for the whole batch at once, out of the changes' transactions."""
    ids = {dossier_id for dossier_id, _sequence, _payload in rows}
    codes = {
        pk: (procedure, agency or "")
        for pk, procedure, agency in Dossier.objects.filter(pk__in=ids).values_list(
            "pk", "procedure__code", "agency__code"
        )
    }
    documents: dict[int, list[dict[str, Any]]] = {pk: [] for pk in ids}
    files = Attachment.objects.filter(dossier_id__in=ids).order_by("pk")
    for dossier_id, document, name, kind, size in files.values_list(
        "dossier_id", "document__name", "original_name", "content_type", "size"
    ):
        documents[dossier_id].append(
            {"document": document or "", "file_name": name, "content_type": kind, "size": size}
        )
    return [
        {
            **payload,
            "sequence": sequence,
            "procedure_code": codes[dossier_id][0],
            "agency_code": codes[dossier_id][1],
            "documents": documents[dossier_id],
            "has_digitised_components": bool(documents[dossier_id]),
        }
        for dossier_id, sequence, payload in rows
    ]


def _results(dossier: Dossier, status: str) -> list[dict[str, Any]]:
    if status not in RESULT_OUT:
        return []
    result = ResultDocument.objects.filter(dossier=dossier).first()
    if result is None:
        return []
    return [
        {
            "number": result.number,
            "title": result.title,
            "signed_at": _iso(result.signed_at),
            "sha256": result.sha256,
        }
    ]


def _rating(dossier: Dossier) -> dict[str, Any] | None:
    """The applicant's satisfaction rating, once given (sent with every later message)."""
    rating = Rating.objects.filter(dossier=dossier).first()
    if rating is None:
        return None
    return {"level": rating.level, "comment": rating.comment, "at": _iso(rating.created_at)}


def _paid_online(dossier: Dossier) -> int:
    """Whether the fees were paid online, read through the app registry: payments and
    integrations are siblings in the layers and import nothing of each other."""
    if not dossier.fee_amount:
        return NO_FEE
    if not apps.is_installed("motcua.payments"):
        return NOT_PAID_ONLINE
    payment = apps.get_model("payments", "Payment")
    paid = payment.objects.filter(dossier=dossier, status="paid").exists()
    return PAID_ONLINE if paid else NOT_PAID_ONLINE


# ---------------------------------------------------------------- feedback (item 6)

# The national states of feedback (phản ánh, kiến nghị) as modelled: received, more information
# asked of the sender, answered, not handled.
FEEDBACK_STATES = {"received": 1, "info_requested": 2, "answered": 3, "refused": 4}


def feedback_message(feedback: Feedback, action: str, text: str, at: datetime.datetime) -> dict:
    """What one change of a feedback tells the national portal, written in the change's
    transaction: the feedback as it stands, and the entry of this change (the answer, the
    reason, the question, the reply or the rating in `text`). The portal reaches the sender
    with the contact they gave, and publishes the answer only with their consent."""
    return {
        "feedback_code": feedback.code,
        "national_code": feedback.national_code or "",
        "agency_code": feedback.agency.code or "",
        "subject": feedback.subject,
        "procedure_code": feedback.procedure.code if feedback.procedure_id else "",
        "dossier_code": feedback.dossier.code if feedback.dossier_id else "",
        "title": feedback.title,
        "text": feedback.text,
        "sender": {"name": feedback.name, "phone": feedback.phone, "email": feedback.email},
        "publish_consent": feedback.publish_consent,
        "received_date": _iso(feedback.received_at),
        "answer_due": _iso(feedback.answer_due),
        "state": FEEDBACK_STATES[feedback.state],
        "local_state": feedback.state,
        "question": feedback.question,
        "reply": feedback.reply,
        "answer": feedback.answer,
        "refusal_reason": feedback.refusal_reason,
        "closed_date": _iso(feedback.closed_at),
        "rating": feedback.rating,
        "history": [
            {
                "at": _iso(at),
                "action": action,
                "state": FEEDBACK_STATES[feedback.state],
                "text": text,
            }
        ],
    }


def completed_feedback(rows: list[tuple[int, int, dict[str, Any]]]) -> list[dict[str, Any]]:
    """The feedback messages as sent: each with its sequence (nothing else grows after)."""
    return [{**payload, "sequence": sequence} for _feedback_id, sequence, payload in rows]

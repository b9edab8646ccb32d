"""The simulated portal's state and rules: what it accepts, what it keeps, what it hands out."""

from __future__ import annotations

import base64
import datetime
import itertools
import threading
from dataclasses import dataclass, field
from typing import Any

# The status message a province sends on every change of a dossier: the fields of the national
# sync (dossier code, procedure code, channel, dates, national status, payment, digitisation,
# VNeID, documents, fees, result and history), as modelled; the real wire format is not public.
REQUIRED: dict[str, type | tuple[type, ...]] = {
    "dossier_code": str,
    "sequence": int,
    "procedure_code": str,
    "agency_code": str,
    "channel": int,
    "status": int,
    "received_date": (str, type(None)),
    "appointment_date": (str, type(None)),
    "finished_date": (str, type(None)),
    "returned_date": (str, type(None)),
    "paid_online": int,
    "has_digitised_components": bool,
    "identity_verified": bool,
    "documents": list,
    "fees": list,
    "results": list,
    "history": list,
}
DATES = ("received_date", "appointment_date", "finished_date", "returned_date")
RANGES = {"channel": range(1, 4), "status": range(1, 11), "paid_online": range(3)}


def schema_errors(message: Any) -> list[str]:
    """What is wrong with one status message, empty when it is well formed."""
    if not isinstance(message, dict):
        return ["a message must be a JSON object"]
    errors = _typed(message, REQUIRED)
    if errors:
        return errors
    for name, allowed in RANGES.items():
        if message[name] not in allowed:
            errors.append(
                f"{name}: {message[name]} is not one of {allowed.start}–{allowed.stop - 1}"
            )
    if message["sequence"] < 1:
        errors.append("sequence: starts at 1")
    for name in DATES:
        if message[name] is not None and not _is_date(message[name]):
            errors.append(f"{name}: not an ISO date")
    for entry in message["history"]:
        if not isinstance(entry, dict) or not {"at", "status"} <= entry.keys():
            errors.append("history: each entry needs at and status")
            break
    return errors


# A feedback message (phản ánh, kiến nghị): the province's code for it, the state 1–4 (received,
# information asked, answered, not handled), and the entry of the change in `history`.
FEEDBACK_REQUIRED: dict[str, type | tuple[type, ...]] = {
    "feedback_code": str,
    "national_code": str,
    "sequence": int,
    "agency_code": str,
    "subject": str,
    "title": str,
    "text": str,
    "sender": dict,
    "received_date": str,
    "answer_due": str,
    "state": int,
    "answer": str,
    "refusal_reason": str,
    "question": str,
    "history": list,
}
FEEDBACK_STATES = range(1, 5)


def _typed(message: dict, required: dict) -> list[str]:
    errors = []
    for name, kind in required.items():
        if name not in message:
            errors.append(f"{name}: missing")
        elif not isinstance(message[name], kind) or isinstance(message[name], bool) is not (
            kind is bool
        ):
            errors.append(f"{name}: wrong type")
    return errors


def feedback_errors(message: Any) -> list[str]:
    """What is wrong with one feedback message, empty when it is well formed."""
    if not isinstance(message, dict):
        return ["a message must be a JSON object"]
    errors = _typed(message, FEEDBACK_REQUIRED)
    if errors:
        return errors
    if message["state"] not in FEEDBACK_STATES:
        errors.append(f"state: {message['state']} is not one of 1–4")
    if message["sequence"] < 1:
        errors.append("sequence: starts at 1")
    for name in ("received_date", "answer_due"):
        if not _is_date(message[name]):
            errors.append(f"{name}: not an ISO date")
    if message["state"] == 3 and not message["answer"]:
        errors.append("answer: an answered feedback carries its answer")
    if message["state"] == 4 and not message["refusal_reason"]:
        errors.append("refusal_reason: a feedback not handled carries the reason")
    if message["state"] == 2 and not message["question"]:
        errors.append("question: the information asked for is missing")
    if not message["sender"].get("name"):
        errors.append("sender: needs a name")
    for entry in message["history"]:
        if not isinstance(entry, dict) or not {"at", "action", "state"} <= entry.keys():
            errors.append("history: each entry needs at, action and state")
            break
    return errors


def _is_date(text: str) -> bool:
    try:
        datetime.date.fromisoformat(text[:10])
    except ValueError:
        return False
    return True


@dataclass
class Portal:
    """Everything the simulated portal holds; one lock keeps each dossier's order."""

    token: str
    push_url: str = ""
    push_token: str = ""
    feedback_push_url: str = ""
    mode: str = "up"  # up, failing (answers 503) or down (its service port closed)
    delay: float = 0.0
    received: dict[str, list[dict]] = field(default_factory=dict)
    duplicates: dict[str, int] = field(default_factory=dict)
    rejected: list[dict] = field(default_factory=list)
    outgoing: dict[str, dict] = field(default_factory=dict)
    handed: dict[str, dict] = field(default_factory=dict)  # every dossier offered, kept
    acknowledged: dict[str, dict] = field(default_factory=dict)
    # Feedback: the province's messages by its feedback code, and what citizens sent here.
    feedback: dict[str, list[dict]] = field(default_factory=dict)
    feedback_duplicates: dict[str, int] = field(default_factory=dict)
    citizens_feedback: dict[str, dict] = field(default_factory=dict)
    outgoing_feedback: dict[str, dict] = field(default_factory=dict)  # waiting to be pulled
    files: dict[str, tuple[str, str, bytes]] = field(default_factory=dict)
    requests: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _file_ids: itertools.count = field(default_factory=lambda: itertools.count(1), repr=False)

    def reset(self) -> None:
        with self.lock:
            for kept in (
                self.received,
                self.duplicates,
                self.outgoing,
                self.handed,
                self.acknowledged,
                self.feedback,
                self.feedback_duplicates,
                self.citizens_feedback,
                self.outgoing_feedback,
            ):
                kept.clear()
            self.files.clear()
            self.rejected.clear()
            self.requests = 0
            self.mode, self.delay = "up", 0.0

    def take(self, message: Any) -> dict:
        """Check one status message and keep it if it is the dossier's next one.

        A message already taken (same dossier, same sequence) is a duplicate: acknowledged,
        not kept twice. One beyond the next is a gap: refused, naming the sequence expected.
        """
        return self._take(
            message, schema_errors(message), "dossier_code", self.received, self.duplicates
        )

    def take_feedback(self, message: Any) -> dict:
        """A feedback message, kept in each feedback's order as status messages are."""
        return self._take(
            message,
            feedback_errors(message),
            "feedback_code",
            self.feedback,
            self.feedback_duplicates,
        )

    def _take(
        self,
        message: Any,
        errors: list[str],
        name: str,
        received: dict[str, list[dict]],
        duplicates: dict[str, int],
    ) -> dict:
        code = message.get(name, "") if isinstance(message, dict) else ""
        sequence = message.get("sequence") if isinstance(message, dict) else None
        answer = {name: code, "sequence": sequence}
        with self.lock:
            if errors:
                self.rejected.append({"message": message, "errors": errors})
                return {**answer, "outcome": "rejected", "errors": errors}
            kept = received.setdefault(code, [])
            expected = len(kept) + 1
            if sequence < expected:
                duplicates[code] = duplicates.get(code, 0) + 1
                return {**answer, "outcome": "duplicate"}
            if sequence > expected:
                self.rejected.append({"message": message, "errors": ["gap"]})
                return {**answer, "outcome": "gap", "expected": expected}
            kept.append(message)
            return {**answer, "outcome": "accepted"}

    def offer(self, dossier: dict, files: list[dict], base_url: str) -> dict:
        """A dossier submitted on the national portal, to be handed to the province."""
        offered = {**dossier, "documents": self.documents(files, base_url)}
        with self.lock:
            self.outgoing[offered["dossier_code"]] = offered
            self.handed[offered["dossier_code"]] = offered
        return offered

    def documents(self, files: list[dict], base_url: str) -> list[dict]:
        """Files as the portal hands them over: each inline (base64) or, with `by_url`, as a
        link to this portal; a file's `document` (the required document it answers) kept."""
        documents = []
        for item in files:
            document = {k: item[k] for k in ("document", "file_name", "content_type") if k in item}
            if item.get("by_url"):
                file_id = str(next(self._file_ids))
                content = base64.b64decode(item["content_base64"])
                self.files[file_id] = (item["file_name"], item["content_type"], content)
                document["url"] = f"{base_url}/api/v1/files/{file_id}"
            else:
                document["content_base64"] = item["content_base64"]
            documents.append(document)
        return documents

    def acknowledge(self, code: str, answer: dict) -> bool:
        with self.lock:
            offered = self.outgoing.pop(code, None)
            if offered is None:
                return code in self.acknowledged
            self.acknowledged[code] = answer
            return True

    def acknowledge_feedback(self, national_code: str, answer: dict) -> bool:
        """The province took (or refused) a feedback it pulled: its answer is kept as a
        pushed one's is."""
        with self.lock:
            if self.outgoing_feedback.pop(national_code, None) is None:
                return national_code in self.citizens_feedback
            self.citizens_feedback[national_code] = {"status": None, "body": answer}
            return True

    def summary(self) -> dict:
        with self.lock:
            return {
                "mode": self.mode,
                "delay": self.delay,
                "requests": self.requests,
                "dossiers": len(self.received),
                "messages": sum(len(kept) for kept in self.received.values()),
                "duplicates": sum(self.duplicates.values()),
                "rejected": len(self.rejected),
                "outgoing": sorted(self.outgoing),
                "acknowledged": self.acknowledged,
                "feedback": len(self.feedback),
                "feedback_messages": sum(len(kept) for kept in self.feedback.values()),
                "feedback_duplicates": sum(self.feedback_duplicates.values()),
                "citizens_feedback": self.citizens_feedback,
                "outgoing_feedback": sorted(self.outgoing_feedback),
            }

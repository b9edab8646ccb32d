"""What of a feedback may be published: the answer (with the question it answers) of a sender
who agreed, never their name, contact, dossier or attachment.

The texts themselves are cleared of what looks like personal data before they are shown:
e-mail addresses, phone numbers, identity and other long numbers, dossier codes and the
sender's name, wherever the sender or the official wrote them.
"""

from __future__ import annotations

import re

from motcua.feedback.models import Feedback

HIDDEN = "***"
_PERSONAL = [
    re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),
    # Dossier codes: <agency code>-<YYMMDD>-<NNNN>.
    re.compile(r"(?:\d{2,3}\.){0,3}[A-Z]\d{2}-\d{6}-\d{4}"),
    # Phone numbers (0 or +84, spaces and dots allowed) and any run of 9 or more digits
    # (CCCD, identity card, tax code, bank account).
    re.compile(r"(?:\+84|0)(?:[\s.-]?\d){9}\b"),
    re.compile(r"\d(?:[\s.-]?\d){8,}"),
]


def redact(text: str, feedback: Feedback) -> str:
    """`text` with everything that looks like personal data replaced by ***."""
    for pattern in _PERSONAL:
        text = pattern.sub(HIDDEN, text)
    name = feedback.name.strip()
    if name:
        text = re.sub(re.escape(name), HIDDEN, text, flags=re.IGNORECASE)
    return text


def published_view(feedback: Feedback) -> dict:
    """The published fields of an answered feedback, for the page and the API alike."""
    return {
        "code": feedback.code,
        "subject": feedback.subject,
        "about": feedback.about,
        "agency": feedback.agency.name,
        "agency_code": feedback.agency.code,
        "title": redact(feedback.title, feedback),
        "text": redact(feedback.text, feedback),
        "received_on": feedback.received_on,
        "answer": redact(feedback.answer, feedback),
        "answered_on": feedback.closed_on,
    }

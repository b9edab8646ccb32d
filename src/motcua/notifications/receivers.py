"""Every step of a dossier, or of a feedback, that someone must hear of writes its notices in
the same transaction (dossiers.signals.status_changed, feedback.signals.feedback_changed)."""

from __future__ import annotations

from motcua.dossiers.models import Dossier, Event
from motcua.dossiers.signals import status_changed
from motcua.feedback.models import Feedback
from motcua.feedback.signals import feedback_changed
from motcua.notifications import services


def on_status_changed(sender, dossier: Dossier, event: Event, **kwargs) -> None:
    services.notify(dossier, event)


def on_feedback_changed(
    sender, feedback: Feedback, action: str, actor, text: str, **kwargs
) -> None:
    services.notify_feedback(feedback, action, actor, text)


def connect() -> None:
    status_changed.connect(on_status_changed, dispatch_uid="notifications.status_changed")
    feedback_changed.connect(on_feedback_changed, dispatch_uid="notifications.feedback_changed")

"""Every step of a dossier that someone must hear of writes its notices in the same
transaction (dossiers.signals.status_changed)."""

from __future__ import annotations

from motcua.dossiers.models import Dossier, Event
from motcua.dossiers.signals import status_changed
from motcua.notifications import services


def on_status_changed(sender, dossier: Dossier, event: Event, **kwargs) -> None:
    services.notify(dossier, event)


def connect() -> None:
    status_changed.connect(on_status_changed, dispatch_uid="notifications.status_changed")

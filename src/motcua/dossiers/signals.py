"""What other apps may listen to without the dossier code knowing them."""

from django.dispatch import Signal

# Sent by services._record inside the transaction that moves a dossier, with the keyword
# arguments dossier, from_status, to_status and at (the event's time).
status_changed = Signal()

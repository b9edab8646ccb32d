"""What other apps may listen to without the dossier code knowing them."""

from django.dispatch import Signal

# Sent by services._record inside the transaction that moves a dossier (or records a step that
# keeps its status, such as an apology's new date or a transfer), with the keyword arguments
# dossier, from_status, to_status, at (the event's time) and event (the history row, whose
# `action` names the workflow table's action and `actor` who took it).
status_changed = Signal()

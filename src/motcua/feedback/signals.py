"""The hook for what must follow a change of feedback (the national portal's outbox, notices).

`feedback_changed` is sent by `services` INSIDE the transaction that changes the feedback, with
the kwargs `feedback`, `action` ("submit" when it is received, else an action of the table in
rules.py), `actor` (None for an anonymous sender or the national portal), `from_state`,
`to_state`, `text` (the answer, reason, question or reply) and `at`. The apps above feedback in
the layers subscribe in their `AppConfig.ready`; feedback imports none of them.
"""

from django.dispatch import Signal

feedback_changed = Signal()

"""What other apps (statistics, the national portal sync) may listen to."""

from django.dispatch import Signal

# Sent inside the transaction that makes a payment paid or refunded, with the keyword
# argument `payment`; the dossier's paid state is `payment.dossier` having a paid payment.
payment_settled = Signal()

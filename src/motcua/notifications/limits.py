"""What sending may cost: SMS limited per phone number and per client address, and the count
of messages sent per day and channel that the statistics show.

Limits count the SendRecord rows in the database, so every worker process counts alike; two
sends at the same instant may both pass the last free place, which costs one message at most.
The client address of a request is kept for the request's duration (ClientAddressMiddleware),
so the one-time codes that accounts sends are counted per address without accounts knowing.
"""

from __future__ import annotations

import contextvars
import datetime

from django.conf import settings
from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.sms import SmsRefused
from motcua.core.net import client_ip
from motcua.notifications.models import Channel, SendRecord

# The address of the client whose request is being answered ("" in background work).
current_client: contextvars.ContextVar[str] = contextvars.ContextVar("client", default="")


class ClientAddressMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_client.set(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            current_client.reset(token)


def check_sms(phone: str, client: str) -> None:
    """Refuse, in the reader's language, an SMS over the day's limit for `phone` or the hour's
    for the `client` address that asked for it."""
    now = timezone.now()
    sent = SendRecord.objects.filter(channel=Channel.SMS)
    if (
        sent.filter(address=phone, at__gte=now - datetime.timedelta(days=1)).count()
        >= settings.SMS_PER_PHONE_PER_DAY
    ):
        raise SmsRefused(
            _(
                "Too many text messages have been sent to this phone number today."
                " Please try again tomorrow, or use your e-mail address."
            )
        )
    if client and (
        sent.filter(client_ip=client, at__gte=now - datetime.timedelta(hours=1)).count()
        >= settings.SMS_PER_CLIENT_PER_HOUR
    ):
        raise SmsRefused(
            _(
                "Too many text messages have been asked for from your network."
                " Please wait an hour before asking again."
            )
        )


def sent_per_day(start: datetime.date, end: datetime.date) -> dict[datetime.date, dict[str, int]]:
    """Messages handed to a provider on each day from `start` to `end` (inclusive), per
    channel (email, sms, zalo), one-time codes included; for the statistics."""
    rows = (
        SendRecord.objects.filter(delivered=True, at__date__gte=start, at__date__lte=end)
        .annotate(day=TruncDate("at"))
        .values("day", "channel")
        .annotate(sent=Count("pk"))
    )
    days: dict[datetime.date, dict[str, int]] = {}
    for row in rows:
        days.setdefault(row["day"], {})[row["channel"]] = row["sent"]
    return days

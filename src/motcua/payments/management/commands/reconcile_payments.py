import datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from motcua.payments import providers, reconcile
from motcua.payments.providers import GatewayUnavailable, PaymentProvider, StatementInvalid


class Command(BaseCommand):
    help = (
        "Compare a day's payments with the gateway's statement (CSV) and list the differences; "
        "exits with status 1 when there are any."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", required=True, help="the day, YYYY-MM-DD")
        parser.add_argument(
            "--statement", help="the statement file; without it, it is fetched from the gateway"
        )
        parser.add_argument("--provider", help="the gateway (default: PAYMENT_PROVIDER)")

    def handle(self, *args, date: str, statement: str | None, provider: str | None, **options):
        day = _day(date)
        gateway = _gateway(provider or settings.PAYMENT_PROVIDER)
        try:
            lines = gateway.parse_statement(_content(gateway, day, statement))
        except StatementInvalid as exc:
            raise CommandError(str(exc)) from exc
        differences = reconcile.compare(gateway.key, day, lines)
        for difference in differences:
            self.stdout.write(
                "\t".join(
                    [difference.label, difference.reference, difference.ours, difference.theirs]
                )
            )
        when = day.strftime("%d/%m/%Y")
        if differences:
            raise CommandError(
                _("%(count)s difference(s) between our payments and the statement of %(day)s.")
                % {"count": len(differences), "day": when}
            )
        self.stdout.write(
            self.style.SUCCESS(
                _("Our payments agree with the statement of %(day)s (%(count)s transactions).")
                % {"day": when, "count": len(lines)}
            )
        )


def _day(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(_("Write the date as YYYY-MM-DD, e.g. 2020-05-26.")) from exc


def _gateway(key: str) -> PaymentProvider:
    try:
        return providers.get(key)
    except providers.UnknownProvider as exc:
        raise CommandError(
            _("No payment gateway named %(name)s is configured.") % {"name": key}
        ) from exc


def _content(gateway: PaymentProvider, day: datetime.date, path: str | None) -> bytes:
    if path:
        try:
            return Path(path).read_bytes()
        except OSError as exc:
            raise CommandError(
                _("Cannot read the statement file %(path)s.") % {"path": path}
            ) from exc
    try:
        return gateway.fetch_statement(day)
    except GatewayUnavailable as exc:
        raise CommandError(
            _("The gateway's statement could not be fetched: %(why)s") % {"why": exc}
        ) from exc

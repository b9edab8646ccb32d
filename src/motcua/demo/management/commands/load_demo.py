from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from motcua.accounts.models import User
from motcua.agencies.models import Agency
from motcua.catalog.importexport import import_records
from motcua.catalog.models import Procedure
from motcua.demo.dossiers import build_dossiers
from motcua.demo.province import (
    DEMO_ACCOUNTS,
    DEMO_PASSWORD,
    DEMO_TOTP_SECRET,
    build_accounts,
    build_agencies,
    build_records,
    holds_demo_secret,
)
from motcua.demo.results import build_result_templates


class Command(BaseCommand):
    help = "Load the demo province (Thừa Thiên Huế, 2020) into an empty database."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing, successfully, when the database already holds agencies.",
        )
        parser.add_argument(
            "--without-dossiers",
            action="store_true",
            help="Load the agencies, the catalog and the accounts only, without the dossiers "
            "of 1 January – 26 May 2020.",
        )

    def handle(self, *args, if_empty: bool, without_dossiers: bool, **options):
        if Agency.objects.exists() or Procedure.objects.exists():
            if if_empty:
                self.stdout.write(_("The database already holds data: the demo was not loaded."))
                self._print_accounts()
                return
            raise CommandError(
                _("The database is not empty; the demo loads only into an empty one.")
            )
        with transaction.atomic():
            groups = build_agencies()
            codes = {group: [a.code for a in agencies] for group, agencies in groups.items()}
            result = import_records(build_records(codes))
            build_result_templates()
            build_accounts(groups)
            dossiers = 0 if without_dossiers else build_dossiers()
            if dossiers and apps.is_installed("motcua.stats"):
                from motcua.stats.aggregates import rebuild

                rebuild()
        self.stdout.write(
            self.style.SUCCESS(
                _("Demo province loaded: %(agencies)s agencies, %(procedures)s procedures.")
                % {"agencies": Agency.objects.count(), "procedures": result.created}
            )
        )
        if dossiers:
            self.stdout.write(
                _("%(dossiers)s dossiers received from 1 January to 26 May 2020.")
                % {"dossiers": dossiers}
            )
        self._print_accounts()

    def _print_accounts(self) -> None:
        """The demo accounts that exist here, so that whoever started the server can log in."""
        existing = set(
            User.objects.filter(username__in=[a.username for a in DEMO_ACCOUNTS]).values_list(
                "username", flat=True
            )
        )
        if not existing:
            return
        self.stdout.write(_("Demo accounts (password %(password)s):") % {"password": DEMO_PASSWORD})
        for account in DEMO_ACCOUNTS:
            if account.username in existing:
                self.stdout.write(f"  {account.username:<20} {account.full_name}")
        if not holds_demo_secret(existing):
            return
        self.stdout.write(
            _(
                "Officials then type the 6-digit code of an authenticator app holding the demo "
                "secret %(secret)s (time-based), or the code that `manage.py demo_code` prints."
            )
            % {"secret": DEMO_TOTP_SECRET}
        )

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from motcua.agencies.models import Agency
from motcua.catalog.importexport import import_records
from motcua.catalog.models import Procedure
from motcua.demo.province import (
    DEMO_ACCOUNTS,
    DEMO_PASSWORD,
    build_accounts,
    build_agencies,
    build_records,
)


class Command(BaseCommand):
    help = "Load the demo province (Thừa Thiên Huế, 2020) into an empty database."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing, successfully, when the database already holds agencies.",
        )

    def handle(self, *args, if_empty: bool, **options):
        if Agency.objects.exists() or Procedure.objects.exists():
            if if_empty:
                self.stdout.write("The database already holds data: the demo was not loaded.")
                return
            raise CommandError("The database is not empty; the demo loads only into an empty one.")
        with transaction.atomic():
            groups = build_agencies()
            codes = {group: [a.code for a in agencies] for group, agencies in groups.items()}
            result = import_records(build_records(codes))
            build_accounts(groups)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo province loaded: {Agency.objects.count()} agencies, "
                f"{result.created} procedures."
            )
        )
        self.stdout.write(f"Demo accounts (password {DEMO_PASSWORD}):")
        for account in DEMO_ACCOUNTS:
            self.stdout.write(f"  {account.username:<20} {account.full_name}")

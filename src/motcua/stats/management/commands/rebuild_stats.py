import datetime
import time

from django.core.management.base import BaseCommand

from motcua.stats.aggregates import rebuild


class Command(BaseCommand):
    help = (
        "Recount the statistics from the records: all of them, or the dossiers received"
        " from --from to --to."
    )

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="start", type=datetime.date.fromisoformat)
        parser.add_argument("--to", dest="end", type=datetime.date.fromisoformat)

    def handle(self, *args, start=None, end=None, **options):
        began = time.perf_counter()
        rebuild(start, end)
        self.stdout.write(
            self.style.SUCCESS(f"Statistics recounted in {time.perf_counter() - began:.1f} s.")
        )

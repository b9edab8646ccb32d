from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from motcua.catalog.importexport import export_file
from motcua.catalog.models import Procedure


class Command(BaseCommand):
    help = "Export the whole catalog to a JSON or XLSX file (by its extension)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        try:
            content = export_file(file.name, Procedure.objects.all())
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        file.write_bytes(content)
        self.stdout.write(self.style.SUCCESS(f"{Procedure.objects.count()} procedure(s) exported"))

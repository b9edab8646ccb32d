from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from motcua.catalog.importexport import ImportFailed, import_records, read_file


class Command(BaseCommand):
    help = "Import procedures from a JSON or XLSX file: all of it, or nothing if any row is bad."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        if not file.is_file():
            raise CommandError(_("%(file)s: no such file.") % {"file": file})
        try:
            result = import_records(read_file(file.name, file.read_bytes()))
        except ImportFailed as failure:
            for error in failure.errors:
                self.stderr.write(error)
            raise CommandError(
                _("%(count)s error(s): nothing was imported from %(file)s.")
                % {"count": len(failure.errors), "file": file.name}
            ) from failure
        self.stdout.write(
            self.style.SUCCESS(
                _("%(created)s procedure(s) created, %(updated)s updated.")
                % {"created": result.created, "updated": result.updated}
            )
        )

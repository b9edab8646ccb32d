from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from motcua.catalog import national
from motcua.catalog.importexport import ImportFailed


class Command(BaseCommand):
    help = (
        "Compare the catalog with a national procedure database export (a JSON or XLSX file, "
        "or the national portal's address) and show what changed; --apply writes it."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, nargs="?", help="the export; else --url")
        parser.add_argument(
            "--url", default="", help="the export's address (default NATIONAL_CATALOG_URL)"
        )
        parser.add_argument("--apply", action="store_true", help="write the changes shown")

    def handle(self, *args, file: Path | None, url: str, apply: bool, **options):
        try:
            records = national.read_export(*self._export(file, url))
            sync = national.plan(records)
            self._show(sync)
            if apply and not sync.empty:
                result = national.apply(records, sync.digest())
                self.stdout.write(
                    self.style.SUCCESS(
                        _("%(created)s created, %(updated)s updated, %(withdrawn)s withdrawn.")
                        % result.__dict__
                    )
                )
        except ImportFailed as failure:
            for error in failure.errors:
                self.stderr.write(error)
            raise CommandError(_("Nothing was changed.")) from failure

    def _export(self, file: Path | None, url: str) -> tuple[str, bytes]:
        if file is not None:
            if not file.is_file():
                raise CommandError(_("%(file)s: no such file.") % {"file": file})
            return file.name, file.read_bytes()
        url = url or settings.NATIONAL_CATALOG_URL
        if not url:
            raise CommandError(_("Give an export file, or the national database's address."))
        return "export.json", national.fetch_export(url)

    def _show(self, sync: national.SyncPlan) -> None:
        for record in sync.new:
            self.stdout.write(f"+ {record.procedure['code']} {record.procedure['name']}")
        for change in sync.changed:
            self.stdout.write(f"~ {change.procedure.code} {change.procedure.name}")
            for item in change.changes:
                self.stdout.write(f"    {item.label}: {' | '.join(item.old) or '—'}")
                self.stdout.write(f"    → {' | '.join(item.new) or '—'}")
        for procedure in sync.withdrawn:
            self.stdout.write(f"- {procedure.code} {procedure.name}")
        self.stdout.write(
            _("%(new)s new, %(changed)s changed, %(withdrawn)s withdrawn, %(same)s unchanged.")
            % {
                "new": len(sync.new),
                "changed": len(sync.changed),
                "withdrawn": len(sync.withdrawn),
                "same": sync.unchanged,
            }
        )

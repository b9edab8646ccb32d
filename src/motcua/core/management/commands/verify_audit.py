from django.core.management.base import BaseCommand, CommandError

from motcua.core.audit import verify


class Command(BaseCommand):
    help = "Check the audit log's hash chain; fail on any edited or deleted entry."

    def handle(self, *args, **options):
        checked, broken = verify()
        if broken:
            where = f"entry {broken.entry_id}" if broken.entry_id else "the end of the log"
            raise CommandError(
                f"Audit log broken at {where}: {broken.reason} ({checked} entries intact before)."
            )
        self.stdout.write(self.style.SUCCESS(f"Audit log intact: {checked} entries."))

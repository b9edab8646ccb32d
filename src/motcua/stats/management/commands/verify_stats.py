from django.core.management.base import BaseCommand, CommandError

from motcua.stats.aggregates import verify


class Command(BaseCommand):
    help = "Recount the statistics from the dossiers; fail on any difference with the counts."

    def handle(self, *args, **options):
        differences = verify()
        for difference in differences:
            self.stderr.write(str(difference))
        if differences:
            raise CommandError(
                f"{len(differences)} difference(s) between the statistics and the records;"
                " `manage.py rebuild_stats` recounts them."
            )
        self.stdout.write(self.style.SUCCESS("The statistics agree with the records."))

import datetime

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from motcua.agencies.models import Agency
from motcua.agencies.services import merge_agencies


class Command(BaseCommand):
    help = "Merge agencies into a successor from a date on; their history stays theirs."

    def add_arguments(self, parser):
        parser.add_argument("sources", nargs="+", help="codes of the agencies that end")
        parser.add_argument("--into", required=True, help="code of the successor agency")
        parser.add_argument(
            "--on", required=True, type=datetime.date.fromisoformat, help="first day, YYYY-MM-DD"
        )

    def handle(self, *args, sources: list[str], into: str, on: datetime.date, **options):
        try:
            successor = Agency.objects.by_code(into)
            ended = [Agency.objects.by_code(code) for code in sources]
            merge_agencies(ended, successor, on)
        except ObjectDoesNotExist as exc:
            raise CommandError(_("No agency has one of these codes.")) from exc
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                _("%(count)s agency(ies) merged into %(successor)s from %(day)s.")
                % {"count": len(ended), "successor": successor, "day": on.strftime("%d/%m/%Y")}
            )
        )

from django.core.management.base import BaseCommand, CommandError

from motcua.core.audit import Break, verify


def _where(broken: Break) -> str:
    chain = f"chain “{broken.chain}”" if broken.chain else "the system chain"
    if broken.entry_id is None:
        return f"the end of {chain}"
    return f"entry {broken.entry_id} of {chain}"


class Command(BaseCommand):
    help = (
        "Check every chain of the audit log against the audit key; fail on any edited, "
        "re-hashed or deleted entry."
    )

    def handle(self, *args, **options):
        checked, broken = verify()
        if broken:
            raise CommandError(
                f"Audit log broken at {_where(broken)}: {broken.reason} "
                f"({checked} entries intact before)."
            )
        self.stdout.write(self.style.SUCCESS(f"Audit log intact: {checked} entries."))

from django.dispatch import receiver

from motcua.agencies.signals import agencies_merged
from motcua.catalog.models import Procedure


@receiver(agencies_merged)
def move_procedures_to_successor(sender, sources, successor, **kwargs) -> None:
    """What the merged agencies carried out is carried out by their successor from now on."""
    for procedure in Procedure.objects.filter(agencies__in=sources).distinct():
        procedure.agencies.remove(*sources)
        procedure.agencies.add(successor)

from django.utils import timezone

from motcua.agencies.models import Agency


def province(request) -> dict[str, str]:
    """The name of the government this portal serves: the root of the agency tree."""
    roots = Agency.objects.filter(parent=None).active_on(timezone.localdate())
    return {"province_name": roots.values_list("name", flat=True).first() or ""}

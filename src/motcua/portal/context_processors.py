from django.conf import settings
from django.utils import timezone

from motcua.agencies.models import Agency


def site(request) -> dict:
    """What every page shows: the government this portal serves and the languages it speaks.

    Each language is named in itself ("Tiếng Việt", "English"), so that a reader finds theirs.
    """
    roots = Agency.objects.filter(parent=None).active_on(timezone.localdate())
    return {
        "province_name": roots.values_list("name", flat=True).first() or "",
        "language_choices": settings.LANGUAGES,
    }

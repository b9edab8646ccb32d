from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from motcua.agencies.models import Agency


def site(request) -> dict:
    """What every page shows: the government this portal serves and the languages it speaks.

    Each language is named in itself ("Tiếng Việt", "English"), so that a reader finds theirs.
    """
    return {
        "province_name": cache.get_or_set("portal:province-name", _province_name, 300),
        "language_choices": settings.LANGUAGES,
    }


def _province_name() -> str:
    roots = Agency.objects.filter(parent=None).active_on(timezone.localdate())
    return roots.values_list("name", flat=True).first() or ""

from django.utils.functional import SimpleLazyObject

from motcua.notifications import services


def unread(request) -> dict:
    """`unread_notices` for the header: counted only on pages that show it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notices": SimpleLazyObject(lambda: services.unread_count(user))}

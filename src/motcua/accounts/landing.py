"""Where a person lands after logging in, unless they were on their way to a page."""

from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import reverse

from motcua.accounts.models import AccountKind


def landing_url(user) -> str:
    """An official's workspace (the inbox), the admin site for staff, a citizen's own dossiers."""
    if getattr(user, "kind", "") == AccountKind.OFFICIAL:
        return reverse("backoffice:inbox")
    if getattr(user, "is_staff", False):
        return reverse("admin:index")
    return resolve_url(settings.LOGIN_REDIRECT_URL)

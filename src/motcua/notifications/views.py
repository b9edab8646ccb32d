"""The pages: a person's notices and channels, and the desk's list of applicants to call."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from motcua.accounts.models import Role
from motcua.notifications import rules, services
from motcua.notifications.forms import PreferenceForm


def preferences_section(request: HttpRequest) -> dict | None:
    """The profile page's section: the channels and language of the person's notices."""
    if not request.user.is_authenticated:
        return None
    return {"preference_form": PreferenceForm(instance=rules.preference(request.user))}


@login_required
@require_POST
def preferences(request: HttpRequest) -> HttpResponse:
    form = PreferenceForm(request.POST, instance=rules.preference(request.user))
    if form.is_valid():
        form.save()
        messages.success(request, _("Your notification choices are saved."))
    else:
        messages.error(request, _("Your notification choices could not be saved."))
    return redirect("accounts:profile")


@login_required
@require_http_methods(["GET"])
def inbox(request: HttpRequest) -> HttpResponse:
    """The person's notices, newest first; opening the page reads them."""
    notices = list(services.in_app(request.user)[:100])
    services.mark_read(request.user, [notice.pk for notice in notices])
    return render(request, "notifications/inbox.html", {"notices": notices})


def _desk_officer(request: HttpRequest) -> None:
    if request.user.role != Role.DESK_OFFICER or request.user.agency_id is None:
        raise PermissionDenied(_("Only the one-stop desk calls applicants."))


@login_required
@require_http_methods(["GET"])
def to_call(request: HttpRequest) -> HttpResponse:
    """Applicants that no message reached, with their phone, for the desk to call."""
    _desk_officer(request)
    return render(
        request, "notifications/to_call.html", {"notices": services.to_call(request.user)}
    )


@login_required
@require_POST
def called(request: HttpRequest, pk: int) -> HttpResponse:
    _desk_officer(request)
    if services.mark_called(request.user, pk):
        messages.success(request, _("Marked as called."))
    else:
        messages.error(request, _("This notice is not on your desk's list."))
    return redirect("notifications:to_call")

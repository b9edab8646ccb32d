from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from motcua.accounts.models import AccountKind
from motcua.backoffice.forms import ActionForm
from motcua.backoffice.inbox import DUE_FILTERS, Window, deadline_of, open_work
from motcua.core import audit
from motcua.dossiers import services, workflow
from motcua.dossiers.models import Status
from motcua.dossiers.queries import actionable_by, readable_by_official


def _official(request) -> None:
    if request.user.kind != AccountKind.OFFICIAL:
        raise PermissionDenied


@login_required
def inbox(request):
    _official(request)
    status = request.GET.get("status", "")
    due = request.GET.get("due", "")
    work = open_work(readable_by_official(request.user), status, due)
    if request.GET.get("mine"):
        work = work.filter(assignee=request.user)
    window = Window.now()
    rows = [(dossier, deadline_of(dossier, window)) for dossier in work[:200]]
    context = {
        "rows": rows,
        "status": status,
        "due": due,
        "statuses": [(s.value, s.label) for s in Status if s != Status.DRAFT],
        "due_filters": DUE_FILTERS,
    }
    return render(request, "backoffice/inbox.html", context)


@login_required
def dossier(request, code: str):
    _official(request)
    found = get_object_or_404(
        readable_by_official(request.user).prefetch_related("events", "attachments"), code=code
    )
    audit.log("dossier.view", found.code, request.user)
    actions = (
        workflow.allowed(found, request.user.role)
        if actionable_by(request.user).filter(pk=found.pk).exists()
        else []
    )
    context = {
        "dossier": found,
        "actions": actions,
        "form": ActionForm(found.agency),
        "open_request": found.supplements.filter(answered_at=None).last(),
    }
    return render(request, "backoffice/dossier.html", context)


@login_required
@require_POST
def act(request, code: str):
    _official(request)
    found = get_object_or_404(actionable_by(request.user), code=code)
    form = ActionForm(found.agency, request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for e in form.errors.values()))
        return redirect("backoffice:dossier", code=code)
    data = form.cleaned_data
    try:
        services.perform(
            found,
            data["action"],
            request.user,
            reason=data["reason"],
            assignee=data["assignee"],
            items=form.item_list(),
        )
    except workflow.TransitionRefused as refusal:
        messages.error(request, refusal.reason)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("backoffice:dossier", code=code)

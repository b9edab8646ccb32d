import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from motcua.accounts.models import AccountKind, Role
from motcua.backoffice import apology
from motcua.backoffice.forms import ActionForm, ApologyForm, DeskIntakeForm, OpinionForm
from motcua.backoffice.inbox import DUE_FILTERS, Window, deadline_of, open_work
from motcua.backoffice.intake import register_at_desk
from motcua.backoffice.models import Apology
from motcua.catalog.models import Procedure
from motcua.catalog.services import CatalogQuery, search_procedures
from motcua.core.models import AuditEntry
from motcua.dossiers import deadlines, reads, services, workflow
from motcua.dossiers.models import Status
from motcua.dossiers.queries import actionable_by, consultations_for, readable_by_official
from motcua.dossiers.receipts import lookup_url, receipt_pdf

INBOX_ROWS = 200


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
    # Only what the table shows: the rows are many and the page is opened all day long.
    work = (
        work.select_related(None)
        .select_related("procedure")
        .only("code", "status", "due_date", "submitted_at", "procedure__name")
    )
    window = Window.now()
    labels = dict(Status.choices)
    rows = [
        (dossier, deadline_of(dossier, window), labels[dossier.status])
        for dossier in work[:INBOX_ROWS]
    ]
    context = {
        "rows": rows,
        "consultations": consultations_for(request.user)[:INBOX_ROWS],
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
    reads.log_read(request.user, found)
    actions = [
        t for t in workflow.allowed(found, request.user) if t.action in workflow.OFFICIAL_ACTIONS
    ]
    context = {
        "dossier": found,
        # One form per action, each with its own element ids so that every label finds its field.
        "actions": [(t, ActionForm(found, auto_id=f"id_{t.action}_%s")) for t in actions],
        "steps": workflow.plan(found),
        "consultation_log": found.consultations.select_related("agency", "answered_by"),
        "pauses": found.pauses.all(),
        "open_request": found.supplements.filter(answered_at=None).last(),
        "letter": Apology.objects.filter(dossier=found).first(),
        "timeliness": deadlines.Timeliness(t).label if (t := deadlines.timeliness(found)) else "",
        "audit_log": _audit_log(request.user, found),
        "may_apologise": bool(actions) and apology.may_apologise(found),
        "apology_form": ApologyForm(
            initial={"new_due_date": apology.suggested_new_date(found)} if found.due_date else None
        ),
    }
    return render(request, "backoffice/dossier.html", context)


def _audit_log(user, found) -> list:
    """The dossier's audit entries, for supervisors only."""
    if user.role != Role.SUPERVISOR:
        return []
    return list(AuditEntry.objects.filter(object_ref=found.code).select_related("actor"))


@login_required
@require_POST
def act(request, code: str):
    _official(request)
    found = get_object_or_404(actionable_by(request.user), code=code)
    form = ActionForm(found, request.POST, request.FILES)
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
            agency=data["agency"],
            delivery=data["delivery"],
            result_file=data["result_file"],
        )
    except workflow.TransitionRefused as refusal:
        messages.error(request, refusal.reason)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("backoffice:dossier", code=code)


@login_required
@require_http_methods(["GET", "POST"])
def consultation(request, pk: int):
    """Another agency's dossier, sent to the official's agency for its opinion."""
    _official(request)
    asked = get_object_or_404(consultations_for(request.user), pk=pk)
    form = OpinionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.give_opinion(asked, request.user, form.cleaned_data["opinion"])
        except (workflow.TransitionRefused, ValidationError) as error:
            messages.error(request, getattr(error, "reason", None) or " ".join(error.messages))
        else:
            messages.success(request, _("Your agency's opinion is sent."))
            return redirect("backoffice:inbox")
    reads.log_read(request.user, asked.dossier, consultation=asked.pk)
    status = 400 if request.method == "POST" else 200
    context = {"consultation": asked, "dossier": asked.dossier, "form": form}
    return render(request, "backoffice/consultation.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def intake(request):
    """The desk officer registers a dossier handed in at the desk or by post."""
    _official(request)
    if request.user.role != Role.DESK_OFFICER:
        raise PermissionDenied
    procedures = Procedure.objects.filter(published=True, agencies=request.user.agency)
    code = request.GET.get("procedure") or request.POST.get("procedure")
    procedure = procedures.filter(code=code).first() if code else None
    if procedure is None:
        words = request.GET.get("q", "")
        found = search_procedures(CatalogQuery(text=words, agency=request.user.agency.code))[:30]
        return render(request, "backoffice/intake_pick.html", {"procedures": found, "q": words})
    form = DeskIntakeForm(
        procedure,
        request.user,
        request.POST or None,
        request.FILES or None,
        initial={"token": uuid.uuid4().hex},
    )
    if request.method == "POST" and form.is_valid():
        try:
            dossier = register_at_desk(
                procedure=procedure,
                officer=request.user,
                applicant=form.applicant(),
                answers=form.answers(),
                uploads=form.uploads(),
                channel=form.cleaned_data["channel"],
                token=form.cleaned_data["token"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The dossier is registered and accepted."))
            return redirect("backoffice:dossier", code=dossier.code)
    status = 400 if request.method == "POST" else 200
    context = {"procedure": procedure, "form": form}
    return render(request, "backoffice/intake.html", context, status=status)


@login_required
def receipt(request, code: str):
    """Form 01 for the desk to print and hand to the applicant."""
    _official(request)
    found = get_object_or_404(readable_by_official(request.user), code=code)
    reads.log_read(request.user, found, "dossier.receipt")
    response = HttpResponse(
        receipt_pdf(found, lookup_url(request, found)), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'inline; filename="giay-tiep-nhan-{found.code}.pdf"'
    return response


@login_required
def attachment(request, code: str, attachment_id: int):
    """A file of the dossier, for officials who may read it; every download is logged."""
    _official(request)
    found = get_object_or_404(readable_by_official(request.user), code=code)
    item = get_object_or_404(found.attachments, pk=attachment_id)
    reads.log_read(request.user, found, "attachment.download", attachment=item.original_name)
    return FileResponse(
        item.file.open("rb"), content_type=item.content_type, filename=item.original_name
    )


def _apology_step(request, code: str, step) -> HttpResponse:
    """Run one step of the apology on a dossier the official may act on; explain refusals."""
    _official(request)
    found = get_object_or_404(actionable_by(request.user), code=code)
    try:
        step(found)
    except workflow.TransitionRefused as refusal:
        messages.error(request, refusal.reason)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("backoffice:dossier", code=code)


@login_required
@require_POST
def draft_apology(request, code: str):
    def draft(found):
        form = ApologyForm(request.POST)
        if not form.is_valid():
            raise ValidationError([str(e) for errors in form.errors.values() for e in errors])
        apology.draft(found, request.user, **form.cleaned_data)
        messages.success(request, _("The apology is drafted; a leader signs it."))

    return _apology_step(request, code, draft)


@login_required
@require_POST
def sign_apology(request, code: str):
    def sign(found):
        letter = get_object_or_404(Apology, dossier=found)
        apology.sign(letter, request.user)
        messages.success(request, _("The apology is signed; the applicant sees the new date."))

    return _apology_step(request, code, sign)

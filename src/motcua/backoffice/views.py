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
from motcua.backoffice import inbox as inbox_rules
from motcua.backoffice.answers import labelled_answers
from motcua.backoffice.forms import ActionForm, ApologyForm, DeskIntakeForm, OpinionForm
from motcua.backoffice.intake import register_at_desk
from motcua.backoffice.models import Apology
from motcua.catalog import reception
from motcua.catalog.services import CatalogQuery, search_procedures
from motcua.core.models import AuditEntry
from motcua.dossiers import deadlines, effects, reads, services, workflow
from motcua.dossiers.models import Status
from motcua.dossiers.queries import actionable_by, consultations_for, readable_by_official
from motcua.dossiers.receipts import lookup_url, receipt_pdf


def _official(request) -> None:
    if request.user.kind != AccountKind.OFFICIAL:
        raise PermissionDenied


def _page_number(request) -> int:
    number = request.GET.get("page", "1")
    return max(1, int(number)) if number.isdigit() and len(number) < 6 else 1


@login_required
def inbox(request):
    """The official's workspace: one tab of their work, or what a search finds, a page at a
    time (a row more than the page tells whether there is a next one, without a count)."""
    _official(request)
    user, window = request.user, inbox_rules.Window.now()
    text = request.GET.get("q", "").strip()
    keys = [tab.key for tab in inbox_rules.tabs_for(user)]
    tab = request.GET.get("tab", "")
    tab = tab if tab in keys else inbox_rules.default_tab(user)
    sort = request.GET.get("sort", "")
    sort = sort if sort in inbox_rules.SORTS else "deadline"
    number = _page_number(request)
    start = (number - 1) * inbox_rules.PAGE_SIZE
    end = start + inbox_rules.PAGE_SIZE + 1
    if text:
        rows = _dossier_rows(inbox_rules.search(user, text), "received", window, start, end)
    elif tab == inbox_rules.CONSULTATIONS:
        rows = list(inbox_rules.consultations(user)[start:end])
    else:
        rows = _dossier_rows(inbox_rules.tab_dossiers(user, tab, window), sort, window, start, end)
    counted = inbox_rules.counts(user, window)
    context = {
        "tabs": [(t, counted[t.key]) for t in inbox_rules.tabs_for(user)],
        "tab": "" if text else tab,
        "consulting": tab == inbox_rules.CONSULTATIONS and not text,
        "q": text,
        "sort": sort,
        "rows": rows[: inbox_rules.PAGE_SIZE],
        "page": number,
        "has_next": len(rows) > inbox_rules.PAGE_SIZE,
    }
    template = "backoffice/_inbox_list.html" if _partial(request) else "backoffice/inbox.html"
    return render(request, template, context)


def _partial(request) -> bool:
    """htmx asks for the list alone (not to restore the whole page from its history)."""
    return bool(request.htmx) and not request.htmx.history_restore_request


def _dossier_rows(dossiers, sort: str, window, start: int, end: int) -> list:
    """Only what the table shows: the page is opened all day long."""
    page = (
        inbox_rules.sorted_work(dossiers, sort)
        .select_related(None)
        .select_related("procedure")
        .only(
            "code",
            "status",
            "due_date",
            "submitted_at",
            "channel",
            "applicant_name",
            "procedure__name",
        )[start:end]
    )
    labels = dict(Status.choices)
    return [(d, inbox_rules.deadline_of(d, window), labels[d.status]) for d in page]


# The action a panel opens on first: the step that moves the dossier on (the table's order
# puts refusals and returns first where they share a state).
FORWARD = (
    "accept",
    "transfer",
    "assign",
    "send_for_review",
    "submit_for_approval",
    "approve",
    "confirm_fees",
    "resume",
    "return_result",
)


def _action_panel(found, user, chosen: str, data=None, files=None) -> dict:
    """The actions the table gives `user` on the dossier now, and the form of the one chosen
    (by default the one that moves the dossier on)."""
    actions = [t for t in workflow.allowed(found, user) if t.action in workflow.OFFICIAL_ACTIONS]
    if not actions:
        return {"actions": []}
    by_name = {t.action: t for t in actions}
    forward = [name for name in FORWARD if name in by_name]
    current = by_name.get(chosen) or by_name[forward[0] if forward else actions[0].action]
    return {
        "actions": [(t, _label(found, t)) for t in actions],
        "chosen": current,
        "chosen_label": _label(found, current),
        "action_form": ActionForm(found, current, data, files),
    }


def _label(found, transition) -> str:
    """The action's name as the official reads it: where the agency has no head of division,
    sending for review takes the dossier to the leader's approval (dossiers.effects)."""
    if transition.action == "send_for_review" and not effects.has_head_of_division(
        found.deciding_agency_id
    ):
        return str(workflow.TRANSITIONS["submit_for_approval"].label)
    return str(transition.label)


def _readable(user):
    return readable_by_official(user).prefetch_related(
        "events__actor", "attachments__document", "attachments__supplement"
    )


@login_required
def dossier(request, code: str):
    _official(request)
    found = get_object_or_404(_readable(request.user), code=code)
    panel = _action_panel(found, request.user, request.GET.get("action", ""))
    if _partial(request) and request.GET.get("action"):
        return render(request, "backoffice/_action_panel.html", {"dossier": found, **panel})
    return _dossier_page(request, found, panel)


def _dossier_page(request, found, panel: dict, status: int = 200) -> HttpResponse:
    reads.log_read(request.user, found)
    context = {
        "dossier": found,
        **panel,
        "answers": labelled_answers(found.procedure, found.form_data),
        "findings": labelled_answers(found.procedure, found.findings),
        "steps": workflow.plan(found),
        "consultation_log": found.consultations.select_related("agency", "answered_by"),
        "pauses": found.pauses.all(),
        "open_request": found.supplements.filter(answered_at=None).last(),
        "letter": Apology.objects.filter(dossier=found).first(),
        "timeliness": deadlines.Timeliness(t).label if (t := deadlines.timeliness(found)) else "",
        "audit_log": _audit_log(request.user, found),
        "may_apologise": bool(panel["actions"]) and apology.may_apologise(found),
        "apology_form": ApologyForm(
            initial={"new_due_date": apology.suggested_new_date(found)} if found.due_date else None
        ),
    }
    return render(request, "backoffice/dossier.html", context, status=status)


def _audit_log(user, found) -> list:
    """The dossier's audit entries, for supervisors only."""
    if user.role != Role.SUPERVISOR:
        return []
    return list(AuditEntry.objects.filter(object_ref=found.code).select_related("actor"))


@login_required
@require_POST
def act(request, code: str):
    """Take the chosen action through the dossier services; say what was done, or show the
    panel again with what is missing."""
    _official(request)
    found = get_object_or_404(actionable_by(request.user), code=code)
    chosen = request.POST.get("action", "")
    panel = _action_panel(found, request.user, chosen, request.POST, request.FILES)
    form = panel.get("action_form")
    if form is None or panel["chosen"].action != chosen:
        messages.error(request, _("This action is not open to you on this dossier now."))
        return redirect("backoffice:dossier", code=code)
    if not form.is_valid():
        return _dossier_page(request, found, panel, status=400)
    try:
        done = services.perform(found, chosen, request.user, **form.given())
    except workflow.TransitionRefused as refusal:
        messages.error(request, refusal.reason)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Done: %(action)s. The dossier is now “%(status)s”.")
            % {"action": panel["chosen_label"], "status": done.get_status_display()},
        )
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
    context = {
        "consultation": asked,
        "dossier": asked.dossier,
        "answers": labelled_answers(asked.dossier.procedure, asked.dossier.form_data),
        "form": form,
    }
    return render(request, "backoffice/consultation.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def intake(request):
    """The desk officer registers a dossier handed in at the desk or by post."""
    _official(request)
    if request.user.role != Role.DESK_OFFICER:
        raise PermissionDenied
    procedures = reception.received_at(request.user.agency).filter(published=True)
    code = request.GET.get("procedure") or request.POST.get("procedure")
    procedure = procedures.filter(code=code).first() if code else None
    if procedure is None:
        words = request.GET.get("q", "")
        found = search_procedures(CatalogQuery(text=words)).filter(pk__in=procedures.values("pk"))
        found = found[:30]
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
                on_paper=tuple(form.on_paper()),
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
    item = get_object_or_404(found.attachments.exclude(on_paper=True), pk=attachment_id)
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

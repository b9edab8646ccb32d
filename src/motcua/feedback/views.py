"""The feedback pages: the public answers, sending feedback, the sender's own feedback, and
the officials' list and handling page. Views are thin: rules, services and queries decide."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from motcua.accounts.models import AccountKind
from motcua.agencies.models import Agency
from motcua.catalog.models import Procedure
from motcua.catalog.services import CatalogQuery, search_procedures
from motcua.core import audit
from motcua.core.net import client_ip
from motcua.dossiers.models import Dossier
from motcua.feedback import queries, rules, services
from motcua.feedback.forms import ActionForm, FeedbackForm, RatingForm
from motcua.feedback.models import Feedback, State, Subject
from motcua.feedback.public import published_view

PAGE_SIZE = 20
SEARCH_ROWS = 8
# The officials' list by tab: which feedback each shows.
TABS = {
    "": {"state": State.RECEIVED},
    "waiting": {"state": State.INFO_REQUESTED},
    "closed": {"state__in": (State.ANSWERED, State.REFUSED)},
}


# ---------------------------------------------------------------- public


@require_safe
def public_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(queries.published(), PAGE_SIZE).get_page(request.GET.get("page"))
    items = [published_view(feedback) for feedback in page]
    return render(request, "feedback/public_list.html", {"page": page, "items": items})


@require_safe
def public_detail(request: HttpRequest, code: str) -> HttpResponse:
    feedback = get_object_or_404(queries.published(), code=code)
    return render(request, "feedback/public_detail.html", {"item": published_view(feedback)})


# ---------------------------------------------------------------- sending


# The page's query chooses what the feedback is about, and may name it: ?thu-tuc=<procedure>,
# ?ho-so=<dossier>, ?co-quan=<agency>.
SUBJECT_PARAMETERS = {
    "thu-tuc": (Subject.PROCEDURE, "procedure"),
    "ho-so": (Subject.DOSSIER, "dossier"),
    "co-quan": (Subject.AGENCY, "agency"),
}


def _initial(request: HttpRequest) -> dict:
    for parameter, (subject, field) in SUBJECT_PARAMETERS.items():
        if parameter in request.GET:
            return {"subject": subject, field: request.GET[parameter].strip()[:64]}
    return {"subject": Subject.PROCEDURE}


def _send_context(request: HttpRequest, form: FeedbackForm) -> dict:
    today = timezone.localdate()
    code = (form["procedure"].value() or "").strip()
    procedure = Procedure.objects.filter(code=code, published=True).first() if code else None
    text = request.GET.get("q", "").strip()[:100]
    return {
        "form": form,
        "subject": form["subject"].value(),
        "procedure": procedure,
        "procedure_agencies": (
            list(procedure.agencies.active_on(today).order_by("path")) if procedure else []
        ),
        "agencies": Agency.objects.active_on(today).order_by("path").only("code", "name"),
        "dossiers": queries.dossiers_of(request.user)[:100],
        "q": text,
        "found": search_procedures(CatalogQuery(text=text))[:SEARCH_ROWS] if text else [],
    }


@require_http_methods(["GET", "POST"])
def send(request: HttpRequest) -> HttpResponse:
    """Send feedback: choose what it is about (a procedure found by searching, one of one's
    dossiers, an agency), then write it."""
    if request.method == "GET":
        form = FeedbackForm(request.user, initial=_initial(request))
        return render(request, "feedback/send.html", _send_context(request, form))
    form = FeedbackForm(request.user, request.POST, request.FILES)
    if not form.is_valid():
        return render(request, "feedback/send.html", _send_context(request, form), status=400)
    try:
        feedback, key = services.submit(form.cleaned_data, request.user, client=client_ip(request))
    except services.TooMuchFeedback as refusal:
        form.add_error(None, refusal.message)
        return render(request, "feedback/send.html", _send_context(request, form), status=429)
    messages.success(request, _("Your feedback %(code)s has been sent.") % {"code": feedback.code})
    if key:
        return render(request, "feedback/sent.html", {"feedback": feedback, "key": key})
    return redirect("feedback:mine_detail", code=feedback.code)


# ---------------------------------------------------------------- the sender's own


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    return render(request, "feedback/mine.html", {"items": queries.of_author(request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def mine_detail(request: HttpRequest, code: str) -> HttpResponse:
    feedback = get_object_or_404(queries.of_author(request.user), code=code)
    return _own_page(request, feedback, "")


@require_http_methods(["GET", "POST"])
def follow(request: HttpRequest, code: str, key: str) -> HttpResponse:
    """The anonymous sender's page, opened with the key they were given."""
    feedback = Feedback.objects.select_related("agency", "procedure").filter(code=code).first()
    if feedback is None or not rules.holds_key(feedback, key):
        raise Http404
    return _own_page(request, feedback, key)


def _own_page(request: HttpRequest, feedback: Feedback, key: str) -> HttpResponse:
    """The sender's view: their text, the answer, and replying or rating when they may."""
    status = 200
    reply_form, rating_form = ActionForm(initial={"action": "reply"}), RatingForm()
    if request.method == "POST":
        action = request.POST.get("action", "")
        form = RatingForm(request.POST) if action == "rate" else ActionForm(request.POST)
        if form.is_valid():
            try:
                services.perform(
                    feedback,
                    action,
                    request.user,
                    text=form.cleaned_data.get("text", ""),
                    rating=form.cleaned_data.get("rating", ""),
                    key=key,
                )
            except rules.Refused as refusal:
                messages.error(request, refusal.reason)
            else:
                messages.success(request, _("Thank you: it has been recorded."))
            return redirect(request.path)
        status = 400
        reply_form, rating_form = (reply_form, form) if action == "rate" else (form, rating_form)
    context = {
        "feedback": feedback,
        "moves": {m.action for m in rules.allowed(feedback, request.user, key)},
        "reply_form": reply_form,
        "rating_form": rating_form,
    }
    return render(request, "feedback/own.html", context, status=status)


def dossier_panel(request: HttpRequest, dossier: Dossier) -> dict | None:
    """The applicant's dossier page: their feedback about it, and a link to send some."""
    return {"sent": queries.of_author(request.user).filter(dossier=dossier)}


# ---------------------------------------------------------------- officials


def _official(request: HttpRequest) -> None:
    if not request.user.is_authenticated or request.user.kind != AccountKind.OFFICIAL:
        raise PermissionDenied


@login_required
def handling(request: HttpRequest) -> HttpResponse:
    _official(request)
    tab = request.GET.get("tab", "")
    if tab not in TABS:
        tab = ""
    found = queries.readable_by_official(request.user).filter(**TABS[tab])
    found = found.order_by("-received_at") if tab == "closed" else found.order_by("answer_due")
    page = Paginator(found, PAGE_SIZE * 5).get_page(request.GET.get("page"))
    today = timezone.localdate()
    rows = [(feedback, rules.timeliness(feedback, today)) for feedback in page]
    context = {"page": page, "rows": rows, "tab": tab, "labels": rules.TIMELINESS_LABELS}
    return render(request, "feedback/handling.html", context)


@login_required
def handling_detail(request: HttpRequest, code: str) -> HttpResponse:
    _official(request)
    feedback = get_object_or_404(queries.readable_by_official(request.user), code=code)
    audit.log("feedback.view", feedback.code, request.user, chain=feedback.agency.code)
    return _handling_page(request, feedback)


def _handling_page(request, feedback: Feedback, forms=None, status=200) -> HttpResponse:
    allowed = {m.action: m for m in rules.allowed(feedback, request.user)}
    moves = [allowed[action] for action in rules.OFFICIAL_ACTIONS if action in allowed]
    forms = forms or {}
    context = {
        "feedback": feedback,
        "timeliness": rules.TIMELINESS_LABELS[rules.timeliness(feedback)],
        "actions": [
            (
                move,
                forms.get(move.action)
                or ActionForm(initial={"action": move.action}, auto_id=f"id_{move.action}_%s"),
            )
            for move in moves
        ],
    }
    return render(request, "feedback/handling_detail.html", context, status=status)


@login_required
@require_POST
def act(request: HttpRequest, code: str) -> HttpResponse:
    _official(request)
    feedback = get_object_or_404(queries.actionable_by(request.user), code=code)
    form = ActionForm(request.POST, auto_id=f"id_{request.POST.get('action', '')}_%s")
    if not form.is_valid():
        return _handling_page(request, feedback, {request.POST.get("action", ""): form}, status=400)
    try:
        services.perform(
            feedback, form.cleaned_data["action"], request.user, text=form.cleaned_data["text"]
        )
    except rules.Refused as refusal:
        messages.error(request, refusal.reason)
        return _handling_page(request, feedback, status=403 if refusal.forbidden else 409)
    messages.success(request, _("Recorded."))
    return redirect("feedback:handling_detail", code=code)


@login_required
@require_safe
def attachment(request: HttpRequest, code: str) -> FileResponse:
    _official(request)
    feedback = get_object_or_404(queries.readable_by_official(request.user), code=code)
    if not feedback.attachment:
        raise Http404
    audit.log("feedback.attachment", feedback.code, request.user, chain=feedback.agency.code)
    return FileResponse(
        feedback.attachment.open("rb"),
        as_attachment=True,
        filename=feedback.attachment_name,
        content_type=feedback.content_type,
    )

import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from motcua.catalog import fees
from motcua.catalog.formdef import PROFILE_ATTRIBUTES
from motcua.catalog.models import Level, Procedure
from motcua.core.net import client_ip
from motcua.dossiers import panels, receipts, results, services, workflow
from motcua.dossiers.forms import RatingForm, SubmissionForm, SupplementAnswerForm, WithdrawForm
from motcua.dossiers.models import ResultDocument, Status
from motcua.dossiers.queries import delivered_to, publicly_traceable, visible_to_applicant
from motcua.dossiers.submission import keep_accepted_files, save_submission
from motcua.dossiers.workflow import TransitionRefused


def _profile_initial(procedure: Procedure, user) -> dict:
    """Answers the applicant's profile already holds, to spare them typing: only for the fields
    the form's definition marks as the applicant's own (`"profile": "id_number"`)."""
    initial = {}
    for definition in procedure.form_fields:
        attribute = definition.get("profile")
        value = getattr(user, attribute, None) if attribute in PROFILE_ATTRIBUTES else None
        if value:
            initial[f"field_{definition['name']}"] = value
    return initial


@login_required
@require_http_methods(["GET", "POST"])
def apply(request, code: str):
    procedure = get_object_or_404(
        Procedure.objects.prefetch_related("agencies", "receiving_points", "documents", "fees"),
        code=code,
        published=True,
    )
    if not procedure.is_online:
        messages.info(request, _("This procedure cannot be submitted online yet."))
        return redirect("catalog:detail", code=code)
    mine = visible_to_applicant(request.user).filter(procedure=procedure)
    draft = mine.filter(status=Status.DRAFT).order_by("-updated_at").first()
    if request.method == "POST":
        token = request.POST.get("token", "")
        already = mine.filter(idempotency_key=token).exclude(status=Status.DRAFT).first()
        if already:  # a double click or a resent form: the dossier exists
            return redirect("dossiers:detail", code=already.code)
        return _save(request, procedure, draft)
    form = SubmissionForm(
        procedure,
        initial={
            "token": draft.idempotency_key if draft else uuid.uuid4().hex,
            **_profile_initial(procedure, request.user),
            **{f"field_{k}": v for k, v in (draft.form_data if draft else {}).items()},
            **({"agency": draft.agency.code} if draft and draft.agency else {}),
        },
        attached=_attached(draft),
        applicant=request.user,
    )
    return _render_apply(request, procedure, form, draft)


@login_required
@require_POST
def autosave(request, code: str):
    """Keep the answers typed so far (not the files) each time a field changes."""
    procedure = get_object_or_404(Procedure, code=code, published=True, level__gte=3)
    mine = visible_to_applicant(request.user).filter(procedure=procedure)
    token = request.POST.get("token", "")
    if mine.filter(idempotency_key=token).exclude(status=Status.DRAFT).exists():
        return HttpResponse("")
    form = SubmissionForm(procedure, request.POST, for_draft=True)
    saved = form.is_valid()
    if saved:
        try:
            save_submission(procedure, request.user, form, submitting=False)
        except ValidationError as error:
            form.add_error(None, error)
            saved = False
    context = {"saved": saved, "form": form, "procedure": procedure, "fees": _fees(procedure, form)}
    return render(request, "dossiers/_autosaved.html", context)


def _attached(draft) -> dict[int, str]:
    """The name of the file a draft keeps for each document, by the document's id."""
    if draft is None:
        return {}
    return dict(draft.attachments.values_list("document_id", "original_name"))


def _fees(procedure: Procedure, form: SubmissionForm) -> dict:
    """What the dossier will owe with the answers on the form so far."""
    source = form.data if form.is_bound else form.initial
    answers = {
        name.removeprefix("field_"): value
        for name, value in source.items()
        if name.startswith("field_")
    }
    lines = fees.fee_lines(procedure, answers)
    return {
        "lines": lines,
        "total": fees.amount_due(procedure, answers),
        "charged": any(line.unit_amount for line in lines),
    }


def _render_apply(request, procedure, form, draft, status=200):
    context = {
        "procedure": procedure,
        "form": form,
        "draft": draft,
        "fees": _fees(procedure, form),
    }
    return render(request, "dossiers/apply.html", context, status=status)


def _save(request, procedure, draft):
    submitting = "submit" in request.POST
    form = SubmissionForm(
        procedure,
        request.POST,
        request.FILES,
        for_draft=not submitting,
        attached=_attached(draft),
        applicant=request.user,
    )
    if not form.is_valid():
        draft = _keep_accepted_files(request, procedure, form) or draft
        return _render_apply(request, procedure, form, draft, status=400)
    try:
        dossier = save_submission(procedure, request.user, form, submitting)
    except ValidationError as error:
        form.add_error(None, error)
        return _render_apply(request, procedure, form, draft, status=400)
    if not submitting:
        messages.success(request, _("Your draft is saved; you can come back to it at any time."))
        return redirect("dossiers:apply", code=procedure.code)
    messages.success(request, _("Your dossier has been submitted."))
    return redirect("dossiers:detail", code=dossier.code)


def _keep_accepted_files(request, procedure, form):
    """The draft now holding the files the form accepted, shown as chosen; None if none."""
    try:
        draft = keep_accepted_files(procedure, request.user, form)
    except ValidationError as error:
        form.add_error(None, error)
        return None
    if draft is not None:
        form.attached = _attached(draft)
    return draft


@login_required
def my_dossiers(request):
    dossiers = visible_to_applicant(request.user).exclude(status=Status.DRAFT)
    drafts = visible_to_applicant(request.user).filter(status=Status.DRAFT)
    return render(request, "dossiers/list.html", {"dossiers": dossiers, "drafts": drafts})


@login_required
def detail(request, code: str):
    return detail_page(request, _own_dossier(request, code))


def detail_page(request, dossier, forms=None, status=200):
    """The applicant's view of a dossier, with the forms of what they may do now."""
    forms = forms or {}
    open_request = dossier.supplements.filter(answered_at=None).last()
    context = {
        "dossier": dossier,
        "open_request": open_request,
        "attachments": dossier.attachments.select_related("document", "supplement"),
        "can_withdraw": any(
            t.action == "withdraw" for t in workflow.allowed(dossier, request.user)
        ),
        "can_rate": dossier.status in workflow.RATABLE and not hasattr(dossier, "rating"),
        "supplement_form": forms.get("supplement") or SupplementAnswerForm(prefix="supplement"),
        "withdraw_form": forms.get("withdraw") or WithdrawForm(prefix="withdraw"),
        "rating_form": forms.get("rating") or RatingForm(prefix="rating"),
        "panels": panels.render_panels(request, dossier),
    }
    return render(request, "dossiers/detail.html", context, status=status)


def result_panel(request, dossier) -> dict | None:
    """The signed result on the applicant's page, when it is delivered online (level 4)."""
    if dossier.procedure.level < Level.PAYMENT:
        return None
    return {} if hasattr(dossier, "result") else None


def lookup(request):
    """Public tracing by dossier code: status and dates, never who or what."""
    code = request.GET.get("code", "").strip().upper()
    dossier = None
    if code:
        if _over_lookup_limit(request):
            context = {"code": code, "throttled": True}
            return render(request, "dossiers/lookup.html", context, status=429)
        dossier = publicly_traceable().filter(code=code).first()
    return render(request, "dossiers/lookup.html", {"code": code, "dossier": dossier})


def _over_lookup_limit(request) -> bool:
    """Count this address's lookups in the current minute; enumeration needs many."""
    key = f"lookup:{client_ip(request)}"
    cache.add(key, 0, timeout=60)
    return cache.incr(key) > settings.LOOKUPS_PER_MINUTE


def _own_dossier(request, code: str):
    return get_object_or_404(visible_to_applicant(request.user), code=code)


def _act(request, code: str, form, action):
    """Run `action(dossier, form)` for the applicant's own dossier; explain any refusal."""
    dossier = _own_dossier(request, code)
    if not form.is_valid():
        return detail_page(request, dossier, forms={form.prefix or "form": form}, status=400)
    try:
        action(dossier, form)
    except (TransitionRefused, ValidationError) as refusal:
        message = getattr(refusal, "reason", None) or " ".join(refusal.messages)
        messages.error(request, message)
        return redirect("dossiers:detail", code=code)
    return redirect("dossiers:detail", code=code)


@login_required
@require_POST
def answer_supplement(request, code: str):
    form = SupplementAnswerForm(request.POST, request.FILES, prefix="supplement")

    def answer(dossier, form):
        data = form.cleaned_data
        services.answer_supplement(dossier, request.user, data["files"], data["note"])
        messages.success(request, _("Your supplement has been handed in."))

    return _act(request, code, form, answer)


@login_required
@require_POST
def withdraw(request, code: str):
    form = WithdrawForm(request.POST, prefix="withdraw")

    def withdraw_it(dossier, form):
        services.withdraw(dossier, request.user, form.cleaned_data["reason"])
        messages.success(request, _("Your dossier has been withdrawn."))

    return _act(request, code, form, withdraw_it)


@login_required
@require_POST
def rate(request, code: str):
    form = RatingForm(request.POST, prefix="rating")

    def rate_it(dossier, form):
        data = form.cleaned_data
        services.rate(dossier, request.user, data["level"], data["comment"])
        messages.success(request, _("Thank you for your rating."))

    return _act(request, code, form, rate_it)


@login_required
@require_safe
def download_result(request, code: str):
    """The applicant's own signed result; reading it changes nothing."""
    dossier = get_object_or_404(delivered_to(request.user), code=code)
    document = get_object_or_404(ResultDocument, dossier=dossier)
    return results.download(document, request.user, "applicant")


@login_required
@require_POST
def receive_result(request, code: str):
    """The applicant receives a level-4 result online: the hand-over, then the file."""
    dossier = get_object_or_404(delivered_to(request.user), code=code)
    try:
        services.collect_online(dossier, request.user)
    except TransitionRefused as refusal:
        messages.error(request, refusal.reason)
        return redirect("dossiers:detail", code=code)
    return redirect("dossiers:result", code=code)


@login_required
@require_safe
def download_receipt(request, code: str):
    """The applicant's own receipt; a draft has none, since it was never received."""
    dossier = get_object_or_404(
        visible_to_applicant(request.user).exclude(status=Status.DRAFT), code=code
    )
    response = HttpResponse(
        receipts.receipt_pdf(dossier, receipts.lookup_url(request, dossier)),
        content_type="application/pdf",
    )
    response["Content-Disposition"] = f'inline; filename="giay-tiep-nhan-{dossier.code}.pdf"'
    return response


@require_safe
def verify(request, code: str):
    """The public proof that a result was issued: what, by which agency, when; nobody's data."""
    document = get_object_or_404(
        ResultDocument.objects.select_related("dossier__agency"), verification_code=code
    )
    return render(request, "dossiers/verify.html", {"document": document})

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from motcua.catalog.models import Procedure
from motcua.dossiers import services
from motcua.dossiers.forms import SubmissionForm
from motcua.dossiers.models import Status
from motcua.dossiers.queries import publicly_traceable, visible_to_applicant

LOOKUPS_PER_MINUTE = 20
PROFILE_BY_VALIDATOR = {"cccd": "id_number", "phone": "phone", "email": "email"}
PROFILE_BY_NAME = {"ho_ten": "full_name", "dia_chi": "address", "ma_so_thue": "tax_code"}


def _profile_initial(procedure: Procedure, user) -> dict:
    """Answers the applicant's profile already holds, to spare them typing."""
    initial = {}
    for definition in procedure.form_fields:
        attribute = PROFILE_BY_VALIDATOR.get(
            definition.get("validator", "")
        ) or PROFILE_BY_NAME.get(definition["name"])
        value = getattr(user, attribute, "") if attribute else ""
        if value:
            initial[f"field_{definition['name']}"] = value
    return initial


@login_required
@require_http_methods(["GET", "POST"])
def apply(request, code: str):
    procedure = get_object_or_404(
        Procedure.objects.prefetch_related("agencies", "documents"), code=code, published=True
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
    )
    return _render_apply(request, procedure, form, draft)


def _attached(draft) -> set[int]:
    return set(draft.attachments.values_list("document_id", flat=True)) if draft else set()


def _render_apply(request, procedure, form, draft, status=200):
    context = {"procedure": procedure, "form": form, "draft": draft}
    return render(request, "dossiers/apply.html", context, status=status)


def _save(request, procedure, draft):
    submitting = "submit" in request.POST
    form = SubmissionForm(
        procedure,
        request.POST,
        request.FILES,
        for_draft=not submitting,
        attached=_attached(draft),
    )
    if not form.is_valid():
        return _render_apply(request, procedure, form, draft, status=400)
    agencies = list(procedure.agencies.all())
    code = form.agency_code()
    agency = next(
        (a for a in agencies if a.code == code), agencies[0] if len(agencies) == 1 else None
    )
    dossier, _created = services.start_draft(
        procedure=procedure,
        agency=agency,
        applicant=request.user,
        form_data={},
        idempotency_key=form.cleaned_data["token"],
    )
    try:
        services.save_draft(dossier, form.answers(), agency, form.uploads())
        if submitting:
            dossier = services.submit(dossier, actor=request.user)
    except ValidationError as error:
        form.add_error(None, error)
        return _render_apply(request, procedure, form, dossier, status=400)
    if not submitting:
        messages.success(request, _("Your draft is saved; you can come back to it at any time."))
        return redirect("dossiers:apply", code=procedure.code)
    messages.success(request, _("Your dossier has been submitted."))
    return redirect("dossiers:detail", code=dossier.code)


@login_required
def my_dossiers(request):
    dossiers = visible_to_applicant(request.user).exclude(status=Status.DRAFT)
    drafts = visible_to_applicant(request.user).filter(status=Status.DRAFT)
    return render(request, "dossiers/list.html", {"dossiers": dossiers, "drafts": drafts})


@login_required
def detail(request, code: str):
    dossier = get_object_or_404(
        visible_to_applicant(request.user).prefetch_related("events", "attachments"), code=code
    )
    return render(request, "dossiers/detail.html", {"dossier": dossier})


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
    key = f"lookup:{request.META.get('REMOTE_ADDR', '')}"
    cache.add(key, 0, timeout=60)
    return cache.incr(key) > LOOKUPS_PER_MINUTE

"""The applicant's payment pages: start a payment, come back from the gateway, the e-receipt."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.views.decorators.http import require_POST, require_safe

from motcua.core.net import client_ip
from motcua.dossiers.models import Dossier
from motcua.dossiers.queries import visible_to_applicant
from motcua.dossiers.receipts import lookup_url
from motcua.payments import providers, services
from motcua.payments.models import Payment, PaymentStatus
from motcua.payments.providers import CallbackRefused, GatewayReport, PaymentProvider
from motcua.payments.receipts import receipt_pdf


def payments_of(user) -> QuerySet[Payment]:
    """The payments of the dossiers the applicant may open, and no others."""
    return Payment.objects.filter(dossier__in=visible_to_applicant(user)).select_related(
        "dossier", "dossier__procedure", "dossier__agency"
    )


def dossier_panel(request: HttpRequest, dossier: Dossier) -> dict | None:
    """The fees panel of the applicant's dossier page, for a dossier that owes something."""
    fees = services.summary(dossier)
    return {"fees": fees} if fees.amount else None


def _provider(key: str) -> PaymentProvider:
    try:
        return providers.get(key)
    except providers.UnknownProvider as exc:
        raise Http404 from exc


@login_required
@require_POST
def start(request: HttpRequest, code: str) -> HttpResponse:
    """Send the applicant to the gateway with their dossier's open payment."""
    dossier = get_object_or_404(visible_to_applicant(request.user), code=code)
    try:
        payment = services.start(dossier, request.user, client_ip(request))
    except services.PaymentRefused as refusal:
        messages.error(request, refusal.reason)
        return redirect("dossiers:detail", code=code)
    return_url = request.build_absolute_uri(reverse("payments:return", args=[payment.provider]))
    gateway = providers.get(payment.provider)
    return redirect(gateway.pay_url(payment, return_url, get_language()))


@login_required
@require_safe
def gateway_return(request: HttpRequest, provider: str) -> HttpResponse:
    """Where the gateway sends the payer back: it shows what the gateway said, changes nothing."""
    gateway = _provider(provider)
    try:
        report = gateway.read_return(request.GET.dict())
    except CallbackRefused:
        return render(request, "payments/payment.html", {"invalid": True}, status=400)
    payment = get_object_or_404(
        payments_of(request.user), provider=provider, reference=report.reference
    )
    return _payment_page(request, payment, gateway, report)


@login_required
@require_safe
def payment_page(request: HttpRequest, reference: str) -> HttpResponse:
    payment = get_object_or_404(payments_of(request.user), reference=reference)
    return _payment_page(request, payment)


def _payment_page(
    request: HttpRequest,
    payment: Payment,
    gateway: PaymentProvider | None = None,
    report: GatewayReport | None = None,
) -> HttpResponse:
    reported_paid = report is not None and report.status == PaymentStatus.PAID
    context = {
        "payment": payment,
        "dossier": payment.dossier,
        "awaiting": payment.status == PaymentStatus.PENDING,
        "reported_paid": reported_paid,
        "outcome": gateway.outcome_message(report.response_code) if gateway and report else "",
        "can_pay_again": payment.status in services.FAILURES
        and services.summary(payment.dossier).can_pay,
    }
    return render(request, "payments/payment.html", context)


@login_required
@require_safe
def receipt(request: HttpRequest, reference: str) -> HttpResponse:
    """The e-receipt of the applicant's paid payment."""
    payment = get_object_or_404(
        payments_of(request.user).filter(status=PaymentStatus.PAID), reference=reference
    )
    pdf = receipt_pdf(payment, lookup_url(request, payment.dossier))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="bien-lai-{payment.reference}.pdf"'
    return response

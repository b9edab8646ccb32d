"""The payment API: the gateway's IPN, and the applicant's payments for API clients."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import get_language
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from motcua.core.net import client_ip
from motcua.dossiers.models import Status
from motcua.dossiers.queries import visible_to, visible_to_applicant
from motcua.payments import providers, services
from motcua.payments.models import Payment


class PaymentSerializer(serializers.ModelSerializer):
    dossier = serializers.CharField(source="dossier.code")
    status_label = serializers.CharField(source="get_status_display")
    receipt_url = serializers.SerializerMethodField()

    class Meta:
        model = Payment
        fields = [
            "reference",
            "dossier",
            "provider",
            "amount",
            "status",
            "status_label",
            "created_at",
            "expires_at",
            "paid_at",
            "provider_transaction",
            "bank_code",
            "receipt_url",
        ]

    def get_receipt_url(self, payment: Payment) -> str | None:
        if payment.status != "paid":
            return None
        path = reverse("payments:receipt", args=[payment.reference])
        return self.context["request"].build_absolute_uri(path)


class StartedPaymentSerializer(PaymentSerializer):
    pay_url = serializers.SerializerMethodField(
        help_text="Open it in the payer's browser: the gateway's payment page."
    )

    class Meta(PaymentSerializer.Meta):
        fields = [*PaymentSerializer.Meta.fields, "pay_url"]

    def get_pay_url(self, payment: Payment) -> str:
        request = self.context["request"]
        return_url = request.build_absolute_uri(reverse("payments:return", args=[payment.provider]))
        return providers.get(payment.provider).pay_url(payment, return_url, get_language())


class StartRequest(serializers.Serializer):
    dossier = serializers.CharField(help_text="Code of the caller's dossier.")


class PaymentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The payments of the caller's dossiers (an official: of their agency's dossiers)."""

    serializer_class = PaymentSerializer
    permission_classes = [IsAuthenticated]
    lookup_field = "reference"

    def get_queryset(self):
        payments = Payment.objects.filter(dossier__in=visible_to(self.request.user))
        dossier = self.request.query_params.get("dossier")
        if dossier:
            payments = payments.filter(dossier__code=dossier)
        return payments.select_related("dossier")

    @extend_schema(
        summary="The caller's payments",
        parameters=[OpenApiParameter("dossier", OpenApiTypes.STR, description="A dossier code.")],
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(
        summary="Start paying a dossier's fees",
        request=StartRequest,
        responses={
            201: StartedPaymentSerializer,
            404: OpenApiResponse(description="No such dossier, or not the caller's."),
            409: OpenApiResponse(description="Nothing to pay online; `detail` says why."),
        },
    )
    def create(self, request):
        given = StartRequest(data=request.data)
        given.is_valid(raise_exception=True)
        dossier = get_object_or_404(
            visible_to_applicant(request.user).exclude(status=Status.DRAFT),
            code=given.validated_data["dossier"],
        )
        try:
            payment = services.start(dossier, request.user, client_ip(request))
        except services.PaymentRefused as refusal:
            return Response({"detail": refusal.reason}, status=status.HTTP_409_CONFLICT)
        data = StartedPaymentSerializer(payment, context={"request": request}).data
        return Response(data, status=status.HTTP_201_CREATED)


class IpnView(APIView):
    """The gateway's server-to-server notification (VNPay calls it with GET)."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    renderer_classes = [JSONRenderer]

    @extend_schema(
        summary="Payment notification from a gateway (IPN)",
        description=(
            "Called by the gateway, never by people. The signature, merchant, amount, "
            "currency and transaction are checked; a repeated notification changes nothing. "
            "VNPay answers: 00 confirmed, 01 order not found, 02 already confirmed, "
            "04 invalid amount, 97 invalid signature, 99 other."
        ),
        parameters=[
            OpenApiParameter(
                "vnp_*", OpenApiTypes.STR, description="The gateway's signed parameters."
            )
        ],
        responses={
            200: inline_serializer(
                "IpnAnswer",
                {"RspCode": serializers.CharField(), "Message": serializers.CharField()},
            ),
            404: OpenApiResponse(description="No gateway of this name is configured."),
        },
    )
    def get(self, request, provider: str):
        try:
            gateway = providers.get(provider)
        except providers.UnknownProvider as exc:
            raise NotFound from exc
        source_ip = client_ip(request)
        result = services.take_callback(gateway, request.query_params.dict(), source_ip)
        return Response(gateway.answer(result))

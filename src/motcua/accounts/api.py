"""API access: a bearer token in exchange for a username (or phone, or e-mail) and password."""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from motcua.accounts import two_factor
from motcua.accounts.authentication import issue_token
from motcua.core.net import ClientAddressThrottle


class TokenRequest(serializers.Serializer):
    username = serializers.CharField(max_length=254, help_text="Username, phone number or e-mail.")
    password = serializers.CharField(style={"input_type": "password"})
    otp = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="Officials: the code of their authenticator app (or a recovery code).",
    )


class TokenResponse(serializers.Serializer):
    token = serializers.CharField()
    token_type = serializers.CharField()
    expires_at = serializers.DateTimeField()


class LoginThrottle(ClientAddressThrottle):
    scope = "login"


class TokenView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [LoginThrottle]

    @extend_schema(
        summary="Get a bearer token",
        request=TokenRequest,
        responses={
            200: TokenResponse,
            400: OpenApiResponse(
                description="Wrong username or password, or an official's missing or wrong otp."
            ),
            429: OpenApiResponse(description="Too many attempts."),
        },
    )
    def post(self, request):
        given = TokenRequest(data=request.data)
        given.is_valid(raise_exception=True)
        credentials = dict(given.validated_data)
        code = credentials.pop("otp", "")
        user = authenticate(request, **credentials)
        if getattr(request, "axes_locked_out", False):
            raise exceptions.Throttled(
                detail=_("Too many failed logins: this account is locked for a while.")
            )
        if user is None:
            raise exceptions.ValidationError(
                {"detail": _("Wrong username or password, or the account is not confirmed.")}
            )
        try:
            two_factor.check_api_code(user, code)
        except two_factor.CodeRefused as refused:
            raise exceptions.ValidationError({"otp": [str(refused)]}) from refused
        key, expires = issue_token(user)
        body = {"token": key, "token_type": "Bearer", "expires_at": expires}
        return Response(TokenResponse(body).data, status=status.HTTP_200_OK)

"""API access: a bearer token in exchange for a username (or phone, or e-mail) and password."""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from motcua.accounts.authentication import issue_token
from motcua.core.net import ClientAddressThrottle


class TokenRequest(serializers.Serializer):
    username = serializers.CharField(help_text="Username, phone number or e-mail.")
    password = serializers.CharField(style={"input_type": "password"})


class TokenResponse(serializers.Serializer):
    token = serializers.CharField()
    token_type = serializers.CharField()
    expires_at = serializers.DateTimeField()


class LoginThrottle(ClientAddressThrottle):
    scope = "login"


class TokenView(APIView):
    authentication_classes: list = []
    permission_classes: list = []
    throttle_classes = [LoginThrottle]

    @extend_schema(
        summary="Get a bearer token",
        request=TokenRequest,
        responses={
            200: TokenResponse,
            400: OpenApiResponse(description="Wrong username or password."),
            429: OpenApiResponse(description="Too many attempts."),
        },
    )
    def post(self, request):
        given = TokenRequest(data=request.data)
        given.is_valid(raise_exception=True)
        user = authenticate(request, **given.validated_data)
        if getattr(request, "axes_locked_out", False):
            raise exceptions.Throttled(
                detail=_("Too many failed logins: this account is locked for a while.")
            )
        if user is None:
            raise exceptions.ValidationError(
                {"detail": _("Wrong username or password, or the account is not confirmed.")}
            )
        key, expires = issue_token(user)
        body = {"token": key, "token_type": "Bearer", "expires_at": expires}
        return Response(TokenResponse(body).data, status=status.HTTP_200_OK)

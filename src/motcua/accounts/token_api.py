"""API: ending bearer tokens, the caller's own (logout) or an official's (their administrator)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from motcua.accounts import services
from motcua.accounts.authentication import BearerAuthentication
from motcua.accounts.models import ApiToken, User


class LogoutView(APIView):
    authentication_classes = [BearerAuthentication]
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Revoke the bearer token of this request",
        request=None,
        responses={
            204: OpenApiResponse(description="The token no longer works."),
            401: OpenApiResponse(description="No valid bearer token."),
        },
    )
    def post(self, request):
        if isinstance(request.auth, ApiToken):
            request.auth.delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


class RevokeTokensView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Revoke every bearer token of an official",
        description=(
            "For system staff, and for the administrator of the official's agency. The"
            " revocation is written to the audit log."
        ),
        request=None,
        responses={
            200: inline_serializer("RevokedTokens", {"revoked": serializers.IntegerField()}),
            401: OpenApiResponse(description="Not logged in."),
            403: OpenApiResponse(description="The caller administers no account."),
            404: OpenApiResponse(description="No such account among those the caller administers."),
        },
    )
    def post(self, request, username: str):
        if not services.may_revoke_tokens_of_others(request.user):
            raise exceptions.PermissionDenied(
                _("You may not revoke the API tokens of this account.")
            )
        account = User.objects.filter(username=username).first()
        try:
            if account is None:
                raise PermissionDenied
            revoked = services.revoke_tokens(request.user, account)
        except PermissionDenied as refused:
            raise exceptions.NotFound(_("No such account among those you administer.")) from refused
        return Response({"revoked": revoked})

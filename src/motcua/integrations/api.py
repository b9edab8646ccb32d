"""The endpoint the national portal sends dossiers to, with the portal's own credential."""

from __future__ import annotations

import hmac

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from motcua.integrations import applicant_steps, feedback_intake, intake, portal

PORTAL_CREDENTIAL = "national-portal"


FILE_MISSING = OpenApiResponse(description="The national portal did not give a linked file.")


def portal_responses(answer, more: dict[int, OpenApiResponse] | None = None) -> dict:
    """What an endpoint the national portal hands things to answers: `answer` when it changed
    something (201) or had it before (200), the refusals every such endpoint shares, and
    `more` by status code."""
    return {
        201: answer,
        200: answer,
        400: OpenApiResponse(description="Bad input; the messages say what, in Vietnamese."),
        401: OpenApiResponse(description="Without the national portal's credential."),
        403: OpenApiResponse(description="Not the national portal."),
        **(more or {}),
    }


def _handed_over(answer_serializer, step, *args) -> Response:
    """The answer to what the portal hands over: 201 when it changed something here, 200 when
    it had been taken before, the refusal's status and messages otherwise."""
    try:
        taken = step(*args)
    except intake.IntakeRefused as refused:
        return Response(refused.errors, status=refused.status)
    answer = answer_serializer(taken.answer()).data
    return Response(answer, status=status.HTTP_201_CREATED if taken.created else 200)


class NationalPortalAuthentication(BaseAuthentication):
    """`Authorization: Bearer <NATIONAL_PORTAL_INBOUND_TOKEN>`, compared in constant time."""

    def authenticate(self, request):
        words = get_authorization_header(request).split()
        if not words or words[0].lower() != b"bearer":
            return None
        expected = portal.get().inbound_token.encode()
        if len(words) != 2 or not expected or not hmac.compare_digest(words[1], expected):
            raise AuthenticationFailed(_("This is not the national portal's credential."))
        return AnonymousUser(), PORTAL_CREDENTIAL

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="national-portal"'


class IsNationalPortal(BasePermission):
    message = _("Only the national portal sends dossiers here.")

    def has_permission(self, request, view) -> bool:
        return request.auth == PORTAL_CREDENTIAL


class NationalPortalScheme(OpenApiAuthenticationExtension):
    target_class = NationalPortalAuthentication
    name = "nationalPortalToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "The national portal's token (NATIONAL_PORTAL_INBOUND_TOKEN).",
        }


class IntakeView(APIView):
    authentication_classes = [NationalPortalAuthentication]
    permission_classes = [IsNationalPortal]

    @extend_schema(
        summary="National portal: hand over a dossier submitted there",
        description=(
            "The dossier is registered under its national code and waits at the receiving"
            " point's desk like one submitted on this portal. Sending the same dossier again"
            " creates nothing (200, `created` false). Files come inline (base64) or as links"
            " to the national portal."
        ),
        request=intake.NationalDossierSerializer,
        responses=portal_responses(
            intake.IntakeAnswerSerializer,
            {
                409: OpenApiResponse(description="A dossier registered here has this code."),
                502: FILE_MISSING,
            },
        ),
        tags=["national portal"],
    )
    def post(self, request):
        return _handed_over(intake.IntakeAnswerSerializer, intake.take, request.data)


class FeedbackIntakeView(APIView):
    authentication_classes = [NationalPortalAuthentication]
    permission_classes = [IsNationalPortal]

    @extend_schema(
        summary="National portal: hand over feedback sent there",
        description=(
            "The feedback is routed to the agency concerned (the dossier's deciding agency, the"
            " procedure's, or the agency named) and registered under our code; its changes go"
            " back to the portal in order. Sending the same feedback again creates nothing"
            " (200, `created` false)."
        ),
        request=feedback_intake.NationalFeedbackSerializer,
        responses=portal_responses(feedback_intake.FeedbackTakenSerializer),
        tags=["national portal"],
    )
    def post(self, request):
        return _handed_over(
            feedback_intake.FeedbackTakenSerializer, feedback_intake.take, request.data
        )


STEP_REFUSALS = {
    404: OpenApiResponse(description="No dossier taken in from the portal has this code."),
    409: OpenApiResponse(description="The workflow does not allow it now; the message says why."),
}


class SupplementAnswerView(APIView):
    authentication_classes = [NationalPortalAuthentication]
    permission_classes = [IsNationalPortal]

    @extend_schema(
        summary="National portal: the applicant's answer to a supplement request",
        description=(
            "For a dossier taken in from the portal and waiting for a supplement: the files"
            " (inline or by link) and the applicant's note. The dossier goes back to where it"
            " was, its clock on from where it stopped. Delivered again once taken: nothing"
            " changes (200, `created` false)."
        ),
        request=applicant_steps.SupplementAnswerSerializer,
        responses=portal_responses(
            intake.IntakeAnswerSerializer, {**STEP_REFUSALS, 502: FILE_MISSING}
        ),
        tags=["national portal"],
    )
    def post(self, request, code: str):
        return _handed_over(
            intake.IntakeAnswerSerializer, applicant_steps.answer_supplement, code, request.data
        )


class WithdrawalView(APIView):
    authentication_classes = [NationalPortalAuthentication]
    permission_classes = [IsNationalPortal]

    @extend_schema(
        summary="National portal: the applicant withdraws a dossier",
        description=(
            "For a dossier taken in from the portal and not decided yet. Delivered again once"
            " withdrawn: nothing changes (200, `created` false)."
        ),
        request=applicant_steps.WithdrawalSerializer,
        responses=portal_responses(intake.IntakeAnswerSerializer, STEP_REFUSALS),
        tags=["national portal"],
    )
    def post(self, request, code: str):
        return _handed_over(
            intake.IntakeAnswerSerializer, applicant_steps.withdraw, code, request.data
        )

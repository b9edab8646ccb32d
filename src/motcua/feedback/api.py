"""The feedback API: anyone sends feedback and reads the published answers; a signed-in
sender reads their own and rates the answer; officials list their agency's and act on it."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response

from motcua.core import audit
from motcua.core.net import client_ip
from motcua.dossiers.models import Satisfaction
from motcua.feedback import queries, rules, services
from motcua.feedback.forms import FeedbackForm
from motcua.feedback.models import Feedback, State, Subject
from motcua.feedback.public import published_view

NOT_FOUND = OpenApiResponse(description="No such feedback, or not the caller's.")
INVALID = OpenApiResponse(description="Bad input; each field says why, in Vietnamese.")
REFUSED = OpenApiResponse(
    description="403: the caller may not take this action; 409: not in this state or too late."
)


class PublishedFeedbackSerializer(serializers.Serializer):
    """An answer published with the sender's agreement: no name, contact or dossier."""

    code = serializers.CharField()
    subject = serializers.ChoiceField(Subject.choices)
    about = serializers.CharField(help_text="The procedure's name, or the agency's")
    agency = serializers.CharField(help_text="The agency that answered")
    agency_code = serializers.CharField()
    title = serializers.CharField()
    text = serializers.CharField()
    received_on = serializers.DateField()
    answer = serializers.CharField()
    answered_on = serializers.DateField()


class FeedbackSerializer(serializers.ModelSerializer):
    """A feedback as its sender, or an official of the agency concerned, reads it."""

    procedure = serializers.CharField(source="procedure.code", allow_null=True, default=None)
    dossier = serializers.CharField(source="dossier.code", allow_null=True, default=None)
    agency = serializers.CharField(source="agency.code")
    state_label = serializers.CharField(source="get_state_display")
    timeliness = serializers.SerializerMethodField()

    class Meta:
        model = Feedback
        fields = [
            "code",
            "subject",
            "procedure",
            "dossier",
            "agency",
            "title",
            "text",
            "publish_consent",
            "state",
            "state_label",
            "timeliness",
            "received_on",
            "answer_due",
            "question",
            "reply",
            "answer",
            "refusal_reason",
            "closed_on",
            "rating",
        ]

    def get_timeliness(self, feedback: Feedback) -> str:
        """on_time, late, within_time, overdue or waiting (for the sender's reply)."""
        return rules.timeliness(feedback)


class OfficialFeedbackSerializer(FeedbackSerializer):
    class Meta(FeedbackSerializer.Meta):
        fields = [*FeedbackSerializer.Meta.fields, "name", "phone", "email", "refuse_by", "ask_by"]


class SentFeedbackSerializer(FeedbackSerializer):
    follow_url = serializers.SerializerMethodField(
        help_text="Anonymous senders only: the private page of the answer; keep it."
    )

    class Meta(FeedbackSerializer.Meta):
        fields = [*FeedbackSerializer.Meta.fields, "follow_url"]

    def get_follow_url(self, feedback: Feedback) -> str | None:
        key = self.context.get("key")
        if not key:
            return None
        path = reverse("feedback:follow", args=[feedback.code, key])
        return self.context["request"].build_absolute_uri(path)


class FeedbackSubmitRequest(serializers.Serializer):
    subject = serializers.ChoiceField(Subject.choices)
    procedure = serializers.CharField(
        required=False, help_text="Procedure code (subject procedure)."
    )
    dossier = serializers.CharField(
        required=False, help_text="Code of one of the caller's dossiers (subject dossier)."
    )
    agency = serializers.CharField(
        required=False,
        help_text="Agency code: the agency (subject agency), or which of the procedure's.",
    )
    title = serializers.CharField(max_length=200)
    text = serializers.CharField(max_length=5000)
    name = serializers.CharField(required=False, help_text="Anonymous senders: their name.")
    phone = serializers.CharField(required=False, help_text="Anonymous: a mobile number…")
    email = serializers.EmailField(required=False, help_text="…or an e-mail address.")
    publish_consent = serializers.BooleanField(required=False, default=False)
    attachment = serializers.FileField(required=False, help_text="PDF, JPEG or PNG (multipart).")


ACTIONS = [*rules.OFFICIAL_ACTIONS, "reply"]


class FeedbackActionRequest(serializers.Serializer):
    # A string, not a choice: the schema's ActionEnum is the dossiers' transitions.
    action = serializers.CharField(help_text=f"One of: {', '.join(ACTIONS)}.")

    def validate_action(self, value: str) -> str:
        if value not in ACTIONS:
            raise serializers.ValidationError(_("Unknown action %(action)s.") % {"action": value})
        return value

    text = serializers.CharField(help_text="The answer, the reason, the question or the reply.")


class FeedbackRatingRequest(serializers.Serializer):
    rating = serializers.ChoiceField(Satisfaction.choices)


def _object(request) -> dict:
    """The request's body, which must be an object (not a JSON list or a bare value)."""
    if not isinstance(request.data, dict):
        raise ValidationError({"detail": [_("Send the feedback as a JSON object.")]})
    return request.data


def _refused(refusal: rules.Refused) -> Response:
    code = status.HTTP_403_FORBIDDEN if refusal.forbidden else status.HTTP_409_CONFLICT
    return Response({"detail": refusal.reason}, status=code)


class FeedbackViewSet(viewsets.GenericViewSet):
    """Published answers and sending feedback are public; the rest needs an account."""

    lookup_field = "code"
    lookup_value_regex = "[^/]+"
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    serializer_class = PublishedFeedbackSerializer
    # Each action below names its own: they all need an account.
    permission_classes = [AllowAny]

    @extend_schema(
        summary="Published answers to feedback", responses=PublishedFeedbackSerializer(many=True)
    )
    def list(self, request):
        page = self.paginate_queryset(queries.published())
        return self.get_paginated_response([published_view(f) for f in page])

    @extend_schema(
        summary="One published answer", responses={200: PublishedFeedbackSerializer, 404: NOT_FOUND}
    )
    def retrieve(self, request, code=None):
        return Response(published_view(get_object_or_404(queries.published(), code=code)))

    @extend_schema(
        summary="Send feedback about a procedure, one of one's dossiers or an agency",
        description=(
            "Anonymous senders give a name and a phone number or an e-mail address, and get a"
            " private `follow_url` to read the answer. It is routed to the dossier's deciding"
            " agency, the procedure's, or the agency given, and answered within 15 working days."
        ),
        request={
            "application/json": FeedbackSubmitRequest,
            "multipart/form-data": FeedbackSubmitRequest,
        },
        responses={
            201: SentFeedbackSerializer,
            400: INVALID,
            429: OpenApiResponse(description="Too much feedback from this address or sender."),
        },
    )
    def create(self, request):
        form = FeedbackForm(request.user, _object(request), request.FILES)
        if not form.is_valid():
            raise ValidationError({f: list(errors) for f, errors in form.errors.items()})
        try:
            feedback, key = services.submit(
                form.cleaned_data, request.user, client=client_ip(request)
            )
        except services.TooMuchFeedback as refusal:
            return Response({"detail": refusal.message}, status=429)
        context = {"request": request, "key": key}
        return Response(SentFeedbackSerializer(feedback, context=context).data, status=201)

    @extend_schema(summary="The caller's own feedback", responses=FeedbackSerializer(many=True))
    @action(detail=False, methods=["get"], permission_classes=[IsAuthenticated])
    def mine(self, request):
        page = self.paginate_queryset(queries.of_author(request.user).select_related("dossier"))
        return self.get_paginated_response(FeedbackSerializer(page, many=True).data)

    @extend_schema(
        summary="Feedback to handle: the official's agency's (a supervisor's: their subtree's)",
        parameters=[
            OpenApiParameter("state", OpenApiTypes.STR, enum=State.values, description="A state.")
        ],
        responses=OfficialFeedbackSerializer(many=True),
    )
    @action(detail=False, methods=["get"], permission_classes=[IsAuthenticated])
    def handling(self, request):
        found = queries.readable_by_official(request.user).select_related("dossier")
        state = request.query_params.get("state", "")
        if state:
            found = found.filter(state=state)
        page = self.paginate_queryset(found.order_by("answer_due", "pk"))
        codes = [f.code for f in page]
        if codes:
            chain = request.user.agency.code if request.user.agency_id else ""
            audit.log("feedback.list", "feedback", request.user, chain=chain, codes=codes)
        return self.get_paginated_response(OfficialFeedbackSerializer(page, many=True).data)

    @extend_schema(
        summary="Answer, refuse or ask for more information (officials); reply (the sender)",
        request=FeedbackActionRequest,
        responses={
            200: FeedbackSerializer,
            400: INVALID,
            403: REFUSED,
            404: NOT_FOUND,
            409: REFUSED,
        },
    )
    @action(detail=True, methods=["post"], url_path="actions", permission_classes=[IsAuthenticated])
    def act(self, request, code=None):
        given = FeedbackActionRequest(data=_object(request))
        given.is_valid(raise_exception=True)
        return self._perform(
            request, code, given.validated_data["action"], text=given.validated_data["text"]
        )

    @extend_schema(
        summary="Rate the answer to one's feedback",
        request=FeedbackRatingRequest,
        responses={200: FeedbackSerializer, 400: INVALID, 404: NOT_FOUND, 409: REFUSED},
    )
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def rating(self, request, code=None):
        given = FeedbackRatingRequest(data=_object(request))
        given.is_valid(raise_exception=True)
        return self._perform(request, code, "rate", rating=given.validated_data["rating"])

    def _perform(self, request, code: str, action_name: str, **given) -> Response:
        """The feedback the caller sent or may act on; others are not found."""
        mine = queries.of_author(request.user).filter(code=code)
        feedback = mine.first() or get_object_or_404(queries.actionable_by(request.user), code=code)
        try:
            done = services.perform(feedback, action_name, request.user, **given)
        except rules.Refused as refusal:
            return _refused(refusal)
        return Response(FeedbackSerializer(done).data)

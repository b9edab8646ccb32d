"""The citizen's journey for API clients: mobile apps, kiosks, the national portal."""

from __future__ import annotations

import json
import uuid

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from motcua.accounts.models import AccountKind, User
from motcua.agencies.models import Agency
from motcua.catalog.models import Procedure
from motcua.core.api import CappedCountPagination
from motcua.core.net import ClientAddressThrottle
from motcua.dossiers import reads, services
from motcua.dossiers.forms import SubmissionForm, SupplementAnswerForm
from motcua.dossiers.models import Delivery, Dossier, Event, Satisfaction, Status
from motcua.dossiers.queries import (
    actionable_by,
    consultations_for,
    publicly_traceable,
    visible_to,
)
from motcua.dossiers.submission import save_submission
from motcua.dossiers.workflow import OFFICIAL_ACTIONS, TransitionRefused

REFUSED = OpenApiResponse(description="The action is not allowed in the dossier's state.")
NOT_FOUND = OpenApiResponse(description="No such dossier, or not the caller's.")
INVALID = OpenApiResponse(description="Bad input; each field says why.")


class EventSerializer(serializers.ModelSerializer):
    status = serializers.CharField(source="to_status")
    status_label = serializers.CharField(source="get_to_status_display")

    class Meta:
        model = Event
        fields = ["at", "status", "status_label", "note"]


class DossierSerializer(serializers.ModelSerializer):
    procedure = serializers.CharField(source="procedure.code")
    procedure_name = serializers.CharField(source="procedure.name")
    agency = serializers.CharField(
        source="agency.code", allow_null=True, help_text="Code of the receiving point."
    )
    decider = serializers.CharField(
        source="decider.code", allow_null=True, help_text="Code of the deciding agency."
    )
    status_label = serializers.CharField(source="get_status_display")
    documents = serializers.SerializerMethodField()
    supplement_request = serializers.SerializerMethodField()
    findings = serializers.SerializerMethodField(
        help_text=(
            "Officials only (null for the applicant): the specialist's findings by field name,"
            " which the result will state."
        )
    )
    history = EventSerializer(source="events", many=True)

    class Meta:
        model = Dossier
        fields = [
            "code",
            "procedure",
            "procedure_name",
            "agency",
            "decider",
            "transferred_at",
            "channel",
            "status",
            "status_label",
            "submitted_at",
            "due_date",
            "identity_verified",
            "form_data",
            "findings",
            "documents",
            "supplement_request",
            "history",
        ]

    def get_documents(self, dossier) -> list[dict]:
        return [
            {
                "name": a.document.name if a.document else a.original_name,
                "file_name": a.original_name,
                "on_paper": a.on_paper,
                "content_type": a.content_type,
                "size": a.size,
            }
            for a in dossier.attachments.all()
        ]

    def get_findings(self, dossier) -> dict | None:
        reader = self.context["request"].user
        return dossier.findings if reader.kind == AccountKind.OFFICIAL else None

    def get_supplement_request(self, dossier) -> dict | None:
        open_request = next((r for r in dossier.supplements.all() if r.answered_at is None), None)
        if open_request is None:
            return None
        return {"items": open_request.items, "note": open_request.note}


class LookupSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display")

    class Meta:
        model = Dossier
        fields = ["code", "status", "status_label", "submitted_at", "due_date"]


class SubmissionRequest(serializers.Serializer):
    procedure = serializers.CharField(help_text="Procedure code, e.g. 1.000894.")
    agency = serializers.CharField(required=False, help_text="Code of the receiving agency.")
    fields = serializers.JSONField(
        required=False, help_text="The form answers by field name (a JSON object)."
    )
    document_ID = serializers.FileField(
        required=False, help_text="One file per required document: document_<its id>."
    )


SUBMISSION_EXAMPLE = OpenApiExample(
    "A marriage registration",
    summary="Form answers as JSON, one file per document",
    description=(
        "The procedure's documents and their ids come from GET /api/v1/procedures/{code} "
        "(documents[].id); each file goes in the multipart field document_<id>, here "
        "document_12 for the document whose id is 12."
    ),
    value={
        "procedure": "1.000894",
        "agency": "000.01.31.H57",
        "fields": '{"ho_ten": "Trần Văn Bình", "cccd_vo": "046190001234"}',
        "document_12": "(the file to-khai.pdf, application/pdf)",
    },
    request_only=True,
    media_type="multipart/form-data",
)


class WithdrawRequest(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=500)


class SupplementRequest(serializers.Serializer):
    files = serializers.ListField(child=serializers.FileField(), required=False)
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class RatingRequest(serializers.Serializer):
    level = serializers.ChoiceField(Satisfaction.choices)
    comment = serializers.CharField(required=False, allow_blank=True, max_length=2000)


def _refused(refusal: TransitionRefused) -> Response:
    code = status.HTTP_403_FORBIDDEN if refusal.forbidden else status.HTTP_409_CONFLICT
    return Response({"detail": refusal.reason}, status=code)


class TransitionRequest(serializers.Serializer):
    action = serializers.ChoiceField(sorted({*OFFICIAL_ACTIONS, "give_opinion"}))
    comment = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    assignee = serializers.CharField(required=False, help_text="Username of the specialist.")
    items = serializers.ListField(
        child=serializers.CharField(max_length=500), required=False, help_text="What is missing."
    )
    agency = serializers.CharField(
        required=False, help_text="Code of the agency whose opinion is asked (consult)."
    )
    delivery = serializers.ChoiceField(
        [Delivery.DESK, Delivery.POST],
        required=False,
        help_text="How the result was handed over (return_result).",
    )
    result_file = serializers.FileField(
        required=False, help_text="A result prepared outside, as a PDF (approve; multipart)."
    )
    findings = serializers.JSONField(
        required=False,
        help_text=(
            "send_for_review: the specialist's findings by field name (a JSON object; in"
            " multipart, its text), for the procedure's fields marked official (e.g. the"
            " judicial record's criminal record); dates as YYYY-MM-DD."
        ),
    )


class DossierViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The caller's own dossiers; any other dossier answers 404."""

    serializer_class = DossierSerializer
    permission_classes = [IsAuthenticated]
    pagination_class = CappedCountPagination
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    lookup_field = "code"
    lookup_value_regex = "[^/]+"

    def get_queryset(self):
        return (
            visible_to(self.request.user)
            .exclude(status=Status.DRAFT)
            .select_related("decider")
            .prefetch_related("attachments__document", "events", Prefetch("supplements"))
        )

    def list(self, request, *args, **kwargs):
        """A page of the caller's dossiers; an official's page read is audited."""
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        number = request.query_params.get("page", "1")[:10]
        reads.log_page(request.user, page, "dossier.list", door="api", page=number)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        """One of the caller's dossiers; an official's read is audited."""
        dossier = self.get_object()
        reads.log_read(request.user, dossier, door="api")
        return Response(self.get_serializer(dossier).data)

    @extend_schema(
        summary="Submit a dossier online",
        request={"multipart/form-data": SubmissionRequest, "application/json": SubmissionRequest},
        examples=[SUBMISSION_EXAMPLE],
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                description="Sent again with a retried request, it returns the same dossier.",
            )
        ],
        responses={
            201: DossierSerializer,
            200: OpenApiResponse(DossierSerializer, description="Replay of an earlier request."),
            400: INVALID,
            404: OpenApiResponse(description="No published online procedure with this code."),
        },
    )
    def create(self, request):
        if not isinstance(request.data, dict):  # a JSON list or a bare value
            raise ApiValidationError({"detail": [_("Send the dossier as a JSON object.")]})
        procedure = get_object_or_404(
            Procedure.objects.filter(published=True, level__gte=3),
            code=request.data.get("procedure"),
        )
        key = request.headers.get("Idempotency-Key", "")[:64] or uuid.uuid4().hex
        earlier = self.get_queryset().filter(idempotency_key=key).first()
        if earlier:
            return Response(self.get_serializer(earlier).data, status=status.HTTP_200_OK)
        form = SubmissionForm(procedure, _form_data(request.data, key), request.FILES)
        if not form.is_valid():
            raise ApiValidationError(form.errors.get_json_data())
        try:
            dossier = save_submission(procedure, request.user, form, submitting=True)
        except ValidationError as error:
            raise ApiValidationError({"detail": error.messages}) from error
        dossier = self.get_queryset().get(pk=dossier.pk)
        return Response(self.get_serializer(dossier).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Withdraw a dossier not yet decided",
        request=WithdrawRequest,
        responses={200: DossierSerializer, 404: NOT_FOUND, 409: REFUSED},
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request, code=None):
        given = WithdrawRequest(data=request.data)
        given.is_valid(raise_exception=True)
        try:
            services.withdraw(
                self.get_object(), request.user, given.validated_data.get("reason", "")
            )
        except TransitionRefused as refusal:
            return _refused(refusal)
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(
        summary="Hand in what a supplement request asks for",
        request={"multipart/form-data": SupplementRequest},
        responses={200: DossierSerializer, 400: INVALID, 404: NOT_FOUND, 409: REFUSED},
    )
    @action(detail=True, methods=["post"])
    def supplement(self, request, code=None):
        dossier = self.get_object()
        form = SupplementAnswerForm(request.data, request.FILES)
        if not form.is_valid():
            raise ApiValidationError(form.errors.get_json_data())
        try:
            services.answer_supplement(
                dossier, request.user, form.cleaned_data["files"], form.cleaned_data["note"]
            )
        except TransitionRefused as refusal:
            return _refused(refusal)
        except ValidationError as error:
            raise ApiValidationError({"detail": error.messages}) from error
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(
        summary="An official's action on a dossier of their agency",
        request=TransitionRequest,
        responses={
            200: DossierSerializer,
            400: INVALID,
            403: OpenApiResponse(description="The caller's role may not take this action."),
            404: NOT_FOUND,
            409: REFUSED,
        },
    )
    @action(detail=True, methods=["post"])
    def transitions(self, request, code=None):
        given = TransitionRequest(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        if data["action"] == "give_opinion":
            return _give_opinion(request.user, code, data.get("comment", ""))
        readable = self.get_object()
        if not actionable_by(request.user).filter(pk=readable.pk).exists():
            return Response(
                {"detail": _("You may read this dossier but not act on it.")},
                status=status.HTTP_403_FORBIDDEN,
            )
        assignee = None
        if data.get("assignee"):
            assignee = User.objects.filter(username=data["assignee"]).first()
        try:
            services.perform(
                readable,
                data["action"],
                request.user,
                reason=data.get("comment", ""),
                assignee=assignee,
                items=data.get("items", []),
                agency=Agency.objects.filter(code=data.get("agency", "")).first(),
                delivery=data.get("delivery", ""),
                result_file=data.get("result_file"),
                findings=_json_object(data.get("findings"), "findings"),
            )
        except TransitionRefused as refusal:
            return _refused(refusal)
        except ValidationError as error:
            raise ApiValidationError({"detail": error.messages}) from error
        return Response(self.get_serializer(self.get_queryset().get(pk=readable.pk)).data)

    @extend_schema(summary="The dossier's history", responses={200: EventSerializer(many=True)})
    @action(detail=True, methods=["get"])
    def history(self, request, code=None):
        dossier = self.get_object()
        reads.log_read(request.user, dossier, "dossier.history", door="api")
        events = dossier.events.select_related("actor").order_by("at", "pk")
        page = self.paginate_queryset(events)
        return self.get_paginated_response(EventSerializer(page, many=True).data)

    @extend_schema(
        summary="Rate the service once the result is out",
        request=RatingRequest,
        responses={201: RatingRequest, 400: INVALID, 404: NOT_FOUND, 409: REFUSED},
    )
    @action(detail=True, methods=["post"])
    def rating(self, request, code=None):
        given = RatingRequest(data=request.data)
        given.is_valid(raise_exception=True)
        try:
            services.rate(self.get_object(), request.user, **given.validated_data)
        except TransitionRefused as refusal:
            return _refused(refusal)
        return Response(given.data, status=status.HTTP_201_CREATED)


def _give_opinion(user, code: str, opinion: str) -> Response:
    """The consulted agency's answer; it sees the request, not the rest of the dossier."""
    asked = consultations_for(user).filter(dossier__code=code).first()
    if asked is None:
        raise NotFound
    try:
        dossier = services.give_opinion(asked, user, opinion)
    except TransitionRefused as refusal:
        return _refused(refusal)
    except ValidationError as error:
        raise ApiValidationError({"detail": error.messages}) from error
    return Response({"code": dossier.code, "status": dossier.status})


def _json_object(value, name: str) -> dict:
    """A JSON object given as such (a JSON body) or as its text (multipart); {} when absent."""
    if value is None or value == "":
        return {}
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError as error:
            raise ApiValidationError({name: [_("Must be a JSON object.")]}) from error
    if not isinstance(value, dict):
        raise ApiValidationError({name: [_("Must be a JSON object.")]})
    return value


def _form_data(data, key: str) -> dict:
    """The submission form's fields from an API body (JSON, or multipart with `fields` as JSON)."""
    answers = _json_object(data.get("fields"), "fields")
    form_data = {f"field_{name}": value for name, value in answers.items()}
    return {**form_data, "token": key, "agency": data.get("agency", "")}


class LookupThrottle(ClientAddressThrottle):
    scope = "lookup"


class LookupView(APIView):
    """Public tracing by code: status and dates, never who or what."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [LookupThrottle]

    @extend_schema(
        summary="Trace a dossier by its code",
        responses={
            200: LookupSerializer,
            404: NOT_FOUND,
            429: OpenApiResponse(description="Too many lookups."),
        },
    )
    def get(self, request, code: str):
        dossier = get_object_or_404(publicly_traceable(), code=code.upper())
        return Response(LookupSerializer(dossier).data)

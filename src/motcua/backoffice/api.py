from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import generics, serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from motcua.backoffice import inbox
from motcua.dossiers import reads
from motcua.dossiers.api import LookupSerializer


class InboxItemSerializer(LookupSerializer):
    """Procedure and agency by their codes, as in the dossier's own representation."""

    procedure = serializers.CharField(source="procedure.code")
    agency = serializers.CharField(source="agency.code", allow_null=True)

    class Meta(LookupSerializer.Meta):
        fields = [
            *LookupSerializer.Meta.fields,
            "procedure",
            "agency",
            "channel",
            "applicant_name",
        ]


@extend_schema(
    summary="The caller's work: one tab of their open dossiers, or a search of all they may read",
    parameters=[
        OpenApiParameter(
            "tab",
            OpenApiTypes.STR,
            enum=[key for key in inbox.TAB_KEYS if key != inbox.CONSULTATIONS],
            description="A tab of GET /api/v1/inbox/tabs; every open dossier without one.",
        ),
        OpenApiParameter(
            "q", OpenApiTypes.STR, description="Dossier code, applicant's name, CCCD or phone."
        ),
        OpenApiParameter("sort", OpenApiTypes.STR, enum=list(inbox.SORTS)),
        OpenApiParameter("status", OpenApiTypes.STR, description="Only dossiers in this status."),
        OpenApiParameter(
            "due", OpenApiTypes.STR, enum=list(inbox.DUE_FILTERS), description="Same as tab."
        ),
    ],
)
class InboxView(generics.ListAPIView):
    serializer_class = InboxItemSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        params, user = self.request.query_params, self.request.user
        text = params.get("q", "")
        if text.strip():
            work = inbox.sorted_work(inbox.search(user, text), "received")
        else:
            tab = params.get("tab") or params.get("due") or "all"
            work = inbox.sorted_work(inbox.tab_dossiers(user, tab), params.get("sort", ""))
        if params.get("status"):
            work = work.filter(status=params["status"])
        return work.select_related("procedure", "agency")

    def list(self, request, *args, **kwargs):
        """A page of the caller's work; each page read is audited, naming its dossiers."""
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        number = request.query_params.get("page", "1")[:10]
        reads.log_page(request.user, page, "dossier.inbox", door="api", page=number)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


@extend_schema(
    summary="The caller's inbox tabs and how many dossiers each holds (capped: 99+)",
    responses=inline_serializer(
        "InboxTab",
        {
            "key": serializers.CharField(),
            "label": serializers.CharField(),
            "count": serializers.CharField(help_text="A number, or 99+ past the cap."),
        },
        many=True,
    ),
)
class InboxTabsView(APIView):
    permission_classes = [IsAuthenticated]

    def get(self, request):
        counted = inbox.counts(request.user)
        return Response(
            [
                {"key": tab.key, "label": str(tab.label), "count": counted[tab.key]}
                for tab in inbox.tabs_for(request.user)
            ]
        )

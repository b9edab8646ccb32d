from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.permissions import IsAuthenticated

from motcua.backoffice.inbox import DUE_FILTERS, open_work
from motcua.dossiers import reads
from motcua.dossiers.api import LookupSerializer
from motcua.dossiers.queries import readable_by_official


class InboxItemSerializer(LookupSerializer):
    """Procedure and agency by their codes, as in the dossier's own representation."""

    procedure = serializers.CharField(source="procedure.code")
    agency = serializers.CharField(source="agency.code", allow_null=True)

    class Meta(LookupSerializer.Meta):
        fields = [*LookupSerializer.Meta.fields, "procedure", "agency", "channel"]


@extend_schema(
    summary="The caller's work: open dossiers of their agency (or subtree, for supervisors)",
    parameters=[
        OpenApiParameter("status", OpenApiTypes.STR),
        OpenApiParameter("due", OpenApiTypes.STR, enum=list(DUE_FILTERS)),
    ],
)
class InboxView(generics.ListAPIView):
    serializer_class = InboxItemSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        params = self.request.query_params
        work = open_work(
            readable_by_official(self.request.user), params.get("status", ""), params.get("due", "")
        )
        return work.select_related("procedure", "agency")

    def list(self, request, *args, **kwargs):
        """A page of the caller's work; each page read is audited, naming its dossiers."""
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        number = request.query_params.get("page", "1")[:10]
        reads.log_page(request.user, page, "dossier.inbox", door="api", page=number)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

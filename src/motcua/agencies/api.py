from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.permissions import AllowAny

from motcua.agencies.models import Agency, Tier, canonical_code
from motcua.core.text import fold


class AgencySerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    successors = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    tier_label = serializers.CharField(source="get_tier_display", read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Agency
        fields = [
            "code",
            "name",
            "short_name",
            "tier",
            "tier_label",
            "kind",
            "kind_label",
            "parent",
            "has_one_stop_desk",
            "address",
            "valid_from",
            "valid_to",
            "successors",
        ]


@extend_schema_view(
    list=extend_schema(
        summary="Agencies",
        parameters=[
            OpenApiParameter("q", OpenApiTypes.STR, description="Words of the name or code."),
            OpenApiParameter("tier", OpenApiTypes.STR, enum=Tier.values),
            OpenApiParameter("parent", OpenApiTypes.STR, description="Code of the parent agency."),
            OpenApiParameter(
                "on",
                OpenApiTypes.DATE,
                description="Only agencies in operation on this day; `all` for every agency "
                "that ever existed. Default: today.",
            ),
        ],
    ),
    retrieve=extend_schema(summary="One agency by its code"),
)
class AgencyViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [AllowAny]
    serializer_class = AgencySerializer
    lookup_field = "code"
    lookup_value_regex = "[^/]+"

    def get_queryset(self):
        agencies = Agency.objects.select_related("parent").prefetch_related("successors")
        if self.action != "list":
            return agencies
        params = self.request.query_params
        day = params.get("on", "")
        if day != "all":
            agencies = agencies.active_on(
                serializers.DateField().to_internal_value(day) if day else timezone.localdate()
            )
        if params.get("tier"):
            agencies = agencies.filter(tier=params["tier"])
        if params.get("parent"):
            agencies = agencies.filter(parent__code=canonical_code(params["parent"]))
        for word in fold(params.get("q", "")).split():
            agencies = agencies.filter(search_text__contains=f" {word}")
        return agencies

    def get_object(self):
        self.kwargs["code"] = canonical_code(self.kwargs["code"])
        return super().get_object()

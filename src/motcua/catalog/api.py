from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.permissions import AllowAny

from motcua.agencies.models import Tier
from motcua.catalog.models import Fee, Procedure, RequiredDocument, Sector
from motcua.catalog.services import CatalogQuery, Charged, search_procedures


class SectorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Sector
        fields = ["code", "name"]


class FeeSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Fee
        fields = ["kind", "kind_label", "description", "amount", "per_field"]


class RequiredDocumentSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(
        read_only=True,
        help_text="A submission (POST /api/v1/dossiers) sends this document's file as "
        "the multipart field document_<id>.",
    )
    template_url = serializers.SerializerMethodField()

    class Meta:
        model = RequiredDocument
        fields = ["id", "name", "originals", "copies", "mandatory", "template_url"]

    def get_template_url(self, document: RequiredDocument) -> str | None:
        if not document.template:
            return None
        return self.context["request"].build_absolute_uri(document.template.url)


class ProcedureSummarySerializer(serializers.ModelSerializer):
    sector = SectorSerializer(read_only=True)
    tiers = serializers.ListField(source="tier_codes", child=serializers.CharField())
    level_label = serializers.CharField(source="get_level_display", read_only=True)
    online_mode_label = serializers.CharField(source="get_online_mode_display", read_only=True)
    total_fee = serializers.IntegerField(
        source="fee_total",
        read_only=True,
        help_text="The fee lines added up, in VND (a line per copy counted once); 0 is free.",
    )

    class Meta:
        model = Procedure
        fields = [
            "code",
            "name",
            "sector",
            "tiers",
            "level",
            "level_label",
            "online_mode",
            "online_mode_label",
            "processing_days",
            "total_fee",
        ]


class FormFieldSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    type = serializers.CharField()
    required = serializers.BooleanField(default=False)
    choices = serializers.ListField(child=serializers.CharField(), required=False)
    validator = serializers.CharField(required=False, allow_blank=True)
    help_text = serializers.CharField(required=False, allow_blank=True)
    profile = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="The applicant's profile attribute that fills the field in advance.",
    )


class ProcedureDetailSerializer(ProcedureSummarySerializer):
    agencies = serializers.SlugRelatedField(
        slug_field="code", many=True, read_only=True, help_text="Codes of the deciding agencies."
    )
    receiving_points = serializers.SlugRelatedField(
        slug_field="code",
        many=True,
        read_only=True,
        help_text="Codes of the one-stop desks that receive it for the deciding agencies; "
        "empty when each deciding agency receives it at its own desk.",
    )
    fees = FeeSerializer(many=True, read_only=True)
    total_fee = serializers.IntegerField(read_only=True)
    documents = RequiredDocumentSerializer(many=True, read_only=True)
    form_fields = FormFieldSerializer(
        source="questions",
        many=True,
        read_only=True,
        help_text="The questions of the online form; the agency's own findings are left out.",
    )

    class Meta(ProcedureSummarySerializer.Meta):
        fields = [
            *ProcedureSummarySerializer.Meta.fields,
            "agencies",
            "receiving_points",
            "processing_note",
            "requirements",
            "steps",
            "result_type",
            "legal_basis",
            "fees",
            "documents",
            "form_fields",
        ]


class CatalogQueryParams(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    tier = serializers.ChoiceField(Tier.choices, required=False, allow_blank=True, default="")
    level = serializers.IntegerField(min_value=1, max_value=4, required=False, default=None)
    agency = serializers.CharField(required=False, allow_blank=True, default="")
    sector = serializers.CharField(required=False, allow_blank=True, default="")
    charged = serializers.ChoiceField(Charged.choices, required=False, allow_blank=True, default="")


@extend_schema_view(
    list=extend_schema(
        summary="Search the procedure catalog",
        parameters=[
            OpenApiParameter(
                "q",
                OpenApiTypes.STR,
                description="Words of the name, code or sector; diacritics and case are ignored.",
            ),
            OpenApiParameter("tier", OpenApiTypes.STR, enum=Tier.values),
            OpenApiParameter("level", OpenApiTypes.INT, enum=[1, 2, 3, 4]),
            OpenApiParameter("agency", OpenApiTypes.STR, description="Agency code, e.g. H57."),
            OpenApiParameter("sector", OpenApiTypes.STR, description="Sector code."),
            OpenApiParameter(
                "charged",
                OpenApiTypes.STR,
                enum=Charged.values,
                description="paid: only procedures with a fee or charge; free: only free ones.",
            ),
        ],
    ),
    retrieve=extend_schema(summary="One procedure with what its online form needs"),
)
class ProcedureViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [AllowAny]
    lookup_field = "code"
    lookup_value_regex = "[^/]+"

    def get_serializer_class(self):
        return ProcedureSummarySerializer if self.action == "list" else ProcedureDetailSerializer

    def get_queryset(self):
        if self.action != "list":
            return (
                Procedure.objects.filter(published=True)
                .select_related("sector")
                .prefetch_related("tier_links", "agencies", "receiving_points", "fees", "documents")
            )
        params = CatalogQueryParams(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        query = CatalogQuery(
            text=params.validated_data["q"],
            tier=params.validated_data["tier"],
            level=params.validated_data["level"],
            agency=params.validated_data["agency"],
            sector=params.validated_data["sector"],
            charged=params.validated_data["charged"],
        )
        return search_procedures(query).prefetch_related("tier_links")


@extend_schema_view(list=extend_schema(summary="Sectors of the catalog"))
class SectorViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [AllowAny]
    queryset = Sector.objects.all()
    serializer_class = SectorSerializer
    lookup_field = "code"

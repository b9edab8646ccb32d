"""The statistics API: the summary (public for the whole province, per agency for officials),
the periodic report as Excel and the dossiers behind it as CSV (officials).

The serializers only document the JSON that `indicators.summary` builds.
"""

from __future__ import annotations

import datetime

from django.http import HttpResponse, StreamingHttpResponse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.gzip import gzip_page
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from motcua.agencies.models import Agency
from motcua.stats import access, export, feedback, indicators
from motcua.stats.forms import SIDE_DECIDED, SIDE_RECEIVED, PeriodForm

NON_FIELD_ERRORS = api_settings.NON_FIELD_ERRORS_KEY
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _rate(help_text: str) -> serializers.FloatField:
    return serializers.FloatField(allow_null=True, help_text=f"{help_text} (%, 2 decimals)")


def _count(help_text: str = "") -> serializers.IntegerField:
    return serializers.IntegerField(help_text=help_text)


class StatsProceduresSerializer(serializers.Serializer):
    total = _count("published procedures carried out in the scope")
    online = _count("online services: level 3 or 4")
    online_level3 = _count()
    online_level4 = _count()
    online_full = _count("fully online (Decree 42/2022)")
    online_partial = _count("partly online (Decree 42/2022)")
    online_share = _rate("online ÷ total")
    level4_share = _rate("online_level4 ÷ online")


class StatsDossiersSerializer(serializers.Serializer):
    carried_over = _count("received before the period, still in the work at its start")
    received = _count("received in the period, all channels")
    online = _count("received online")
    desk = _count("received at the desk")
    post = _count("received by post")
    online_rate = _rate("online ÷ received")
    to_process = _count("carried_over + received")
    finished = _count("result ready in the period")
    early = _count()
    on_time = _count()
    late = _count()
    on_time_rate = _rate("(early + on_time) ÷ finished")
    pending = _count(
        "still in the work at the end of the period: pending_within_time + pending_overdue"
        " + waiting (to_process = finished + not_accepted + withdrawn + stopped + pending)"
    )
    pending_within_time = _count("its clock running, not past the appointment date")
    pending_overdue = _count("past the appointment date at the end of the period")
    late_rate = _rate("(late + pending_overdue) ÷ to_process")
    waiting = _count("its clock stopped: in_supplement + fees_requested + paused")
    in_supplement = _count("waiting for a supplement at the end of the period")
    fees_requested = _count("waiting for the fees at the end of the period")
    paused = _count("paused at the end of the period")
    not_accepted = _count("refused at intake in the period")
    withdrawn = _count("withdrawn in the period")
    stopped = _count("processing stopped in the period")
    supplement_requests = _count("supplement requests of the dossiers received")
    supplemented = _count("dossiers received that were asked for a supplement")
    with_fee = _count("dossiers received with fees to pay")
    paid_online = _count("of those, paid online")
    online_payment_rate = _rate("paid_online ÷ with_fee")
    digitised = _count("dossiers received with digitised documents and an electronic result")
    digitisation_rate = _rate("digitised ÷ received")
    ratings = _count("ratings given in the period")
    very_satisfied = _count()
    satisfied = _count()
    dissatisfied = _count()
    satisfaction_rate = _rate("(very_satisfied + satisfied) ÷ ratings")
    average_days = serializers.FloatField(
        allow_null=True, help_text="calendar days from receipt to result, on average"
    )


class StatsProgressSerializer(serializers.Serializer):
    year = _count("first year of the target in force")
    online_rate = serializers.FloatField(help_text="the target: online dossiers, at least (%)")
    basis = serializers.CharField()
    actual = _rate("the online rate reached")
    gap = serializers.FloatField(allow_null=True, help_text="target − actual, in points")
    enough = serializers.BooleanField(
        help_text="received at least scorecard.enough_dossiers dossiers: met is judged"
    )
    met = serializers.BooleanField(allow_null=True, help_text="null: nothing or too few to judge")


# "from" is a Python keyword: these two serializers are made with type().
StatsSeriesPointSerializer = type(
    "StatsSeriesPointSerializer",
    (serializers.Serializer,),
    {
        "month": serializers.CharField(help_text="YYYY-MM"),
        "from": serializers.DateField(help_text="first day of the month in the period"),
        "to": serializers.DateField(help_text="last day of the month in the period"),
        "received": _count(),
        "online": _count(),
        "online_rate": _rate("online ÷ received"),
        "target": serializers.FloatField(allow_null=True, help_text="target that month (%)"),
    },
)
StatsPeriodSerializer = type(
    "StatsPeriodSerializer",
    (serializers.Serializer,),
    {"from": serializers.DateField(), "to": serializers.DateField()},
)


class StatsTierSerializer(serializers.Serializer):
    tier = serializers.CharField()
    name = serializers.CharField()
    procedures = StatsProceduresSerializer()
    dossiers = StatsDossiersSerializer()


class StatsAgencySerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    tier = serializers.CharField()


class StatsAgencyRowSerializer(StatsAgencySerializer):
    whole_subtree = serializers.BooleanField(
        help_text="false on the scope's own row, which counts only the agency itself"
    )
    procedures = StatsProceduresSerializer()
    dossiers = StatsDossiersSerializer()
    target = StatsProgressSerializer(allow_null=True)


class StatsRankSerializer(serializers.Serializer):
    rank = serializers.IntegerField(
        allow_null=True,
        help_text="equal values share a rank; null: too few dossiers behind the rate to judge",
    )
    code = serializers.CharField()
    name = serializers.CharField()
    value = serializers.FloatField()
    sample = _count("the count the rate is a share of (received, finished, ratings…)")


class StatsProcedureSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    level = _count()
    tiers = serializers.ListField(child=serializers.CharField())


class StatsUnusedSerializer(serializers.Serializer):
    count = _count("online services without any dossier in the period")
    online_services = _count()
    share = _rate("count ÷ online_services")
    without_online_dossier = _count("online services that received no dossier online")
    items = StatsProcedureSerializer(many=True)


class StatsLeastUsedSerializer(StatsProcedureSerializer):
    received = _count()
    online = _count()


class StatsSimplificationSerializer(StatsProcedureSerializer):
    fee = _count("fees and charges of the procedure (VND)")
    received = _count()
    supplement_requests = _count()
    refused = _count("not accepted or stopped")
    finished = _count()
    late = _count()
    late_rate = _rate("late ÷ finished")
    dissatisfied = _count()
    average_days = serializers.FloatField(allow_null=True)
    problems = _count("supplement_requests + refused + late + dissatisfied: the ranking")


class StatsGroupSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    points = _count("points of the group in Decision 766/QĐ-TTg")


class StatsPartSerializer(serializers.Serializer):
    key = serializers.CharField()
    group = serializers.CharField()
    label = serializers.CharField()
    rate = _rate("count ÷ of")
    count = _count()
    of = _count()
    full_marks_at = serializers.IntegerField(allow_null=True)
    sample = serializers.IntegerField(
        allow_null=True, help_text="the dossiers the rate rests on (null: the whole catalog)"
    )
    enough = serializers.BooleanField(help_text="sample of at least enough_dossiers: judged")
    full_marks = serializers.BooleanField(
        allow_null=True, help_text="null: no level, nothing to count or too few dossiers"
    )


class StatsNotComputedSerializer(serializers.Serializer):
    key = serializers.CharField()
    group = serializers.CharField()
    label = serializers.CharField()
    reason = serializers.CharField()


class StatsScorecardSerializer(serializers.Serializer):
    groups = StatsGroupSerializer(many=True)
    parts = StatsPartSerializer(many=True)
    enough_dossiers = _count("the fewest dossiers a rate is judged over")
    not_computed = StatsNotComputedSerializer(many=True)


class StatsNationalSyncSerializer(serializers.Serializer):
    registered = serializers.IntegerField(help_text="dossiers registered in the period")
    synced = serializers.IntegerField(help_text="those whose latest status reached the portal")
    rate = serializers.FloatField(allow_null=True, help_text="synced ÷ registered, in %")


class StatsSummarySerializer(serializers.Serializer):
    period = StatsPeriodSerializer()
    agency = StatsAgencySerializer(allow_null=True, help_text="null: the whole province")
    side = serializers.ChoiceField(
        [SIDE_RECEIVED, SIDE_DECIDED],
        help_text="received: each dossier counts where it was received; decided: for the agency "
        "that decides it",
    )
    procedures = StatsProceduresSerializer()
    dossiers = StatsDossiersSerializer()
    target = StatsProgressSerializer(allow_null=True)
    series = StatsSeriesPointSerializer(many=True, help_text="one point per month of the period")
    national_sync = StatsNationalSyncSerializer(
        allow_null=True, help_text="the sync with the national portal; null while not connected"
    )
    by_tier = StatsTierSerializer(many=True)
    unused_services = StatsUnusedSerializer()
    least_used = StatsLeastUsedSerializer(many=True)
    simplification = StatsSimplificationSerializer(many=True)
    scorecard = StatsScorecardSerializer()
    by_agency = StatsAgencyRowSerializer(
        many=True, required=False, help_text="officials only: the agencies below the scope"
    )
    rankings = serializers.DictField(
        child=StatsRankSerializer(many=True), required=False, help_text="officials only"
    )


PERIOD_PARAMETERS = [
    OpenApiParameter(
        "from", OpenApiTypes.DATE, description="First day (default: 1 January), from 1900-01-01"
    ),
    OpenApiParameter(
        "to", OpenApiTypes.DATE, description="Last day, included (default: today), to 2999-12-31"
    ),
    OpenApiParameter(
        "agency", OpenApiTypes.STR, description="Agency code: its subtree (default: the province)"
    ),
]
SIDE_PARAMETER = OpenApiParameter(
    "side",
    OpenApiTypes.STR,
    enum=[SIDE_RECEIVED, SIDE_DECIDED],
    description="Count each dossier where it was received (default) or for the agency "
    "that decides it (a department, for what the Service Center received for it).",
)
BAD_QUERY = OpenApiResponse(
    description="A date is not YYYY-MM-DD or out of reach, or no agency has that code."
)
FORBIDDEN = OpenApiResponse(description="The caller may not see this agency's statistics.")


def _asked(request) -> PeriodForm:
    form = PeriodForm(request.query_params)
    if not form.is_valid():
        raise ValidationError(
            {
                NON_FIELD_ERRORS if field == "__all__" else field: list(errors)
                for field, errors in form.errors.items()
            }
        )
    return form


def _period(request) -> tuple[datetime.date, datetime.date, Agency | None]:
    return _asked(request).period


# Compressed (a few hundred KB of JSON become a tenth): aggregate figures, no secret for a
# reflected input to reveal (BREACH).
@method_decorator(gzip_page, name="dispatch")
class SummaryView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        summary="Statistics: procedures, dossiers, targets and the Decision 766 scorecard",
        description=(
            "Anyone may read the whole province; an agency's figures and the per-agency tables"
            " (`by_agency`, `rankings`) are for officials of that agency or above it."
        ),
        parameters=[*PERIOD_PARAMETERS, SIDE_PARAMETER],
        responses={200: StatsSummarySerializer, 400: BAD_QUERY, 403: FORBIDDEN},
    )
    def get(self, request):
        asked = _asked(request)
        start, end, agency = asked.period
        detail = access.may_see_detail(request.user, agency)
        if not (detail or access.is_public(agency)):
            self.permission_denied(
                request, _("Only officials of this agency or above it see its statistics.")
            )
        return Response(
            indicators.summary(start, end, agency, detail=detail, side=asked.side_asked)
        )


class AnyAccept(BaseContentNegotiation):
    """Files are answered whatever the client accepts; errors come as JSON."""

    def select_parser(self, request, parsers):
        return parsers[0]

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class OfficialFileView(APIView):
    permission_classes = [IsAuthenticated]
    content_negotiation_class = AnyAccept

    def scope(self, request) -> tuple[datetime.date, datetime.date, Agency | None]:
        """The period, and the agency asked for or the caller's own."""
        start, end, agency = _period(request)
        agency = agency or access.default_agency(request.user)
        if not access.may_see_detail(request.user, agency):
            self.permission_denied(request, _("Only officials see the reports of their agency."))
        return start, end, agency


def _filename(prefix: str, start: datetime.date, end: datetime.date, extension: str) -> str:
    return f'attachment; filename="{prefix}-{start:%Y%m%d}-{end:%Y%m%d}.{extension}"'


class ReportWorkbookView(OfficialFileView):
    @extend_schema(
        summary="The periodic report as an Excel workbook, one sheet per table",
        parameters=PERIOD_PARAMETERS,
        responses={(200, XLSX): OpenApiTypes.BINARY, 400: BAD_QUERY, 403: FORBIDDEN},
    )
    def get(self, request):
        start, end, agency = self.scope(request)
        response = HttpResponse(export.report_workbook(start, end, agency), content_type=XLSX)
        response["Content-Disposition"] = _filename("bao-cao", start, end, "xlsx")
        return response


class DossierCsvView(OfficialFileView):
    @extend_schema(
        summary="The dossiers behind the report (in the work during the period), as CSV",
        parameters=PERIOD_PARAMETERS,
        responses={(200, "text/csv"): OpenApiTypes.STR, 400: BAD_QUERY, 403: FORBIDDEN},
    )
    def get(self, request):
        start, end, agency = self.scope(request)
        response = StreamingHttpResponse(
            export.dossier_csv(start, end, agency), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = _filename("ho-so", start, end, "csv")
        return response


class StatsFeedbackCountsSerializer(serializers.Serializer):
    received = _count("feedback received in the period")
    answered = _count("answered in the period")
    answered_on_time = _count("answered by the answer date (15 working days)")
    answered_late = _count()
    on_time_rate = _rate("answered_on_time ÷ answered")
    refused = _count("refused in the period, with the reason")
    pending = _count("not answered or refused by the end of the period")
    pending_overdue = _count("of those, past the answer date (not waiting for the sender)")
    waiting_for_sender = _count("of those, waiting for information asked of the sender")
    ratings = _count("answers rated in the period")
    very_satisfied = _count()
    satisfied = _count()
    dissatisfied = _count()
    satisfaction_rate = _rate("(very_satisfied + satisfied) ÷ ratings")


class StatsFeedbackAgencySerializer(StatsFeedbackCountsSerializer):
    code = serializers.CharField()
    name = serializers.CharField()


class StatsFeedbackSerializer(serializers.Serializer):
    period = StatsPeriodSerializer()
    agency = StatsAgencySerializer(allow_null=True, help_text="null: the whole province")
    feedback = StatsFeedbackCountsSerializer()
    by_agency = StatsFeedbackAgencySerializer(
        many=True, required=False, help_text="officials only: each agency that received any"
    )


class FeedbackSummaryView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        summary="Statistics of citizen feedback: answered on time or late, overdue, satisfaction",
        description=(
            "Anyone may read the whole province; an agency's figures and the per-agency rows are"
            " for officials of that agency or above it."
        ),
        parameters=PERIOD_PARAMETERS,
        responses={200: StatsFeedbackSerializer, 400: BAD_QUERY, 403: FORBIDDEN},
    )
    def get(self, request):
        start, end, agency = _period(request)
        detail = access.may_see_detail(request.user, agency)
        if not (detail or access.is_public(agency)):
            self.permission_denied(
                request, _("Only officials of this agency or above it see its statistics.")
            )
        return Response(feedback.summary(start, end, agency, detail=detail))

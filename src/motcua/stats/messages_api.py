"""Messages sent per day and channel (e-mail, SMS, Zalo; one-time codes included): what the
notifications cost, for the province's officials. The counts are the province's: a message
belongs to no agency."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from motcua.notifications.limits import sent_per_day
from motcua.stats import access
from motcua.stats.forms import PeriodForm

CHANNELS = ("email", "sms", "zalo")


class SentDaySerializer(serializers.Serializer):
    day = serializers.DateField()
    email = serializers.IntegerField()
    sms = serializers.IntegerField()
    zalo = serializers.IntegerField()


class MessagesSentSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    days = SentDaySerializer(many=True)


class MessagesSentView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Statistics: messages sent per day and channel",
        description="For officials of the province's top agency (and superusers).",
        parameters=[
            OpenApiParameter(
                "from", OpenApiTypes.DATE, description="First day (default: 1 January)"
            ),
            OpenApiParameter("to", OpenApiTypes.DATE, description="Last day (default: today)"),
        ],
        responses={
            200: MessagesSentSerializer,
            400: OpenApiResponse(description="A date is not YYYY-MM-DD or out of reach."),
            403: OpenApiResponse(description="The caller may not see the province's figures."),
        },
    )
    def get(self, request):
        if not access.may_see_detail(request.user, None):
            self.permission_denied(request)
        form = PeriodForm(request.query_params)
        if not form.is_valid():
            raise ValidationError({field: list(errors) for field, errors in form.errors.items()})
        start, end = form.cleaned_data["from"], form.cleaned_data["to"]
        counts = sent_per_day(start, end)
        days = [
            {"day": day, **{channel: sent.get(channel, 0) for channel in CHANNELS}}
            for day, sent in sorted(counts.items())
        ]
        return Response({"start": start, "end": end, "days": days})

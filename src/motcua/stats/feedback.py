"""The feedback indicators: the counts the feedback app keeps (feedback/stats.py) with their
rates, rounded as every rate of the statistics is (indicators.rate)."""

from __future__ import annotations

import datetime

from motcua.agencies.models import Agency
from motcua.feedback import stats as feedback_stats
from motcua.stats.indicators import agency_json, rate


def with_rates(counts: dict) -> dict:
    return {
        **counts,
        "on_time_rate": rate(counts["answered_on_time"], counts["answered"]),
        "satisfaction_rate": rate(
            counts["very_satisfied"] + counts["satisfied"], counts["ratings"]
        ),
    }


def summary(
    start: datetime.date, end: datetime.date, agency: Agency | None, *, detail: bool
) -> dict:
    """The JSON of GET /api/v1/stats/feedback; per agency only with `detail` (officials)."""
    result = {
        "period": {"from": start, "to": end},
        "agency": agency_json(agency) if agency else None,
        "feedback": with_rates(feedback_stats.counts(start, end, agency)),
    }
    if detail:
        result["by_agency"] = [
            with_rates(row) for row in feedback_stats.counts_by_agency(start, end, agency)
        ]
    return result

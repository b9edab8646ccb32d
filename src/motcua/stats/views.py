"""The statistics pages: the officials' dashboard and the portal's public summary.

Both render every figure as tables from `indicators.summary`, so that a page without
JavaScript loses nothing; the browser then draws the charts from the JSON API over them
(static/stats/dashboard.js, loaded with the chart library only when a report with dossiers
is shown). Without dates they open on the latest period with dossiers.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django import forms
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.gzip import gzip_page

from motcua.agencies.models import Agency
from motcua.stats import access, indicators
from motcua.stats.forms import SIDE_RECEIVED, SIDES, PeriodForm

CHART_LIBRARY = "stats/vendor/chart.umd.min.js"
# The period of the May 2020 report the demo province reproduces.
REPORT_PERIOD = (datetime.date(2020, 1, 1), datetime.date(2020, 5, 26))
UNUSED_LISTED = 100  # online services without dossiers listed on the page; the export has all
RANKING_LABELS = {
    "online_rate": gettext_lazy("Online dossiers (%)"),
    "on_time_rate": gettext_lazy("Finished on time (%)"),
    "late_rate": gettext_lazy("Late (%)"),
    "satisfaction_rate": gettext_lazy("Satisfied (%)"),
    "online_payment_rate": gettext_lazy("Fees paid online (%)"),
}


class DashboardForm(PeriodForm):
    """The engine's period form (`from`, `to`, `agency`) with labelled date inputs."""

    def __init__(self, data: QueryDict) -> None:
        super().__init__(data)
        for name, label in (("from", _("From")), ("to", _("To"))):
            self.fields[name].label = label
            self.fields[name].widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
        self.fields["agency"].label = _("Agency")
        self.fields["side"].label = _("Count each dossier")
        self.fields["side"].choices = SIDES


@dataclass(frozen=True)
class QuickPeriod:
    label: str
    start: datetime.date
    end: datetime.date
    url: str
    current: bool


def quick_periods(
    today: datetime.date, chosen: tuple[datetime.date, datetime.date] | None, agency: str
) -> list[QuickPeriod]:
    """This year, this quarter and the May 2020 report's period, as links keeping the agency."""
    quarter = datetime.date(today.year, (today.month - 1) // 3 * 3 + 1, 1)
    periods = [
        (_("This year"), today.replace(month=1, day=1), today),
        (_("This quarter"), quarter, today),
        (_("The May 2020 report's period"), *REPORT_PERIOD),
    ]
    return [
        QuickPeriod(label, start, end, "?" + query(start, end, agency), chosen == (start, end))
        for label, start, end in periods
    ]


def query(
    start: datetime.date, end: datetime.date, agency: str = "", side: str = SIDE_RECEIVED
) -> str:
    """The query string of a report, as the pages and the API read it."""
    params = QueryDict(mutable=True)
    params.update({"from": start.isoformat(), "to": end.isoformat()})
    if agency:
        params["agency"] = agency
    if side != SIDE_RECEIVED:
        params["side"] = side
    return params.urlencode()


def agency_choices(root: Agency | None) -> list[tuple[str, str]]:
    """The agencies one may pick: `root`'s subtree, indented as a tree ("": the province)."""
    agencies = Agency.objects.order_by("path").only("code", "name", "path", "valid_to")
    if root is not None:
        agencies = agencies.subtree(root)
    top = root.depth if root else 0
    choices = [] if root else [("", _("The whole province"))]
    for agency in agencies:
        label = "\u00a0\u00a0" * (agency.depth - top) + agency.name
        if agency.valid_to:
            label = _("%(name)s (until %(day)s)") % {
                "name": label,
                "day": formats.date_format(agency.valid_to, "SHORT_DATE_FORMAT"),
            }
        choices.append((agency.code, label))
    return choices


def chosen_agency(asked: QueryDict, home: Agency | None) -> Agency | None:
    """The agency a dashboard's query names, if any and known; else the official's own."""
    code = asked.get("agency", "").strip()
    if not code:
        return home
    try:
        return Agency.objects.by_code(code)
    except Agency.DoesNotExist:  # the form reports it
        return home


def opening_period(asked: QueryDict, agency: Agency | None) -> QueryDict:
    """The report asked for; without dates, the latest period with dossiers: this year up to
    today, or else the year of the last dossier received, up to that day."""
    if asked.get("from") or asked.get("to"):
        return asked
    today = timezone.localdate()
    latest = indicators.latest_receipt(agency)
    end = today if latest is None or latest.year >= today.year else latest
    opening = asked.copy()
    opening.update({"from": end.replace(month=1, day=1).isoformat(), "to": end.isoformat()})
    return opening


def chart_library_url() -> str | None:
    """The vendored chart library, when `make install` could fetch it; else tables only."""
    if finders.find(CHART_LIBRARY) is None:
        return None
    try:
        return static(CHART_LIBRARY)
    except ValueError:  # collected before the library was vendored
        return None


def ranking_table(rankings: dict[str, list[dict]]) -> tuple[list[str], list[dict]]:
    """The rankings as one table: a column per indicator, a row per agency (by the first)."""
    columns = list(rankings)
    rows: dict[str, dict] = {}
    for key, entries in rankings.items():
        for entry in entries:
            row = rows.setdefault(entry["code"], {"code": entry["code"], "name": entry["name"]})
            row[key] = entry
    cells = [{**row, "cells": [row.get(key) for key in columns]} for row in rows.values()]
    return [str(RANKING_LABELS.get(key, key)) for key in columns], cells


def unused_by_tier(data: dict) -> list[dict]:
    """Online services with and without dossiers, per tier (a service may serve several)."""
    unused = data["unused_services"]["items"]
    rows = []
    for tier in data["by_tier"]:
        online = tier["procedures"]["online"]
        idle = sum(1 for item in unused if tier["tier"] in item["tiers"])
        rows.append({"name": tier["name"], "online": online, "used": online - idle, "unused": idle})
    return rows


def scorecard_groups(scorecard: dict) -> tuple[list[dict], list[dict]]:
    """Decision 766's groups with their parts computed and not computed, and the notes that
    belong to no group."""
    groups = [
        {
            **group,
            "parts": [p for p in scorecard["parts"] if p["group"] == group["key"]],
            "missing": [m for m in scorecard["not_computed"] if m["group"] == group["key"]],
        }
        for group in scorecard["groups"]
    ]
    keys = {group["key"] for group in groups}
    return groups, [m for m in scorecard["not_computed"] if m["group"] not in keys]


def chart_text() -> dict[str, str]:
    """The words the charts need, in the page's language."""
    return {
        "online_rate": _("Dossiers received online (%)"),
        "target": _("Target (%)"),
        "online_share": _("Procedures offered online (%)"),
        "on_time_rate": _("Finished on time (%)"),
        "used": _("Online services that received dossiers"),
        "unused": _("Online services without any dossier"),
        "show_table": _("Show the figures as a table"),
    }


def latest_period_link(agency: Agency | None) -> dict | None:
    """For a period without dossiers: the last day one was received, and the link to the
    report of its year up to that day."""
    latest = indicators.latest_receipt(agency)
    if latest is None:
        return None
    code = agency.code if agency else ""
    return {"day": latest, "url": "?" + query(latest.replace(month=1, day=1), latest, code)}


def report_context(data: dict, agency: Agency | None) -> dict:
    """What the report's template shows of a summary."""
    period = (
        datetime.date.fromisoformat(data["period"]["from"]),
        datetime.date.fromisoformat(data["period"]["to"]),
    )
    agency_code = agency.code if agency else ""
    this_query = query(*period, agency_code, data["side"])
    groups, general_notes = scorecard_groups(data["scorecard"])
    context = {
        "summary": data,
        "period": period,
        "query": this_query,
        "api_url": f"{reverse('api-stats-summary')}?{this_query}",
        "quick_periods": quick_periods(timezone.localdate(), period, agency_code),
        # The rows of the per-unit tables: agencies for officials, tiers for the public.
        "units": data["by_agency"] if "by_agency" in data else data["by_tier"],
        "unused_listed": data["unused_services"]["items"][:UNUSED_LISTED],
        "unused_by_tier": unused_by_tier(data),
        "scorecard_groups": groups,
        "scorecard_notes": general_notes,
        "chart_text": chart_text(),
        # Nothing carried over, nothing received: the page says so instead of empty tables.
        "empty": not data["dossiers"]["to_process"],
        "enough_dossiers": indicators.ENOUGH_DOSSIERS,
    }
    if context["empty"]:
        context["latest"] = latest_period_link(agency)
    if "rankings" in data:
        context["ranking_columns"], context["ranking_rows"] = ranking_table(data["rankings"])
    return context


def render_report(request: HttpRequest, page: str, context: dict) -> HttpResponse:
    """The whole page, or only the report when htmx asks for it (not to restore the page)."""
    context["chart_library"] = chart_library_url()
    partial = request.htmx and not request.htmx.history_restore_request
    return render(request, "stats/_partial.html" if partial else page, context)


# Compressed: a report holds figures and a masked CSRF token, no secret that a reflected
# input beside it could reveal through its compressed length (BREACH); Django's GZip pads
# each response with random bytes besides.
@gzip_page
@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """Officials' dashboard over the agencies they may see (a supervisor: the province)."""
    home = access.default_agency(request.user)
    if not access.may_see_detail(request.user, home):
        raise PermissionDenied
    form = DashboardForm(opening_period(request.GET, chosen_agency(request.GET, home)))
    context = {
        "form": form,
        "agency_choices": agency_choices(home),
        "detail": True,
        "page_url": reverse("stats:dashboard"),
    }
    if form.is_valid():
        start, end, agency = form.period
        agency = agency or home
        if not access.may_see_detail(request.user, agency):
            raise PermissionDenied
        summary = indicators.summary(start, end, agency, detail=True, side=form.side_asked)
        context |= report_context(summary, agency)
        form.data = QueryDict(context["query"])  # the inputs show the period reported
        context["exports"] = {
            "report": f"{reverse('api-stats-report')}?{context['query']}",
            "dossiers": f"{reverse('api-stats-dossiers')}?{context['query']}",
        }
    return render_report(request, "stats/dashboard.html", context)


@gzip_page
def public_summary(request: HttpRequest) -> HttpResponse:
    """The province's figures for anyone: no agency tables, no exports."""
    asked = request.GET.copy()
    asked.pop("agency", None)
    form = DashboardForm(opening_period(asked, None))
    context = {"form": form, "detail": False, "page_url": reverse("stats:public")}
    if form.is_valid():
        start, end, _agency = form.period
        context |= report_context(indicators.summary(start, end, None, detail=False), None)
        form.data = QueryDict(context["query"])
    return render_report(request, "stats/public.html", context)

"""The statistics' counting rules, each on dossiers moved through the real services at chosen
moments (the clock is set by the test)."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings as django_settings

from motcua.accounts.models import Role
from motcua.dossiers import services
from motcua.dossiers.models import Channel, Dossier, Status
from motcua.stats import indicators
from motcua.stats.indicators import Span, rate, split, summary
from motcua.stats.models import Target
from tests import factories
from tests.factories import official, seed_targets

HUE = ZoneInfo("Asia/Ho_Chi_Minh")
D = datetime.date


@pytest.fixture
def targets(db):
    return seed_targets()


@pytest.fixture
def staff(province):
    agency = province["commune_a"]
    return {role: official(agency, role) for role in Role.values if role != Role.SUPERVISOR}


def submit(procedure, agency, citizen, clock, *moment, channel=Channel.ONLINE) -> Dossier:
    clock.set(*moment)
    draft, _ = services.start_draft(
        procedure=procedure, agency=agency, applicant=citizen, form_data={}, channel=channel
    )
    return services.submit(draft)


def accept(dossier, staff, clock, *moment) -> Dossier:
    clock.set(*moment)
    return services.perform(dossier, "accept", staff[Role.DESK_OFFICER])


def finish(dossier, staff, clock, *moment) -> Dossier:
    """The result is ready: the officials' path to the leader's approval, at `moment`."""
    clock.set(*moment)
    return factories.advance(Dossier.objects.get(pk=dossier.pk), Status.FINISHED)


def supplement_round(dossier, staff, citizen, clock, asked, answered) -> Dossier:
    # A second request states why it is asked again (Decree 61/2018).
    reason = "Tờ khai nộp lần trước chưa ký" if dossier.supplements.exists() else ""
    services.request_supplement(
        dossier, staff[Role.SPECIALIST], ["Tờ khai"], note=reason, now=clock.set(*asked)
    )
    return services.answer_supplement(dossier, citizen, [], "Đã bổ sung", now=clock.set(*answered))


def dossiers(start, end, agency=None) -> dict:
    return summary(start, end, agency)["dossiers"]


# ---------------------------------------------------------------- rates and periods


def test_rates_are_percentages_rounded_half_up_to_two_decimals():
    assert rate(20697, 232527) == 8.9
    assert rate(1, 3) == 33.33
    assert rate(2, 3) == 66.67
    assert rate(1, 800) == 0.13  # 0.125: half up, not to even
    assert rate(3, 3) == 100.0
    assert rate(0, 5) == 0.0
    assert rate(0, 0) is None


def test_a_period_is_read_as_whole_months_and_the_days_around_them():
    assert split(D(2020, 1, 1), D(2020, 12, 31)) == Span(D(2020, 1, 1), D(2021, 1, 1), ())
    assert split(D(2020, 1, 1), D(2020, 5, 26)) == Span(
        D(2020, 1, 1), D(2020, 5, 1), ((D(2020, 5, 1), D(2020, 5, 26)),)
    )
    assert split(D(2020, 1, 15), D(2020, 3, 31)) == Span(
        D(2020, 2, 1), D(2020, 4, 1), ((D(2020, 1, 15), D(2020, 1, 31)),)
    )
    assert split(D(2020, 2, 3), D(2020, 2, 20)) == Span(
        None, None, ((D(2020, 2, 3), D(2020, 2, 20)),)
    )
    assert split(None, D(2020, 2, 29)) == Span(None, D(2020, 3, 1), ())
    assert split(None, D(2020, 3, 4)) == Span(
        None, D(2020, 3, 1), ((D(2020, 3, 1), D(2020, 3, 4)),)
    )
    assert split(D(2020, 3, 5), D(2020, 3, 4)) == Span(None, None, ())


# ---------------------------------------------------------------- deadlines


def test_supplement_time_is_not_counted_against_the_agency(
    marriage, citizen, staff, clock, province
):
    dossier = submit(marriage, province["commune_a"], citizen, clock, 2020, 3, 2, 9)
    assert dossier.due_date == D(2020, 3, 9)
    accept(dossier, staff, clock, 2020, 3, 2, 10)
    # Asked on 4 March with three working days left, answered on 18 March: due 23 March.
    dossier = supplement_round(dossier, staff, citizen, clock, (2020, 3, 4, 10), (2020, 3, 18, 15))
    assert dossier.due_date == D(2020, 3, 23)
    finish(dossier, staff, clock, 2020, 3, 20, 16)

    march = dossiers(D(2020, 3, 1), D(2020, 3, 31))
    assert (march["finished"], march["early"], march["late"]) == (1, 1, 0)
    assert march["on_time_rate"] == 100.0
    assert march["supplement_requests"] == march["supplemented"] == 1
    # On 10 March it was waiting for the applicant, within its (moved) time.
    tenth = dossiers(D(2020, 3, 1), D(2020, 3, 10))
    # Counted once, as waiting, not also as in progress within time.
    assert (tenth["pending"], tenth["in_supplement"], tenth["waiting"]) == (1, 1, 1)
    assert tenth["pending_within_time"] == tenth["pending_overdue"] == 0


def test_a_pause_moves_the_appointment_and_is_counted_while_it_lasts(
    marriage, citizen, staff, clock, province
):
    dossier = submit(marriage, province["commune_a"], citizen, clock, 2020, 3, 2, 9)
    accept(dossier, staff, clock, 2020, 3, 2, 10)
    clock.set(2020, 3, 3, 9)
    services.perform(
        dossier, "assign", staff[Role.HEAD_OF_DIVISION], assignee=staff[Role.SPECIALIST]
    )
    clock.set(2020, 3, 5, 9)
    services.perform(dossier, "pause", staff[Role.LEADER], "Chờ ý kiến cơ quan cấp trên")
    clock.set(2020, 3, 16, 9)
    dossier = services.perform(dossier, "resume", staff[Role.LEADER])
    assert dossier.due_date == D(2020, 3, 18)
    finish(dossier, staff, clock, 2020, 3, 18, 15)

    assert dossiers(D(2020, 3, 1), D(2020, 3, 10))["paused"] == 1
    march = dossiers(D(2020, 3, 1), D(2020, 3, 31))
    assert march["paused"] == 0 and march["on_time"] == 1 and march["late"] == 0


def test_a_second_supplement_request_counts_late_on_the_766_scorecard(
    marriage, citizen, staff, clock, province
):
    dossier = submit(marriage, province["commune_a"], citizen, clock, 2020, 3, 2, 9)
    accept(dossier, staff, clock, 2020, 3, 2, 10)
    supplement_round(dossier, staff, citizen, clock, (2020, 3, 3, 10), (2020, 3, 4, 10))
    supplement_round(dossier, staff, citizen, clock, (2020, 3, 5, 10), (2020, 3, 6, 10))
    finish(dossier, staff, clock, 2020, 3, 9, 10)

    report = summary(D(2020, 3, 1), D(2020, 3, 31))
    assert report["dossiers"]["on_time_rate"] == 100.0  # in time by the date
    part = next(p for p in report["scorecard"]["parts"] if p["key"] == "on_time_rate")
    assert (part["count"], part["of"], part["rate"]) == (0, 1, 0.0)


def test_an_unfinished_dossier_is_judged_at_the_end_of_the_period(
    marriage, citizen, staff, clock, province
):
    submit(marriage, province["commune_a"], citizen, clock, 2020, 3, 2, 9)  # due 9 March

    for end, within, overdue in ((6, 1, 0), (9, 1, 0), (10, 0, 1)):
        figures = dossiers(D(2020, 3, 1), D(2020, 3, end))
        assert (figures["pending"], figures["pending_within_time"]) == (1, within)
        assert figures["pending_overdue"] == overdue
    assert dossiers(D(2020, 3, 1), D(2020, 3, 10))["late_rate"] == 100.0
    report = summary(D(2020, 3, 1), D(2020, 3, 10))
    part = next(p for p in report["scorecard"]["parts"] if p["key"] == "on_time_rate")
    assert (part["count"], part["of"]) == (0, 1)


def test_dossiers_carried_over_from_before_the_period(marriage, citizen, staff, clock, province):
    agency = province["commune_a"]
    late = submit(marriage, agency, citizen, clock, 2020, 2, 24, 9)  # due 2 March
    accept(late, staff, clock, 2020, 2, 24, 10)
    finish(late, staff, clock, 2020, 3, 4, 9)
    refused = submit(marriage, agency, citizen, clock, 2020, 2, 27, 9)
    clock.set(2020, 3, 2, 9)
    services.perform(refused, "refuse_intake", staff[Role.DESK_OFFICER], "Sai thẩm quyền")
    withdrawn = submit(marriage, agency, citizen, clock, 2020, 2, 28, 9)
    clock.set(2020, 4, 1, 9)
    services.withdraw(withdrawn, citizen, "Không cần nữa")

    february = dossiers(D(2020, 2, 1), D(2020, 2, 29))
    assert (february["carried_over"], february["received"], february["pending"]) == (0, 3, 3)
    march = dossiers(D(2020, 3, 1), D(2020, 3, 31))
    assert (march["carried_over"], march["received"], march["to_process"]) == (3, 0, 3)
    assert (march["late"], march["not_accepted"], march["pending"]) == (1, 1, 1)
    assert march["late_rate"] == 66.67  # one finished late, one pending overdue, of three
    april = dossiers(D(2020, 4, 1), D(2020, 4, 30))
    assert (april["carried_over"], april["withdrawn"], april["pending"]) == (1, 1, 0)
    may = dossiers(D(2020, 5, 1), D(2020, 5, 31))
    assert may["carried_over"] == may["to_process"] == 0


def test_received_by_channel_and_the_online_rate(marriage, citizen, clock, province):
    agency = province["commune_a"]
    for day, channel in ((2, Channel.ONLINE), (3, Channel.DESK), (4, Channel.DESK), (5, "post")):
        submit(marriage, agency, citizen, clock, 2020, 3, day, 9, channel=channel)
    march = dossiers(D(2020, 3, 1), D(2020, 3, 31))
    assert (march["received"], march["online"], march["desk"], march["post"]) == (4, 1, 2, 1)
    assert march["online_rate"] == 25.0
    assert dossiers(D(2020, 3, 3), D(2020, 3, 4))["received"] == 2  # days inside a month


# ---------------------------------------------------------------- agencies


def test_an_agency_counts_its_subtree_only(catalog, province, citizen, clock):
    for agency, count in (("commune_a", 2), ("commune_b", 1)):
        for _ in range(count):
            submit(catalog["marriage"], province[agency], citizen, clock, 2020, 3, 2, 9)
    submit(catalog["criminal_record"], province["justice"], citizen, clock, 2020, 3, 2, 9)
    march = (D(2020, 3, 1), D(2020, 3, 31))

    assert dossiers(*march)["received"] == 4
    assert dossiers(*march, province["district"])["received"] == 3
    assert dossiers(*march, province["commune_b"])["received"] == 1
    district = summary(*march, province["district"])
    assert district["agency"]["code"] == province["district"].code
    rows = {row["code"]: row for row in district["by_agency"]}
    assert rows[province["commune_a"].code]["dossiers"]["received"] == 2
    own = rows[province["district"].code]
    assert not own["whole_subtree"] and own["procedures"]["total"] == 2
    assert own["dossiers"]["received"] == 0
    whole = {row["code"]: row for row in summary(*march)["by_agency"]}
    assert whole[province["district"].code]["dossiers"]["received"] == 3
    assert whole[province["justice"].code]["procedures"]["online_level4"] == 1


def test_agencies_are_ranked(catalog, province, citizen, clock):
    for agency, channels in (("commune_a", ["online", "desk"]), ("commune_b", ["online"])):
        for channel in channels:
            submit(
                catalog["marriage"],
                province[agency],
                citizen,
                clock,
                2020,
                3,
                2,
                9,
                channel=channel,
            )
    report = summary(D(2020, 3, 1), D(2020, 3, 31), province["district"])
    ranking = report["rankings"]["online_rate"]
    # One and two dossiers: listed by value, ranked by none (too few to judge).
    assert [(r["rank"], r["code"], r["value"], r["sample"]) for r in ranking] == [
        (None, province["commune_b"].code, 100.0, 1),
        (None, province["commune_a"].code, 50.0, 2),
    ]


def test_only_rates_over_enough_dossiers_are_ranked():
    def row(code: str, received: int, online_rate: float) -> dict:
        counts = {sample: 0 for _key, _higher, sample in indicators.RANKED}
        rates = {key: None for key, _higher, _sample in indicators.RANKED}
        dossiers = {**counts, **rates, "received": received, "online_rate": online_rate}
        return {"code": code, "name": code, "dossiers": dossiers}

    enough = indicators.ENOUGH_DOSSIERS
    rows = [
        row("few", enough - 1, 100.0),
        row("low", 400, 20.0),
        row("tie", enough, 60.0),
        row("high", 1000, 60.0),
    ]
    ranking = indicators.rankings(rows)["online_rate"]
    assert [(r["rank"], r["code"]) for r in ranking] == [
        (1, "tie"),
        (1, "high"),
        (3, "low"),
        (None, "few"),
    ]
    assert indicators.rankings(rows)["on_time_rate"] == []  # no agency has that rate


# ---------------------------------------------------------------- procedures


def test_procedures_by_tier_and_level(catalog):
    report = summary(D(2020, 1, 1), D(2020, 12, 31))
    assert report["procedures"] == {
        "total": 6,
        "online": 4,
        "online_level3": 1,
        "online_level4": 3,
        "online_full": 3,
        "online_partial": 1,
        "online_share": 66.67,
        "level4_share": 75.0,
    }
    tiers = {row["tier"]: row["procedures"] for row in report["by_tier"]}
    assert (tiers["commune"]["total"], tiers["commune"]["online_level4"]) == (3, 2)
    assert (tiers["district"]["online_level3"], tiers["district"]["online_share"]) == (1, 50.0)
    assert tiers["department"]["online_share"] == 100.0


def test_online_services_without_dossiers_and_the_least_used(catalog, province, citizen, clock):
    submit(catalog["marriage"], province["commune_a"], citizen, clock, 2020, 3, 2, 9)
    submit(catalog["marriage"], province["commune_a"], citizen, clock, 2020, 3, 3, 9)
    submit(catalog["birth"], province["commune_b"], citizen, clock, 2020, 3, 3, 9, channel="desk")
    report = summary(D(2020, 3, 1), D(2020, 3, 31))
    unused = report["unused_services"]
    names = {item["code"] for item in unused["items"]}
    assert names == {catalog["criminal_record"].code, catalog["marriage_foreign"].code}
    assert (unused["count"], unused["online_services"], unused["share"]) == (2, 4, 50.0)
    assert unused["without_online_dossier"] == 3  # birth registrations came to the desk
    assert [(p["code"], p["received"]) for p in report["least_used"]] == [
        (catalog["birth"].code, 1),
        (catalog["marriage"].code, 2),
    ]
    february = summary(D(2020, 2, 1), D(2020, 2, 29))["unused_services"]
    assert february["count"] == 4


def test_simplification_candidates_rank_procedures_by_trouble(
    catalog, province, citizen, staff, clock
):
    smooth = submit(catalog["birth"], province["commune_a"], citizen, clock, 2020, 3, 2, 9)
    accept(smooth, staff, clock, 2020, 3, 2, 10)
    finish(smooth, staff, clock, 2020, 3, 3, 9)
    troubled = submit(catalog["marriage"], province["commune_a"], citizen, clock, 2020, 3, 2, 9)
    accept(troubled, staff, clock, 2020, 3, 2, 10)
    supplement_round(troubled, staff, citizen, clock, (2020, 3, 3, 9), (2020, 3, 4, 9))
    finish(troubled, staff, clock, 2020, 3, 20, 9)  # due 9 March
    report = summary(D(2020, 3, 1), D(2020, 3, 31))
    [first] = report["simplification"]
    assert first["code"] == catalog["marriage"].code
    assert (first["supplement_requests"], first["late"], first["late_rate"]) == (1, 1, 100.0)
    assert (first["problems"], first["average_days"], first["fee"]) == (2, 18.0, 0)


# ---------------------------------------------------------------- targets


def test_targets_show_progress_and_gap_for_each_agency(
    catalog, province, citizen, clock, targets, monkeypatch
):
    for day in range(2, 12):
        channel = Channel.ONLINE if day == 2 else Channel.DESK
        submit(
            catalog["marriage"],
            province["commune_a"],
            citizen,
            clock,
            2020,
            3,
            day,
            9,
            channel=channel,
        )
    report = summary(D(2020, 1, 1), D(2020, 12, 31))
    assert report["target"] == {
        "year": 2019,
        "online_rate": 20.0,
        "basis": targets.BASIS,
        "actual": 10.0,
        "gap": 10.0,
        "enough": False,  # ten dossiers: the gap is shown, the target not judged
        "met": None,
    }
    monkeypatch.setattr(indicators, "ENOUGH_DOSSIERS", 10)
    assert summary(D(2020, 1, 1), D(2020, 12, 31))["target"]["met"] is False
    district = next(r for r in report["by_agency"] if r["code"] == province["district"].code)
    assert (district["target"]["actual"], district["target"]["gap"]) == (10.0, 10.0)
    Target.objects.filter(year=2021).update(online_rate=55)
    later = summary(D(2020, 12, 1), D(2021, 1, 31))
    assert [p["target"] for p in later["series"]] == [20.0, 55.0]
    assert later["target"]["online_rate"] == 55.0


def test_the_series_gives_each_month_of_the_period(marriage, citizen, clock, province):
    agency = province["commune_a"]
    submit(marriage, agency, citizen, clock, 2020, 1, 15, 9)
    submit(marriage, agency, citizen, clock, 2020, 2, 10, 9, channel=Channel.DESK)
    series = summary(D(2020, 1, 10), D(2020, 3, 5))["series"]
    assert [(p["month"], p["from"], p["to"]) for p in series] == [
        ("2020-01", "2020-01-10", "2020-01-31"),
        ("2020-02", "2020-02-01", "2020-02-29"),
        ("2020-03", "2020-03-01", "2020-03-05"),
    ]
    assert [(p["received"], p["online_rate"]) for p in series] == [(1, 100.0), (1, 0.0), (0, None)]


def test_ratings_count_on_the_day_they_are_given(marriage, citizen, staff, clock, province):
    dossier = submit(marriage, province["commune_a"], citizen, clock, 2020, 3, 2, 9)
    accept(dossier, staff, clock, 2020, 3, 2, 10)
    dossier = finish(dossier, staff, clock, 2020, 3, 3, 9)
    clock.set(2020, 4, 2, 9)
    services.rate(dossier, citizen, "dissatisfied")
    april = dossiers(D(2020, 4, 1), D(2020, 4, 30))
    assert (april["ratings"], april["dissatisfied"], april["satisfaction_rate"]) == (1, 1, 0.0)
    assert dossiers(D(2020, 3, 1), D(2020, 3, 31))["ratings"] == 0


def test_the_scorecard_says_which_parts_the_records_do_not_allow(catalog):
    scorecard = summary(D(2020, 1, 1), D(2020, 12, 31))["scorecard"]
    assert sum(group["points"] for group in scorecard["groups"]) == 100
    assert {p["key"] for p in scorecard["parts"]} >= {
        "on_time_rate",
        "online_dossier_rate",
        "online_payment_rate",
        "digitisation_rate",
        "procedure_satisfaction",
    }
    assert {p["key"] for p in scorecard["not_computed"]} >= {"transparency", "feedback"}
    share = next(p for p in scorecard["parts"] if p["key"] == "online_services_share")
    assert (share["count"], share["of"], share["full_marks_at"]) == (4, 6, 80)


def test_reports_read_the_replica_when_one_is_configured(monkeypatch):
    assert indicators.reports_database() == "default"
    monkeypatch.setitem(django_settings.DATABASES, "reports", django_settings.DATABASES["default"])
    assert indicators.reports_database() == "reports"

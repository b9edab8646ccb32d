"""The progress report explains itself: each dossier is counted once, where it stood at the end
of the period, so that carried over + received = finished + ended without a result + in
progress + waiting, on every row of the dashboard; a rate over a handful of dossiers is shown
but not judged."""

import datetime
import re

import pytest
from django.utils import timezone

from motcua.accounts.models import Role, User
from motcua.dossiers import services
from motcua.dossiers.models import Channel, Status
from motcua.stats import indicators
from tests.factories import advance, at_nine, register, seed_targets

D = datetime.date
# (procedure, agency, channel, received, where it goes, when): every way a dossier can stand at
# the end of a period, spread over agencies and months, as the demo province's are.
LIVES = [
    ("marriage", "commune_a", Channel.ONLINE, D(2020, 1, 6), Status.FINISHED, D(2020, 1, 8)),
    ("marriage", "commune_a", Channel.DESK, D(2020, 1, 7), Status.FINISHED, D(2020, 3, 2)),
    ("marriage", "commune_b", Channel.DESK, D(2020, 1, 8), Status.NOT_ACCEPTED, D(2020, 1, 8)),
    ("birth", "commune_b", Channel.ONLINE, D(2020, 1, 9), Status.WITHDRAWN, D(2020, 2, 3)),
    ("construction", "district", Channel.DESK, D(2020, 1, 13), Status.STOPPED, D(2020, 2, 4)),
    ("construction", "district", Channel.POST, D(2020, 1, 14), Status.SUPPLEMENT, D(2020, 1, 15)),
    ("construction", "district", Channel.DESK, D(2020, 2, 3), Status.PAUSED, D(2020, 2, 5)),
    ("criminal_record", "justice", Channel.ONLINE, D(2020, 2, 5), Status.FEES_REQUESTED, None),
    ("criminal_record", "justice", Channel.ONLINE, D(2020, 1, 6), Status.PROCESSING, None),
    ("criminal_record", "justice", Channel.DESK, D(2020, 3, 2), Status.PROCESSING, None),
    ("birth", "commune_a", Channel.ONLINE, D(2020, 3, 3), Status.SUBMITTED, None),
]
PERIODS = [
    (D(2020, 1, 1), D(2020, 1, 31)),
    (D(2020, 2, 1), D(2020, 2, 29)),  # some carried over from January
    (D(2020, 1, 1), D(2020, 3, 31)),
    (D(2020, 3, 1), D(2020, 12, 31)),  # the overdue ones judged at the year's end
]
OUTCOMES = ("finished", "not_accepted", "withdrawn", "stopped")
STANDING = ("pending_within_time", "pending_overdue", "in_supplement", "fees_requested", "paused")


@pytest.fixture
def lived(catalog, province, citizen, monkeypatch):
    """The dossiers of LIVES, each taken to where it goes on its day (or on its day of receipt)."""
    for procedure, agency, channel, day, status, moved in LIVES:
        dossier = register(catalog[procedure], province[agency], citizen, day, channel)
        with monkeypatch.context() as clock:
            clock.setattr(timezone, "now", lambda when=moved or day: at_nine(when))
            if status == Status.WITHDRAWN:
                services.withdraw(dossier, citizen, "Không cần nữa")
            elif status != Status.SUBMITTED:
                advance(dossier, status)
    return province


@pytest.fixture
def targets(db):
    return seed_targets()


def rows(report: dict) -> list[tuple[str, dict]]:
    """Every row of the progress report: the agencies, the tiers and the total."""
    return [
        *((row["name"], row["dossiers"]) for row in report["by_agency"]),
        *((row["name"], row["dossiers"]) for row in report["by_tier"]),
        ("total", report["dossiers"]),
    ]


@pytest.mark.parametrize(("start", "end"), PERIODS)
def test_the_columns_add_up_to_what_there_was_to_process(lived, start, end):
    report = indicators.summary(start, end)
    for name, d in rows(report):
        counted = [d[key] for key in (*OUTCOMES, *STANDING)]
        assert min(counted) >= 0, (name, d)
        assert sum(counted) == d["carried_over"] + d["received"] == d["to_process"], name
        assert d["pending"] == sum(d[key] for key in STANDING), name
        assert d["waiting"] == d["in_supplement"] + d["fees_requested"] + d["paused"], name


def test_from_the_first_dossier_the_columns_add_up_to_received(lived):
    report = indicators.summary(D(2020, 1, 1), D(2020, 12, 31))
    d = report["dossiers"]
    assert (d["carried_over"], d["received"]) == (0, len(LIVES))
    assert sum(d[key] for key in (*OUTCOMES, *STANDING)) == len(LIVES)
    # Each of them in its own column, the waiting ones once.
    assert (d["in_supplement"], d["fees_requested"], d["paused"]) == (1, 1, 1)
    assert (d["not_accepted"], d["withdrawn"], d["stopped"], d["finished"]) == (1, 1, 1, 2)
    assert d["pending_within_time"] + d["pending_overdue"] == 3


def cells(html: str, table_class: str) -> list[list[int]]:
    """The numbers of each body and footer row of a table of the page (a dot groups
    thousands in Vietnamese)."""
    table = html[html.index(f'class="stats-table {table_class}"') :]
    table = table[: table.index("</table>")]
    body = table[table.index("<tbody>") :]
    found = []
    for row in re.findall(r"<tr>(.*?)</tr>", body, flags=re.S):
        values = re.findall(r"<td>([^<]*)</td>", row)
        found.append([int(v.replace(".", "")) for v in values[:-1]])  # the last: a rate
    return found


@pytest.mark.parametrize(("start", "end"), PERIODS)
def test_on_the_dashboard_every_row_adds_up(client, lived, start, end):
    supervisor = User.objects.create_user(
        "giamsat", password="x", kind="official", role=Role.SUPERVISOR, agency=lived["root"]
    )
    client.force_login(supervisor)
    response = client.get("/mot-cua/thong-ke/", {"from": start, "to": end})
    table = cells(response.content.decode(), "progress")
    assert len(table) == len(indicators.summary(start, end)["by_agency"]) + 1
    for carried, received, _on, _desk, _post, finished, *rest in table:
        _early, _on_time, _late, *ended_and_standing = rest
        assert carried + received == finished + sum(ended_and_standing)


def test_a_rate_over_few_dossiers_is_shown_but_not_judged(lived, targets):
    report = indicators.summary(D(2020, 1, 1), D(2020, 12, 31))
    assert report["dossiers"]["received"] < indicators.ENOUGH_DOSSIERS
    assert report["target"]["actual"] is not None
    assert (report["target"]["enough"], report["target"]["met"]) == (False, None)
    parts = {part["key"]: part for part in report["scorecard"]["parts"]}
    assert parts["online_dossier_rate"]["rate"] is not None
    assert (parts["online_dossier_rate"]["enough"], parts["online_dossier_rate"]["full_marks"]) == (
        False,
        None,
    )
    # Counted over the catalog, not a sample of dossiers: judged whatever the dossiers.
    catalog_part = parts["online_services_share"]
    assert catalog_part["sample"] is None and catalog_part["full_marks"] is not None

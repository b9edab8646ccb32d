"""Rules written once and used by every part: the statistics judge results as the dossier's page
does, and the demo's generated histories only take the workflow table's edges."""

import datetime
import random

import pytest
from django.utils import timezone

from motcua.accounts.models import Role
from motcua.demo import lifecycle
from motcua.dossiers import deadlines, services, workflow
from motcua.dossiers.models import Channel, Dossier, Status
from motcua.stats.models import DossierFact
from tests.factories import dossier_in


@pytest.mark.parametrize("days_before_due", [5, 1, 0, -1, -4])
def test_the_statistics_judge_a_result_as_the_dossier_page_does(
    days_before_due, marriage, citizen, province, staff
):
    """The SQL rule of the statistics and the Python rule of the pages, on the same dossier."""
    dossier = dossier_in(marriage, citizen, province["commune_a"], Status.AWAITING_APPROVAL)
    due = timezone.localdate() + datetime.timedelta(days=days_before_due)
    Dossier.objects.filter(pk=dossier.pk).update(due_date=due)
    leader = staff[("commune_a", Role.LEADER)]
    services.perform(Dossier.objects.get(pk=dossier.pk), "approve", leader)
    finished = Dossier.objects.get(pk=dossier.pk)
    expected = {5: "early", 1: "early", 0: "on_time", -1: "late", -4: "late"}[days_before_due]
    assert deadlines.timeliness(finished) == expected
    assert DossierFact.objects.get(dossier=finished).outcome == expected


def _edge(source: str, target: str, returns_to: str | None) -> bool:
    """Whether some action of the table moves a dossier from `source` to `target`."""
    for transition in workflow.TRANSITIONS.values():
        if source not in transition.sources:
            continue
        if transition.target == target:
            return True
        if transition.target == workflow.PREVIOUS and target == returns_to:
            return True
    return False


def test_every_step_of_a_generated_history_is_an_edge_of_the_table():
    """The demo province draws its dossiers' lives; each step must be one the table allows, and
    each history must end where the dossier stands."""
    end = (120, 17 * 60)
    checked = 0
    for seed in range(4000):
        rng = random.Random(seed)
        submitted = (lifecycle.uniform(rng, 0, 115), lifecycle.office_minute(rng))
        channel = lifecycle.pick(rng, [Channel.ONLINE, Channel.DESK, Channel.POST])
        days = lifecycle.pick(rng, [0, 1, 3, 5, 10, 15, 30])
        life = lifecycle.live(rng, submitted, channel, days, lifecycle.pick(rng, [2, 3, 4]), end)
        before_pause = None
        for _moment, source, target in life.history:
            assert _edge(source, target, before_pause), (seed, source, target)
            if target in (Status.SUPPLEMENT, Status.PAUSED):
                before_pause = source
            checked += 1
        if life.history:
            assert life.history[-1][2] == life.status, seed
    assert checked > 1000

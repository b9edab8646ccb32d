"""A satisfaction rating reaches the national public service portal with its dossier, through
the outbox, over real HTTP to the portal's simulator."""

from __future__ import annotations

from motcua.dossiers import services
from motcua.dossiers.models import Dossier, Event, Status
from tests import factories


def test_a_rating_goes_to_the_national_portal_with_its_dossier(
    simulator, marriage, citizen, province
):
    dossier = factories.dossier_in(marriage, citizen, province["commune_a"], Status.RETURNED)
    before = simulator.received(dossier.code)["messages"]
    assert before and all(message["rating"] is None for message in before)

    services.rate(Dossier.objects.get(pk=dossier.pk), citizen, "satisfied", "Nhanh, chu đáo")

    messages = simulator.received(dossier.code)["messages"]
    assert len(messages) == len(before) + 1
    last = messages[-1]
    assert last["sequence"] == before[-1]["sequence"] + 1
    assert last["status"] == 10 and last["history"][0]["action"] == "rate"
    assert last["rating"]["level"] == "satisfied"
    assert last["rating"]["comment"] == "Nhanh, chu đáo"
    assert Event.objects.filter(dossier=dossier, action="rate").count() == 1

"""The dossier list and the inbox of one status are read from an index in their order: the
database never sorts an agency's dossiers (or the province's) to show a page of 20."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from motcua.accounts.models import Role
from motcua.dossiers.models import Status
from tests import factories

# PostgreSQL plans from its statistics: a table of a few rows is scanned and sorted whatever
# the indexes; bench/bench_dossier_list.py prints its plan at 1,000,000 dossiers.
pytestmark = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="PostgreSQL's plan is checked at scale by the benchmark"
)

READERS = {
    "desk officer of commune A": lambda staff: staff[("commune_a", Role.DESK_OFFICER)],
    "supervisor of the district": lambda staff: staff["supervisor_district"],
}


def _plan_of_page(user, url: str) -> str:
    """The query plan of the page's list query (the one ordered and limited to a page)."""
    client = APIClient()
    client.force_authenticate(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    assert response.json()["results"]
    listing = next(
        q["sql"] for q in queries.captured_queries if "ORDER BY" in q["sql"] and "LIMIT" in q["sql"]
    )
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {listing}")
        return "\n".join(str(row[-1]) for row in cursor.fetchall())


@pytest.fixture
def dossiers(marriage, citizen, province):
    for agency in ("commune_a", "commune_b"):
        for status in (Status.SUBMITTED, Status.PROCESSING):
            factories.dossier_in(marriage, citizen, province[agency], status)


@pytest.mark.parametrize("reader", READERS)
def test_the_dossier_list_is_read_in_its_order_without_a_sort(dossiers, staff, reader):
    plan = _plan_of_page(READERS[reader](staff), "/api/v1/dossiers")
    assert "TEMP B-TREE FOR ORDER BY" not in plan, plan
    assert "dossier_list_idx" in plan or "dossier_agency_list_idx" in plan, plan


def test_the_inbox_of_one_status_is_read_in_its_order_without_a_sort(dossiers, staff):
    officer = staff[("commune_a", Role.DESK_OFFICER)]
    plan = _plan_of_page(officer, "/api/v1/inbox?status=processing")
    assert "TEMP B-TREE FOR ORDER BY" not in plan, plan
    # Read by deadline from the agency's open dossiers (or only that status's entries).
    assert "dossier_open_due_idx (agency_id=?)" in plan or "(agency_id=? AND status=?)" in plan

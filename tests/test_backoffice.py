"""The one-stop back office: who may do what, on which dossiers, and the path to a result."""

import pytest
from rest_framework.test import APIClient

from motcua.accounts.models import Role
from motcua.core.models import AuditEntry
from motcua.dossiers import workflow
from motcua.dossiers.models import Status
from motcua.dossiers.workflow import TRANSITIONS
from tests.factories import dossier_in

SOURCE = {
    "accept": Status.SUBMITTED,
    "refuse_intake": Status.SUBMITTED,
    "request_supplement": Status.SUBMITTED,
    "assign": Status.ACCEPTED,
    "send_for_review": Status.PROCESSING,
    "send_back": Status.UNDER_REVIEW,
    "submit_for_approval": Status.UNDER_REVIEW,
    "approve": Status.AWAITING_APPROVAL,
    "stop": Status.PROCESSING,
    "return_result": Status.FINISHED,
    "consult": Status.PROCESSING,
    "pause": Status.PROCESSING,
    "resume": Status.PAUSED,
    "request_fees": Status.PROCESSING,
    "confirm_fees": Status.FEES_REQUESTED,
}
# Officials act by role on their agency's dossiers; the consulted agency's answer has its own
# matrix in test_liaison.py, the transfer between a receiving desk and a deciding agency in
# test_one_stop_door.py, every other door in test_action_matrix.py.
OFFICIAL_ACTIONS = sorted(workflow.OFFICIAL_ACTIONS - {"transfer"})
ROLES = [r for r in Role.values if r != Role.SUPERVISOR]


def body_for(action, agency_key, staff):
    specialist = staff[(agency_key, Role.SPECIALIST)]
    return {
        "action": action,
        "comment": "Lý do",
        "assignee": specialist.username,
        "items": ["Giấy xác nhận tình trạng hôn nhân"],
        "agency": "000.00.02.H57",  # the Department of Justice, for an opinion
        "delivery": "desk",
    }


@pytest.mark.parametrize("action", OFFICIAL_ACTIONS)
def test_permission_matrix(action, staff, marriage, citizen, province):
    """Every role × every action × own agency / other agency / supervisors, through the API."""
    transition = TRANSITIONS[action]
    api = APIClient()
    callers = [(key, person) for key, person in staff.items() if isinstance(key, tuple)]
    callers += [("supervisor_district", staff["supervisor_district"])]
    callers += [("supervisor_justice", staff["supervisor_justice"])]
    for key, person in callers:
        dossier = dossier_in(marriage, citizen, province["commune_a"], SOURCE[action])
        api.force_authenticate(person)
        response = api.post(
            f"/api/v1/dossiers/{dossier.code}/transitions",
            body_for(action, "commune_a", staff),
            format="json",
        )
        own_agency = key[0] == "commune_a" if isinstance(key, tuple) else False
        if key == "supervisor_district":
            expected = 403  # may read the subtree, never act
        elif not own_agency or person.role == Role.AGENCY_ADMIN:
            expected = 404  # another agency's dossier, or any for the administrator: none
        elif person.role in transition.actors or (
            person.role == Role.DESK_OFFICER and workflow.DECIDER_DESK in transition.actors
        ):
            expected = 200
        else:
            expected = 403
        assert response.status_code == expected, (action, key, response.content)
        dossier.refresh_from_db()
        if expected == 200:
            target = {
                "request_supplement": Status.SUPPLEMENT,
                "resume": Status.PROCESSING,  # where the pause found it
                "confirm_fees": Status.PROCESSING,  # where the request found it
            }.get(action, transition.target)
            assert dossier.status == target
        else:
            assert dossier.status == SOURCE[action], "a refused action changes nothing"


def test_other_agencies_cannot_list_count_or_open(staff, marriage, citizen, province, client):
    dossier = dossier_in(marriage, citizen, province["commune_a"], Status.SUBMITTED)
    outsider = staff[("commune_b", Role.SPECIALIST)]
    api = APIClient()
    api.force_authenticate(outsider)
    assert api.get("/api/v1/inbox").json()["count"] == 0
    assert api.get("/api/v1/dossiers").json()["count"] == 0
    assert api.get(f"/api/v1/dossiers/{dossier.code}").status_code == 404
    assert api.get(f"/api/v1/dossiers/{dossier.code}/history").status_code == 404
    client.force_login(outsider)
    assert client.get(f"/mot-cua/ho-so/{dossier.code}/").status_code == 404
    assert dossier.code not in client.get("/mot-cua/").content.decode()

    insider = staff[("commune_a", Role.SPECIALIST)]
    api.force_authenticate(insider)
    assert [d["code"] for d in api.get("/api/v1/inbox").json()["results"]] == [dossier.code]
    api.force_authenticate(staff["supervisor_district"])
    assert api.get("/api/v1/inbox").json()["count"] == 1
    api.force_authenticate(staff["supervisor_justice"])
    assert api.get("/api/v1/inbox").json()["count"] == 0


def test_the_whole_path_to_a_result(staff, marriage, citizen, province):
    dossier = dossier_in(marriage, citizen, province["commune_a"], Status.SUBMITTED)
    api = APIClient()
    steps = [
        (Role.DESK_OFFICER, {"action": "accept"}),
        (
            Role.HEAD_OF_DIVISION,
            {"action": "assign", "assignee": f"{Role.SPECIALIST}-000.01.31.H57"},
        ),
        (Role.SPECIALIST, {"action": "send_for_review", "comment": "Đủ điều kiện"}),
        (Role.HEAD_OF_DIVISION, {"action": "submit_for_approval"}),
        (Role.LEADER, {"action": "approve"}),
        (Role.DESK_OFFICER, {"action": "return_result", "delivery": "post"}),
    ]
    for role, body in steps:
        api.force_authenticate(staff[("commune_a", role)])
        response = api.post(f"/api/v1/dossiers/{dossier.code}/transitions", body, format="json")
        assert response.status_code == 200, (body, response.content)
    history = api.get(f"/api/v1/dossiers/{dossier.code}/history").json()["results"]
    assert [e["status"] for e in history] == [
        "submitted",
        "accepted",
        "processing",
        "under_review",
        "awaiting_approval",
        "finished",
        "returned",
    ]
    dossier.refresh_from_db()
    assert dossier.assignee == staff[("commune_a", Role.SPECIALIST)]
    assert dossier.delivery == "post" and dossier.returned_at is not None
    assert AuditEntry.objects.filter(object_ref=dossier.code, action="dossier.status").count() == 7


def test_an_illegal_transition_is_refused_with_a_reason(staff, marriage, citizen, province):
    dossier = dossier_in(marriage, citizen, province["commune_a"], Status.PROCESSING)
    api = APIClient()
    api.force_authenticate(staff[("commune_a", Role.LEADER)])
    response = api.post(
        f"/api/v1/dossiers/{dossier.code}/transitions", {"action": "approve"}, format="json"
    )
    assert response.status_code == 409 and "Đang xử lý" in response.json()["detail"]
    missing = api.post(
        f"/api/v1/dossiers/{dossier.code}/transitions", {"action": "stop"}, format="json"
    )
    assert missing.status_code == 400
    dossier.refresh_from_db()
    assert dossier.status == Status.PROCESSING


def test_assigning_a_specialist_of_another_agency_is_refused(staff, marriage, citizen, province):
    dossier = dossier_in(marriage, citizen, province["commune_a"], Status.ACCEPTED)
    api = APIClient()
    api.force_authenticate(staff[("commune_a", Role.HEAD_OF_DIVISION)])
    foreign = staff[("commune_b", Role.SPECIALIST)].username
    response = api.post(
        f"/api/v1/dossiers/{dossier.code}/transitions",
        {"action": "assign", "assignee": foreign},
        format="json",
    )
    assert response.status_code == 400
    dossier.refresh_from_db()
    assert dossier.assignee is None and dossier.status == Status.ACCEPTED


def test_officials_pages_act_and_log_views_of_personal_data(
    staff, marriage, citizen, province, client
):
    dossier = dossier_in(marriage, citizen, province["commune_a"], Status.SUBMITTED)
    desk = staff[("commune_a", Role.DESK_OFFICER)]
    client.force_login(desk)
    inbox = client.get("/mot-cua/").content.decode()
    assert dossier.code in inbox
    page = client.get(f"/mot-cua/ho-so/{dossier.code}/").content.decode()
    assert 'data-action="accept"' in page and 'data-action="approve"' not in page
    assert AuditEntry.objects.filter(
        action="dossier.view", object_ref=dossier.code, actor=desk
    ).exists()
    client.post(f"/mot-cua/ho-so/{dossier.code}/xu-ly/", {"action": "accept"})
    dossier.refresh_from_db()
    assert dossier.status == Status.ACCEPTED
    client.post(f"/mot-cua/ho-so/{dossier.code}/xu-ly/", {"action": "approve"})
    dossier.refresh_from_db()
    assert dossier.status == Status.ACCEPTED


def test_citizens_cannot_open_the_back_office(client, citizen, db):
    client.force_login(citizen)
    assert client.get("/mot-cua/").status_code == 403

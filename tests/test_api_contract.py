"""The API as a contract: closed unless marked public, every id a client needs given, the same
names for the same things in every representation."""

import json

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.permissions import IsAuthenticated
from rest_framework.settings import api_settings
from rest_framework.test import APIClient
from rest_framework.views import APIView

from motcua.accounts.models import Role
from motcua.dossiers.models import Status
from tests import factories

# What anyone may call without logging in; every other API door answers 401 to them.
PUBLIC = {
    "api-root",
    "api-token",
    "api-lookup",
    "api-payment-ipn",
    "api-stats-summary",
    "api-stats-feedback",
    "feedback-list",
    "feedback-detail",
    "agency-list",
    "agency-detail",
    "procedure-list",
    "procedure-detail",
    "sector-list",
    "sector-detail",
    "schema",
    "api-docs",
}


def api_routes(resolver=None, found=None) -> dict[str, URLPattern]:
    """Every named route served by a DRF view, by its name."""
    found = {} if found is None else found
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            api_routes(pattern, found)
        elif issubclass(getattr(pattern.callback, "cls", type), APIView) and pattern.name:
            found.setdefault(pattern.name, pattern)
    return found


def url_of(name: str, pattern: URLPattern) -> str:
    arguments = [g for g in pattern.pattern.regex.groupindex if g != "format"]
    return reverse(name, kwargs=dict.fromkeys(arguments, "H57"))


def test_the_api_is_closed_unless_a_view_says_it_is_public():
    assert [IsAuthenticated] == api_settings.DEFAULT_PERMISSION_CLASSES


def test_only_the_public_endpoints_answer_an_anonymous_caller(catalog):
    anonymous = APIClient()
    routes = api_routes()
    assert set(routes) >= PUBLIC, "every public endpoint still exists"
    open_to_anyone = set()
    for name, pattern in routes.items():
        url = url_of(name, pattern)
        answers = {anonymous.get(url).status_code, anonymous.post(url, {}).status_code}
        if not answers & {401, 403}:
            open_to_anyone.add(name)
        else:
            assert answers == {401}, (name, answers)
    assert open_to_anyone == PUBLIC


def test_a_client_submits_with_the_document_ids_the_catalog_gives(marriage, citizen):
    app = APIClient()
    procedure = app.get(f"/api/v1/procedures/{marriage.code}").json()
    files = {
        f"document_{document['id']}": factories.pdf(f"{document['id']}.pdf")
        for document in procedure["documents"]
    }
    assert files and procedure["documents"][0]["id"] == marriage.documents.get().pk
    token = app.post(
        "/api/v1/auth/token", {"username": citizen.username, "password": "hoa-sen-tren-song"}
    ).json()["token"]
    app.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    answers = {"ho_ten": "Trần Văn Bình", "cccd_vo": "046190001234"}
    body = {"procedure": marriage.code, "agency": procedure["agencies"][0]}
    response = app.post(
        "/api/v1/dossiers", {**body, "fields": json.dumps(answers), **files}, format="multipart"
    )
    assert response.status_code == 201, response.content
    assert len(response.json()["documents"]) == len(files)


def test_the_schema_shows_how_to_submit(client, db):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    documents = schema["components"]["schemas"]["RequiredDocument"]["properties"]
    assert "document_<id>" in documents["id"]["description"]
    submission = schema["paths"]["/api/v1/dossiers/"]["post"]["requestBody"]["content"]
    [example] = submission["multipart/form-data"]["examples"].values()
    assert "documents[].id" in example["description"]
    assert {"procedure", "agency", "fields"} < set(example["value"])
    assert any(name.startswith("document_") for name in example["value"])


@pytest.mark.parametrize("status", [Status.SUBMITTED, Status.PROCESSING])
def test_the_inbox_and_the_dossier_name_procedure_and_agency_by_code(
    status, marriage, citizen, province
):
    dossier = factories.dossier_in(marriage, citizen, province["commune_a"], status)
    api = APIClient()
    api.force_authenticate(factories.official(province["commune_a"], Role.DESK_OFFICER))
    [item] = api.get("/api/v1/inbox").json()["results"]
    whole = api.get(f"/api/v1/dossiers/{dossier.code}").json()
    assert (item["procedure"], item["agency"]) == (marriage.code, "000.01.31.H57")
    assert (whole["procedure"], whole["agency"]) == (item["procedure"], item["agency"])

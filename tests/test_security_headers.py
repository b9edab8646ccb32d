"""The Content-Security-Policy runs no inline code, and answers that carry personal data are
never stored by a browser or a proxy, while static files and public pages stay cacheable."""

# The dossier fixture is imported by name, and the tests take it as an argument.

import re
from pathlib import Path

import pytest
from rest_framework.test import APIClient

from motcua.accounts.authentication import issue_token

SOURCES = Path(__file__).resolve().parent.parent / "src" / "motcua"
# A <script> element that holds code (no src, not a JSON data block), or an on…= handler.
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/(?:ld\+)?json)[^>]*>", re.I)
HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
INLINE_STYLE = re.compile(r"<style\b|\sstyle\s*=", re.I)


def directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in header.split(";") if part.strip())
    }


def inline_code(html: str) -> list[str]:
    return INLINE_SCRIPT.findall(html) + HANDLER.findall(html) + INLINE_STYLE.findall(html)


def is_pdf_template(path: Path) -> bool:
    """Templates drawn into PDFs by WeasyPrint, which no browser runs."""
    posix = path.as_posix()
    return path.name.endswith(".pdf.html") or "/forms/" in posix or "/templates/pdf/" in posix


def is_no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


def test_the_policy_allows_no_inline_script_and_nothing_from_elsewhere(client, catalog):
    policy = directives(client.get("/thu-tuc/"))
    assert policy["script-src"] == ["'self'"] and policy["style-src"] == ["'self'"]
    assert policy["default-src"] == ["'self'"] and policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert not any("unsafe" in value for values in policy.values() for value in values)


def test_no_template_holds_inline_script_or_handler():
    offenders = [
        f"{path.relative_to(SOURCES)}: {found}"
        for path in SOURCES.rglob("templates/**/*.html")
        if not is_pdf_template(path)
        for found in inline_code(path.read_text())
    ]
    assert offenders == []


@pytest.mark.parametrize("url", ["/", "/thu-tuc/", "/thu-tuc/1.000894/", "/tra-cuu/"])
def test_public_pages_carry_the_policy_and_stay_cacheable(client, catalog, url):
    response = client.get(url)
    assert response.status_code == 200
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert not is_no_store(response)
    assert inline_code(response.content.decode()) == []


def test_pages_of_a_signed_in_person_are_not_stored(signed_in, dossier):
    for url in ("/ho-so/", f"/ho-so/{dossier.code}/", f"/thu-tuc/{dossier.procedure.code}/nop/"):
        response = signed_in.get(url)
        assert response.status_code == 200, url
        assert is_no_store(response), url
        assert inline_code(response.content.decode()) == [], url
    # Even a public page: it names the person in its menu.
    assert is_no_store(signed_in.get("/thu-tuc/"))


def test_a_pdf_with_personal_data_is_not_stored(signed_in, dossier):
    response = signed_in.get(f"/ho-so/{dossier.code}/giay-tiep-nhan.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert is_no_store(response)


def test_api_answers_are_not_stored(citizen, dossier, catalog):
    assert is_no_store(APIClient().get("/api/v1/procedures"))
    api = APIClient()
    key, _expires = issue_token(citizen)
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    mine = api.get("/api/v1/dossiers")
    assert mine.status_code == 200 and dossier.code in mine.content.decode()
    assert is_no_store(mine)


def test_static_files_stay_cacheable_for_a_signed_in_person(signed_in):
    response = signed_in.get("/static/motcua/site.css")
    assert response.status_code == 200 and not is_no_store(response)


def test_the_api_docs_run_under_the_site_policy(client, db):
    page = client.get("/api/docs/")
    assert page.status_code == 200
    assert directives(page)["script-src"] == ["'self'"]
    html = page.content.decode()
    assert inline_code(html) == []
    script = re.search(r'<script src="([^"]*script=[^"]*)"', html).group(1)
    start = client.get(script.replace("&amp;", "&"))
    assert start.status_code == 200 and "SwaggerUIBundle" in start.content.decode()
    assert start["Content-Type"].startswith("application/javascript")

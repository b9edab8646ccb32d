"""Single sign-on against a real OpenID provider (tests/oidc_provider.py) on the live server.

The relying party answers on localhost and the provider on 127.0.0.1, so that a client keeps
two sessions although one server serves both. Every call between them (discovery, token,
userinfo, signing keys) goes over HTTP; nothing is mocked.
"""

from __future__ import annotations

import datetime
import re
import uuid
from html.parser import HTMLParser
from importlib import import_module
from urllib.parse import urljoin, urlsplit

import pytest
import requests
from django.conf import settings as django_settings
from django.contrib.auth import SESSION_KEY
from django.utils import timezone
from oauth2_provider.models import Application

from motcua.accounts.models import AccountKind, User
from motcua.accounts.oidc import discovery, oidc_setting
from motcua.core.models import AuditEntry
from motcua.dossiers.models import Dossier
from motcua.notifications.sms import LocmemGateway
from tests import factories
from tests.oidc_provider import CCCD_CLAIM, PEOPLE

PASSWORD = "mat-khau-dinh-danh"
CLIENT_ID = "motcua"
CLIENT_SECRET = "motcua-client-secret"
BINH = {
    CCCD_CLAIM: "046085001234",
    "name": "Trần Văn Bình",
    "email": "binh@example.vn",
    "phone_number": "+84905123456",
}


class Forms(HTMLParser):
    """The forms of a page, each as its action and its named fields' values."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "form":
            self.forms.append((found.get("action") or "", {}))
        elif tag in {"input", "button"} and self.forms and found.get("name"):
            self.forms[-1][1][found["name"]] = found.get("value") or ""


def submit(browser: requests.Session, page: requests.Response, **values: str):
    """Post the page's form that has all of `values`' fields, as a browser would."""
    parser = Forms()
    parser.feed(page.text)
    action, fields = next(form for form in parser.forms if values.keys() <= form[1].keys())
    return browser.post(urljoin(page.url, action), data={**fields, **values}, timeout=10)


def sign_on(relying_party: str, username: str) -> tuple[requests.Session, requests.Response]:
    """From the login page's button: log in at the provider, consent, and come back."""
    browser = requests.Session()
    login = browser.get(f"{relying_party}/tai-khoan/dang-nhap/", timeout=10)
    button = re.search(r'<a class="button" href="([^"]*/oidc/authenticate/[^"]*)"', login.text)
    page = browser.get(urljoin(login.url, button.group(1)), timeout=10)
    assert urlsplit(page.url).hostname == "127.0.0.1", "the provider asks who is there"
    page = submit(browser, page, username=username, password=PASSWORD)
    return browser, submit(browser, page, allow="Authorize")


def signed_in(browser: requests.Session) -> User | None:
    """Who the relying party's session cookie belongs to."""
    store = import_module(django_settings.SESSION_ENGINE).SessionStore
    for cookie in browser.cookies:
        if cookie.name == django_settings.SESSION_COOKIE_NAME and "localhost" in cookie.domain:
            return User.objects.filter(pk=store(cookie.value).get(SESSION_KEY)).first()
    return None


@pytest.fixture
def relying_party(live_server, settings, transactional_db):
    """SSO on, against the suite's provider; the relying party's base URL."""
    base = live_server.url
    issuer = base.replace("//localhost:", "//127.0.0.1:") + "/idp"
    settings.ROOT_URLCONF = "tests.oidc_provider"
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_ISSUER = issuer
    Application.objects.create(
        name="Motcua",
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=f"{base}/tai-khoan/oidc/callback/",
        algorithm=Application.RS256_ALGORITHM,
    )
    PEOPLE.clear()
    yield base
    PEOPLE.clear()
    discovery.cache_clear()


def provider_account(username: str, **claims: str) -> None:
    """An account at the provider, and what the national registry says of its holder."""
    User.objects.create_user(username, password=PASSWORD)
    PEOPLE[username] = claims


def test_first_sign_on_creates_a_citizen_account_and_the_next_finds_it(relying_party):
    provider_account("vneid-binh", **BINH)

    browser, page = sign_on(relying_party, "vneid-binh")
    assert page.status_code == 200 and page.url == f"{relying_party}/ho-so/"
    user = User.objects.get(id_number=BINH[CCCD_CLAIM])
    assert signed_in(browser) == user
    assert (user.full_name, user.email, user.phone) == (BINH["name"], BINH["email"], "0905123456")
    assert user.identity_verified
    assert user.kind == AccountKind.CITIZEN and user.is_active
    assert not user.has_usable_password()
    accounts = User.objects.count()

    browser, page = sign_on(relying_party, "vneid-binh")
    assert page.url == f"{relying_party}/ho-so/" and signed_in(browser) == user
    assert User.objects.count() == accounts


CHOICE_PAGE = "/tai-khoan/vneid/tai-khoan-co-san/"


def test_an_account_registered_by_phone_with_the_same_cccd_is_linked_by_its_password(
    relying_party,
):
    registered = User.objects.create_user(
        "0912345678", phone="0912345678", id_number=BINH[CCCD_CLAIM], password="hoa-sen-tren-song"
    )
    provider_account("vneid-binh", **BINH)

    browser, page = sign_on(relying_party, "vneid-binh")
    assert page.url == relying_party + CHOICE_PAGE and signed_in(browser) is None
    assert "0912345678" not in page.text
    wrong = submit(browser, page, username="0912345678", password="khong-phai-mat-khau")
    assert "Sai tên đăng nhập hoặc mật khẩu" in wrong.text and signed_in(browser) is None
    page = submit(browser, wrong, username="0912 345 678", password="hoa-sen-tren-song")
    assert page.url == f"{relying_party}/ho-so/" and signed_in(browser) == registered
    assert User.objects.filter(id_number=BINH[CCCD_CLAIM]).count() == 1
    registered.refresh_from_db()
    assert registered.phone == "0912345678" and registered.check_password("hoa-sen-tren-song")
    assert registered.identity_verified

    browser, page = sign_on(relying_party, "vneid-binh")
    assert page.url == f"{relying_party}/ho-so/" and signed_in(browser) == registered


def test_an_account_is_linked_by_a_code_sent_to_its_phone(relying_party):
    registered = User.objects.create_user(
        "0912345678", phone="0912345678", id_number=BINH[CCCD_CLAIM], password="hoa-sen-tren-song"
    )
    provider_account("vneid-binh", **BINH)

    browser, page = sign_on(relying_party, "vneid-binh")
    page = submit(browser, page, send="1", contact="0912 345 678")
    assert page.url == relying_party + CHOICE_PAGE and signed_in(browser) is None
    phone, text = LocmemGateway.outbox[-1]
    code = re.search(r"\b(\d{6})\b", text).group(1)
    assert phone == "0912345678"
    wrong = submit(browser, page, by_code="1", code="000000" if code != "000000" else "111111")
    assert "sai hoặc đã hết hạn" in wrong.text and signed_in(browser) is None
    page = submit(browser, wrong, by_code="1", code=code)
    assert page.url == f"{relying_party}/ho-so/" and signed_in(browser) == registered
    registered.refresh_from_db()
    assert registered.identity_verified and registered.id_number == BINH[CCCD_CLAIM]


def register_by_phone(relying_party: str, phone: str, cccd: str) -> requests.Session:
    """A stranger registers and confirms an account with their phone and `cccd`."""
    browser = requests.Session()
    page = browser.get(f"{relying_party}/tai-khoan/dang-ky/", timeout=10)
    fields = {"full_name": "Kẻ Lạ", "contact": phone, "birth_date": "1985-03-02"}
    page = submit(
        browser,
        page,
        kind="citizen",
        id_number=cccd,
        password1="ke-la-mat-khau",
        password2="ke-la-mat-khau",
        **fields,
    )
    code = re.search(r"\b(\d{6})\b", LocmemGateway.outbox[-1][1]).group(1)
    parser = Forms()
    parser.feed(page.text)
    token = next(fields for _action, fields in parser.forms if "code" in fields)[
        "csrfmiddlewaretoken"
    ]
    browser.post(page.url, data={"csrfmiddlewaretoken": token, "code": code}, timeout=10)
    return browser


def test_a_stranger_who_typed_the_cccd_neither_blocks_nor_captures_the_owner(relying_party):
    stranger_browser = register_by_phone(relying_party, "0987654321", BINH[CCCD_CLAIM])
    stranger = User.objects.get(phone="0987654321")
    assert signed_in(stranger_browser) == stranger and stranger.id_number == BINH[CCCD_CLAIM]
    provider_account("vneid-binh", **BINH)

    browser, page = sign_on(relying_party, "vneid-binh")
    assert page.url == relying_party + CHOICE_PAGE and signed_in(browser) is None
    assert "0987654321" not in page.text and "Kẻ Lạ" not in page.text
    page = submit(browser, page, new="1")
    assert page.url == f"{relying_party}/ho-so/"
    owner = signed_in(browser)
    assert owner != stranger and owner.identity_verified
    assert owner.id_number == BINH[CCCD_CLAIM] and owner.phone == "0905123456"
    stranger.refresh_from_db()
    assert stranger.id_number is None and not stranger.identity_verified
    released = AuditEntry.objects.get(action="accounts.cccd_claim_released")
    assert released.object_ref == "user:0987654321" and released.actor == owner

    # The stranger's password opens only the stranger's account; the owner comes back to theirs.
    stranger_browser.post(f"{relying_party}/tai-khoan/dang-xuat/", timeout=10)
    page = stranger_browser.get(f"{relying_party}/tai-khoan/dang-nhap/", timeout=10)
    submit(stranger_browser, page, username="0987654321", password="ke-la-mat-khau")
    assert signed_in(stranger_browser) == stranger
    # Nor can the stranger reach the choice page without the provider's word.
    assert stranger_browser.get(relying_party + CHOICE_PAGE, timeout=10).url.endswith(
        "/tai-khoan/dang-nhap/"
    )
    browser, page = sign_on(relying_party, "vneid-binh")
    assert page.url == f"{relying_party}/ho-so/" and signed_in(browser) == owner

    # A later claim on the profile page is released at the owner's next sign-on.
    page = stranger_browser.get(f"{relying_party}/tai-khoan/thong-tin-ca-nhan/", timeout=10)
    submit(stranger_browser, page, full_name="Kẻ Lạ", id_number=BINH[CCCD_CLAIM])
    stranger.refresh_from_db()
    assert stranger.id_number == BINH[CCCD_CLAIM]
    browser, page = sign_on(relying_party, "vneid-binh")
    assert page.url == f"{relying_party}/ho-so/" and signed_in(browser) == owner
    stranger.refresh_from_db()
    assert stranger.id_number is None


def test_an_expired_registration_holds_neither_phone_nor_cccd(relying_party):
    User.objects.create_user(
        "0905123456",
        phone="0905123456",
        id_number=BINH[CCCD_CLAIM],
        password="ke-la-mat-khau",
        is_active=False,
        registration_expires_at=timezone.now() - datetime.timedelta(seconds=1),
    )
    provider_account("vneid-binh", **BINH)

    browser, page = sign_on(relying_party, "vneid-binh")
    assert page.url == f"{relying_party}/ho-so/"
    owner = signed_in(browser)
    assert owner.identity_verified and owner.phone == "0905123456"
    assert User.objects.filter(phone="0905123456").count() == 1


@pytest.mark.parametrize("cccd", [None, "04608500123"], ids=["no CCCD", "malformed CCCD"])
def test_a_person_without_a_valid_cccd_is_refused(relying_party, cccd):
    claims = {key: value for key, value in {**BINH, CCCD_CLAIM: cccd}.items() if value}
    provider_account("vneid-binh", **claims)

    browser, page = sign_on(relying_party, "vneid-binh")
    assert page.url == f"{relying_party}/tai-khoan/dang-nhap/" and signed_in(browser) is None
    assert "message-error" in page.text
    assert list(User.objects.values_list("username", flat=True)) == ["vneid-binh"]


@pytest.mark.django_db
def test_without_a_client_id_there_is_no_single_sign_on(client):
    assert "/oidc/authenticate/" not in client.get("/tai-khoan/dang-nhap/").content.decode()
    for url in ("/tai-khoan/oidc/authenticate/", "/tai-khoan/oidc/callback/?code=x&state=y"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == "/tai-khoan/dang-nhap/"


def test_explicit_endpoints_need_no_discovery(settings):
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_ISSUER = ""
    settings.OIDC_OP_TOKEN_ENDPOINT = "https://id.example.vn/token"
    assert oidc_setting("OIDC_OP_TOKEN_ENDPOINT") == "https://id.example.vn/token"
    assert oidc_setting("OIDC_OP_JWKS_ENDPOINT") is None


def test_a_dossier_started_after_a_vneid_sign_on_carries_the_verified_identity(
    relying_party, province
):
    procedure = factories.procedure("Đăng ký khai sinh", agencies=[province["commune_a"]])
    provider_account("vneid-binh", **BINH)
    browser, _page = sign_on(relying_party, "vneid-binh")
    form = browser.get(f"{relying_party}/thu-tuc/{procedure.code}/nop/", timeout=10)
    submit(browser, form, token=uuid.uuid4().hex)

    dossier = Dossier.objects.get(applicant__id_number=BINH[CCCD_CLAIM])
    assert dossier.identity_verified
    shown = browser.get(f"{relying_party}/api/v1/dossiers/{dossier.code}/", timeout=10).json()
    assert shown["identity_verified"] is True

    by_password = User.objects.create_user("0905000111", password=PASSWORD, phone="0905000111")
    assert not factories.submitted(procedure, by_password).identity_verified

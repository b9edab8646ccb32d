"""No serious accessibility fault (axe-core) on the pages most people use, in Vietnamese and in
English: the public pages and the citizen's form and dossier on a 390-pixel phone, the
statistics dashboard on an official's 1366×768 laptop. In English, the citizen's pages also
fit a 360-pixel screen, and no page shows a field's key or a date written the program's way."""

import re

import pytest
from django.contrib.auth.hashers import make_password
from playwright.sync_api import expect

from motcua.accounts.models import Role, User
from motcua.dossiers.models import Status
from tests import factories
from tests.browser.axe import serious_violations
from tests.browser.conftest import PHONE
from tests.browser.test_stats_dashboard import (  # noqa: F401 (fixtures)
    chart_library,
    seeded,
    targets,
)
from tests.second_factor import give_authenticator, pass_second_factor

pytestmark = pytest.mark.browser
PASSWORD = "nha-van-hoa-cong-dong"
LAPTOP = {"viewport": {"width": 1366, "height": 768}}
LANGUAGES = {"vi": "Tiếng Việt", "en": "English"}
# What the program writes and a person should never read: a key such as `ho_ten`, a date
# such as 2020-05-01.
RAW_KEY = re.compile(r"\b[a-z0-9]+(?:_[a-z0-9]+)+\b")
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
PUBLIC_PAGES = ["/", "/thu-tuc/?q=ket+hon", "/thu-tuc/{procedure}/", "/thong-ke/"]
CITIZEN_PAGES = ["/thu-tuc/{procedure}/nop/", "/ho-so/{dossier}/"]


@pytest.fixture
def applicant(seeded, marriage):  # noqa: F811 (a fixture)
    """The seeded statistics' citizen, with a password, a marriage form asking for a date and
    a dossier of hers the commune asks more documents for."""
    citizen = User.objects.get(phone="0905123456")
    citizen.password = make_password(PASSWORD)
    citizen.save(update_fields=["password"])
    marriage.form_fields += [{"name": "ngay_cuoi", "label": "Ngày dự kiến tổ chức", "type": "date"}]
    marriage.save()
    answers = {"ho_ten": "Trần Văn Bình", "cccd_vo": "046190001111", "ngay_cuoi": "2020-05-01"}
    waiting = factories.dossier(
        marriage, citizen, seeded["commune_a"], Status.SUPPLEMENT, form_data=answers
    )
    return citizen, waiting


def open_context(browser, live_server, screen: dict):
    """A context axe-core can be injected into, and its page."""
    context = browser.new_context(base_url=live_server.url, bypass_csp=True, **screen)
    context.set_default_timeout(10_000)
    return context, context.new_page()


def log_in(page, username: str, device=None) -> None:
    """Through the login page (in Vietnamese) and, for an official, the authenticator."""
    page.goto("/tai-khoan/dang-nhap/")
    page.get_by_label("Số điện thoại, e-mail hoặc tên đăng nhập").fill(username)
    page.get_by_label(re.compile(r"^Mật khẩu")).fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    if device is not None:
        pass_second_factor(page, device)
    expect(page.get_by_role("button", name="Đăng xuất")).to_be_visible()


def speak(page, language: str) -> None:
    """Pick the language with the site's switch."""
    page.goto("/")
    page.get_by_role("button", name=LANGUAGES[language]).click()
    expect(page.locator("html")).to_have_attribute("lang", language)


def shown(page, path: str) -> None:
    """Open the page and, on a statistics page, wait for its charts."""
    page.goto(path)
    if "thong-ke" in path:
        page.locator("#stats[data-drawn]").wait_for()


def raw_text(page) -> list[str]:
    """Keys and ISO dates in the text a person reads."""
    text = page.evaluate("document.body.innerText")
    return RAW_KEY.findall(text) + ISO_DATE.findall(text)


def wider_than(page, width: int) -> bool:
    page.set_viewport_size({"width": width, "height": 640})
    wide = page.evaluate("document.documentElement.scrollWidth > innerWidth")
    page.set_viewport_size(PHONE["viewport"])
    return wide


def faults(page, paths: list[str], language: str, *, phone: bool, shots) -> dict[str, list]:
    """What is wrong on each page: see `faults_here`."""
    found = {}
    for path in paths:
        shown(page, path)
        found |= faults_here(page, path, language, phone=phone, shots=shots)
    return found


def faults_here(page, name: str, language: str, *, phone: bool, shots) -> dict[str, list]:
    """What is wrong on the page as it stands: axe-core's findings and, in English, the
    program's words and (on a phone) a page wider than 360 pixels; a screenshot kept."""
    shot = shots / f"{language}-{name.strip('/').replace('/', '_')}.png"
    page.screenshot(path=shot, full_page=True)
    wrong = serious_violations(page)
    if language == "en":
        wrong += raw_text(page)
        if phone and wider_than(page, 360):
            wrong.append("wider than 360 pixels")
    return {name: wrong} if wrong else {}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.usefixtures("chart_library", "targets")
def test_the_public_pages_on_a_phone(browser, live_server, applicant, language, tmp_path):
    _citizen, dossier = applicant
    context, page = open_context(browser, live_server, PHONE)
    speak(page, language)
    paths = [path.format(procedure=dossier.procedure.code) for path in PUBLIC_PAGES]
    found = faults(page, paths, language, phone=True, shots=tmp_path)
    context.close()
    assert found == {}


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_citizens_form_and_dossier_on_a_phone(
    browser, live_server, applicant, language, tmp_path
):
    citizen, dossier = applicant
    context, page = open_context(browser, live_server, PHONE)
    log_in(page, citizen.username)
    speak(page, language)
    code = dossier.procedure.code
    paths = [path.format(procedure=code, dossier=dossier.code) for path in CITIZEN_PAGES]
    found = faults(page, paths, language, phone=True, shots=tmp_path)
    # The form again, sent with a mistake: its messages must be read out and legible too.
    page.goto(f"/thu-tuc/{code}/nop/")
    page.locator("#id_field_cccd_vo").fill("12345")
    page.locator('button[name="submit"]').click()
    expect(page.locator("[aria-invalid=true]").first).to_be_visible()
    found |= faults_here(page, "form-with-a-mistake", language, phone=True, shots=tmp_path)
    context.close()
    assert found == {}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.usefixtures("seeded", "chart_library", "targets")
def test_the_statistics_dashboard_on_a_laptop(browser, live_server, province, language, tmp_path):
    supervisor = User.objects.create_user(
        "giamsat", password=PASSWORD, kind="official", role=Role.SUPERVISOR, agency=province["root"]
    )
    device = give_authenticator(supervisor)
    context, page = open_context(browser, live_server, LAPTOP)
    log_in(page, supervisor.username, device)
    speak(page, language)
    found = faults(page, ["/mot-cua/thong-ke/"], language, phone=False, shots=tmp_path)
    context.close()
    assert found == {}

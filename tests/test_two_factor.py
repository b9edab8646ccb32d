"""The second factor of officials and staff, at the pages, the admin and the API token."""

import base64
import time

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from motcua.accounts.models import Role, User
from motcua.accounts.two_factor import (
    needs_second_factor,
    new_recovery_codes,
    pending_authenticator,
)
from motcua.core.models import AuditEntry
from motcua.demo.province import DEMO_TOTP_SECRET, demo_authenticator
from motcua.dossiers.models import Dossier
from tests.second_factor import current_code, give_authenticator

PASSWORD = "cau-truong-tien"
GATE = "/tai-khoan/xac-thuc-hai-buoc/"
ENROL = "/tai-khoan/xac-thuc-hai-buoc/cai-dat/"
RECOVERY = "/tai-khoan/xac-thuc-hai-buoc/ma-du-phong/"


@pytest.fixture
def official(province):
    return User.objects.create_user(
        "motcua.xa",
        password=PASSWORD,
        kind="official",
        role=Role.DESK_OFFICER,
        agency=province["commune_a"],
    )


def password_step(client, username: str, password: str = PASSWORD, next_url: str = ""):
    data = {"username": username, "password": password}
    if next_url:
        data["next"] = next_url
    response = client.post("/tai-khoan/dang-nhap/", data)
    assert response.status_code == 302, "the password step failed"
    return response


def wait_for_throttle(device) -> None:
    """django-otp makes the next try wait 1, 2, 4… seconds after each wrong one."""
    device.refresh_from_db()
    if device.throttling_failure_count:
        time.sleep(2 ** (device.throttling_failure_count - 1) + 0.1)


def test_who_needs_a_second_factor(official, citizen):
    staff_member = User.objects.create_user("nhanvien", password=PASSWORD, is_staff=True)
    root = User.objects.create_superuser("root", password=PASSWORD)
    assert needs_second_factor(official) and needs_second_factor(staff_member)
    assert needs_second_factor(root)
    assert not needs_second_factor(citizen) and not needs_second_factor(AnonymousUser())


@pytest.mark.parametrize(
    "kind,role,staff",
    [
        ("official", Role.DESK_OFFICER, False),
        ("official", Role.SPECIALIST, False),
        ("official", Role.LEADER, False),
        ("official", Role.AGENCY_ADMIN, False),
        ("official", Role.SUPERVISOR, False),
        ("official", Role.DESK_OFFICER, True),
        ("citizen", "", True),
    ],
)
def test_a_password_alone_opens_no_back_office_page_admin_page_or_action(
    client, province, kind, role, staff
):
    person = User.objects.create_user(
        "canbo",
        password=PASSWORD,
        kind=kind,
        role=role,
        agency=province["commune_a"] if kind == "official" else None,
        is_staff=staff,
        is_superuser=staff,
    )
    give_authenticator(person)
    password_step(client, "canbo")
    for page in ("/mot-cua/", "/mot-cua/thong-ke/", "/admin/", "/admin/accounts/user/", "/ho-so/"):
        response = client.get(page)
        assert response.status_code == 302, page
        assert response["Location"].startswith(f"{GATE}?next="), page
    taken = client.post("/mot-cua/tiep-nhan/", {"procedure": "1.000894"})
    assert taken.status_code == 302 and taken["Location"] == GATE
    assert not Dossier.objects.exists()
    by_session = client.get("/api/v1/inbox")
    assert by_session.status_code == 403
    assert by_session.json()["detail"] == "Cần xác thực hai bước."
    assert client.get(GATE).status_code == 200  # the way on is open


def test_the_admin_login_is_the_sites_own(client, db):
    response = client.get("/admin/login/?next=/admin/accounts/user/")
    assert response.status_code == 302
    assert response["Location"] == "/tai-khoan/dang-nhap/?next=/admin/accounts/user/"


def test_a_verified_superuser_reaches_the_admin(client, db):
    root = User.objects.create_superuser("root", password=PASSWORD, kind="official")
    device = give_authenticator(root)
    password_step(client, "root", next_url="/admin/")
    response = client.post(GATE, {"code": current_code(device), "next": "/admin/"})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_an_official_without_a_device_enrols_then_gets_recovery_codes_once(client, official):
    password_step(client, "motcua.xa")
    assert client.get(GATE)["Location"].startswith(ENROL)
    page = client.get(ENROL)
    html = page.content.decode()
    assert page.status_code == 200 and "<svg" in html and "Cài đặt xác thực hai bước" in html
    device = pending_authenticator(official)
    assert not device.confirmed
    # The secret is shown as an app needs it: base32, the key of the QR code's otpauth address.
    secret = device.config_url.split("secret=")[1].split("&")[0]
    assert " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)) in html
    assert client.get(ENROL).content.decode().count(secret[:4]) >= 1  # same secret on reload
    assert TOTPDevice.objects.filter(user=official).count() == 1

    wrong = client.post(ENROL, {"code": "000000" if current_code(device) != "000000" else "1"})
    assert "Mã không đúng hoặc đã hết hạn" in wrong.content.decode()
    assert client.get("/mot-cua/").status_code == 302
    wait_for_throttle(device)

    confirmed = client.post(ENROL, {"code": current_code(device), "next": "/mot-cua/"})
    assert confirmed.status_code == 302 and confirmed["Location"].startswith(RECOVERY)
    device.refresh_from_db()
    assert device.confirmed
    shown = client.get(confirmed["Location"])
    codes = list(shown.context["codes"])
    assert len(codes) == 10 and len(set(codes)) == 10
    assert all(code in shown.content.decode() for code in codes)
    assert sorted(StaticToken.objects.values_list("token", flat=True)) == sorted(codes)
    assert client.get(RECOVERY).status_code == 302  # shown once only
    assert client.get("/mot-cua/").status_code == 200
    assert AuditEntry.objects.filter(action="second_factor.enrol").count() == 1
    # With a confirmed device, the enrolment page is closed: nobody adds a second device.
    assert client.get(ENROL)["Location"].startswith(GATE)


def test_an_enrolled_official_cannot_enrol_another_device_with_the_password(client, official):
    give_authenticator(official)
    password_step(client, "motcua.xa")
    assert client.get(ENROL)["Location"].startswith(GATE)
    assert client.post(ENROL, {"code": "123456"})["Location"].startswith(GATE)
    assert TOTPDevice.objects.filter(user=official).count() == 1


def test_the_code_opens_the_back_office_and_a_wrong_one_is_refused_and_slowed(client, official):
    device = give_authenticator(official)
    password_step(client, "motcua.xa", next_url="/mot-cua/")
    page = client.get(GATE + "?next=/mot-cua/")
    assert "Mã xác thực" in page.content.decode()
    right = current_code(device)
    wrong = client.post(GATE, {"code": "999999" if right != "999999" else "888888"})
    assert wrong.status_code == 200
    assert "Mã không đúng hoặc đã hết hạn" in wrong.content.decode()
    # Straight after a wrong code even the right one waits: django-otp's throttling.
    slowed = client.post(GATE, {"code": right})
    assert "Bạn đã nhập sai mã quá nhiều lần. Vui lòng chờ" in slowed.content.decode()
    assert client.get("/mot-cua/").status_code == 302
    wait_for_throttle(device)
    passed = client.post(GATE, {"code": current_code(device), "next": "/mot-cua/"})
    assert passed.status_code == 302 and passed["Location"] == "/mot-cua/"
    assert client.get("/mot-cua/").status_code == 200
    assert AuditEntry.objects.filter(action="second_factor.verify").exists()


def test_a_code_is_accepted_once(client, official):
    device = give_authenticator(official)
    password_step(client, "motcua.xa")
    code = current_code(device)
    assert client.post(GATE, {"code": code}).status_code == 302
    client.post("/tai-khoan/dang-xuat/")
    password_step(client, "motcua.xa")
    replayed = client.post(GATE, {"code": code})
    assert replayed.status_code == 200 and client.get("/mot-cua/").status_code == 302


def test_a_recovery_code_opens_once(client, official):
    device = give_authenticator(official)
    password_step(client, "motcua.xa")
    codes = new_recovery_codes(official)
    response = client.post(GATE, {"code": codes[3].upper()[:4] + "-" + codes[3][4:]})
    assert response.status_code == 302
    assert client.get("/mot-cua/").status_code == 200
    assert StaticToken.objects.count() == 9
    client.post("/tai-khoan/dang-xuat/")

    password_step(client, "motcua.xa")
    again = client.post(GATE, {"code": codes[3]})
    assert "Mã không đúng hoặc đã hết hạn" in again.content.decode()
    assert client.get("/mot-cua/").status_code == 302
    assert device.pk  # the authenticator is untouched


def test_a_citizen_logs_in_as_before(client, citizen):
    response = password_step(client, "0905123456", "hoa-sen-tren-song")
    assert response["Location"] == "/ho-so/"
    assert client.get("/ho-so/").status_code == 200
    assert client.get(GATE)["Location"] == "/ho-so/"  # nothing to verify: sent on
    assert not TOTPDevice.objects.exists()


def token(username: str, password: str, **extra):
    return APIClient().post(
        "/api/v1/auth/token", {"username": username, "password": password, **extra}
    )


def test_an_officials_api_token_needs_the_code(official):
    refused = token("motcua.xa", PASSWORD)
    assert refused.status_code == 400  # no device yet
    assert "cài đặt xác thực hai bước" in refused.json()["otp"][0]

    device = give_authenticator(official)
    missing = token("motcua.xa", PASSWORD)
    assert missing.status_code == 400 and "trường otp" in missing.json()["otp"][0]
    right = current_code(device)
    wrong = token("motcua.xa", PASSWORD, otp="999999" if right != "999999" else "888888")
    assert wrong.status_code == 400 and "Mã không đúng" in wrong.json()["otp"][0]
    assert "token" not in wrong.json()
    wait_for_throttle(device)

    granted = token("motcua.xa", PASSWORD, otp=current_code(device))
    assert granted.status_code == 200
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {granted.json()['token']}")
    assert api.get("/api/v1/inbox").status_code == 200


def test_a_citizens_api_token_needs_no_code(citizen):
    response = token("0905123456", "hoa-sen-tren-song")
    assert response.status_code == 200 and response.json()["token"]


def test_force_login_in_tests_verifies_officials_with_a_real_device(client, official):
    """The test helper (tests/conftest.py) goes through django-otp, not around it."""
    client.force_login(official)
    assert client.get("/mot-cua/").status_code == 200
    assert TOTPDevice.objects.get(user=official).confirmed


def test_the_demo_officials_hold_the_published_secret(province):
    device = demo_authenticator(User.objects.create_user("giamsat", kind="official"))
    assert device.config_url.split("secret=")[1].startswith(DEMO_TOTP_SECRET)
    now = TOTP(device.bin_key).token()
    assert current_code(device) == str(now).zfill(6)


def test_demo_code_prints_the_current_code(capsys, db):
    call_command("demo_code")
    printed = capsys.readouterr().out
    expected = str(TOTP(base64.b32decode(DEMO_TOTP_SECRET)).token()).zfill(6)
    assert expected in printed


def test_an_administrator_resets_a_lost_authenticator_without_seeing_its_secret(
    client, db, official
):
    lost = give_authenticator(official)
    root = User.objects.create_superuser("root", password=PASSWORD, kind="official")
    client.force_login(root)
    page = client.get(f"/admin/otp_totp/totpdevice/{lost.pk}/change/")
    assert page.status_code == 200
    secret = lost.config_url.split("secret=")[1].split("&")[0]
    assert lost.key not in page.content.decode() and secret not in page.content.decode()
    client.post(f"/admin/otp_totp/totpdevice/{lost.pk}/delete/", {"post": "yes"})
    assert not TOTPDevice.objects.filter(pk=lost.pk).exists()

    official_client = type(client)()
    password_step(official_client, "motcua.xa")
    assert official_client.get(GATE)["Location"].startswith(ENROL)  # sets up a new one

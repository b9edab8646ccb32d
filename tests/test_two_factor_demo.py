"""The demo's officials pass the second factor with the published demo secret."""

import base64
import io

import pytest
from django.core.management import call_command
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from motcua.accounts.models import User
from motcua.accounts.two_factor import needs_second_factor
from motcua.demo.province import DEMO_PASSWORD, DEMO_TOTP_SECRET


@pytest.mark.django_db
def test_every_demo_official_holds_the_demo_secret_and_load_demo_says_so(demo_catalog_db):
    key = base64.b32decode(DEMO_TOTP_SECRET).hex()
    for user in User.objects.all():
        devices = TOTPDevice.objects.filter(user=user, confirmed=True)
        if needs_second_factor(user):
            assert [d.key for d in devices] == [key], user.username
        else:
            assert not devices.exists(), user.username
    out = io.StringIO()
    call_command("load_demo", "--if-empty", stdout=out)
    assert DEMO_TOTP_SECRET in out.getvalue() and "demo_code" in out.getvalue()


@pytest.mark.django_db
def test_a_demo_official_logs_in_with_the_code_demo_code_prints(demo_catalog_db, client):
    client.post("/tai-khoan/dang-nhap/", {"username": "giamsat", "password": DEMO_PASSWORD})
    assert client.get("/mot-cua/").status_code == 302
    out = io.StringIO()
    call_command("demo_code", stdout=out)
    code = out.getvalue().strip().rsplit(" ", 1)[-1]
    assert code == str(totp(base64.b32decode(DEMO_TOTP_SECRET))).zfill(6)
    assert client.post("/tai-khoan/xac-thuc-hai-buoc/", {"code": code}).status_code == 302
    assert client.get("/mot-cua/").status_code == 200

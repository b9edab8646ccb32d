import pytest
from django.test import Client

from motcua.accounts.models import User
from motcua.notifications.sms import LocmemGateway


@pytest.fixture(autouse=True)
def empty_sms_outbox():
    LocmemGateway.outbox.clear()


def register(client, **changes):
    data = {
        "kind": "citizen",
        "full_name": "Trần Văn Bình",
        "contact": "0905 123 456",
        "birth_date": "1985-03-02",
        "id_number": "046085001234",
        "password1": "hoa-sen-tren-song",
        "password2": "hoa-sen-tren-song",
        **changes,
    }
    return client.post("/tai-khoan/dang-ky/", data)


def sent_code() -> str:
    _phone, text = LocmemGateway.outbox[-1]
    return next(word for word in text.split() if word.rstrip(".").isdigit()).rstrip(".")


@pytest.mark.django_db
def test_register_confirm_by_sms_code_and_log_in(client):
    response = register(client)
    assert response.status_code == 302 and response["Location"] == "/tai-khoan/xac-nhan/"
    user = User.objects.get(phone="0905123456")
    assert not user.is_active and user.id_number == "046085001234"
    assert LocmemGateway.outbox[-1][0] == "0905123456"

    wrong = client.post(
        "/tai-khoan/xac-nhan/", {"code": "000000" if sent_code() != "000000" else "111111"}
    )
    assert "sai hoặc đã hết hạn" in wrong.content.decode()
    assert client.post("/tai-khoan/xac-nhan/", {"code": sent_code()}).status_code == 302
    user.refresh_from_db()
    assert user.is_active

    client.post("/tai-khoan/dang-xuat/")
    for login_name in ("0905123456", "+84905123456", "090.512.3456"):
        response = client.post(
            "/tai-khoan/dang-nhap/", {"username": login_name, "password": "hoa-sen-tren-song"}
        )
        assert response.status_code == 302, login_name
        client.post("/tai-khoan/dang-xuat/")


@pytest.mark.django_db
def test_register_by_email_sends_the_code_by_mail(client, mailoutbox):
    register(client, contact="Binh@Example.vn", id_number="")
    user = User.objects.get(email="binh@example.vn")
    assert mailoutbox[-1].to == ["binh@example.vn"] and not user.is_active


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"contact": "12345"}, "contact", "số điện thoại di động (10 chữ số) hoặc địa chỉ e-mail"),
        ({"id_number": "04608500123"}, "id_number", "đúng 12 chữ số"),
        ({"id_number": "046090001234"}, "id_number", "sinh năm 1990, không phải năm 1985"),
        ({"password2": "khac-hoan-toan"}, "password2", "Hai mật khẩu không khớp"),
        ({"password1": "12345678", "password2": "12345678"}, "password1", "mật khẩu"),
        ({"kind": "business", "tax_code": "12"}, "tax_code", "Mã số thuế"),
    ],
)
def test_bad_registration_input_is_explained_and_creates_nothing(client, changes, field, message):
    response = register(client, **changes)
    assert response.status_code == 200
    assert message.lower() in response.content.decode().lower()
    assert User.objects.count() == 0 and LocmemGateway.outbox == []


@pytest.mark.django_db
def test_same_phone_cannot_register_twice(client):
    register(client)
    client.post("/tai-khoan/xac-nhan/", {"code": sent_code()})
    second = register(Client(), id_number="")
    # The same answer as for a new phone; the phone's owner is told instead.
    assert second.status_code == 302 and second["Location"] == "/tai-khoan/xac-nhan/"
    assert User.objects.count() == 1
    assert "đã có tài khoản" in LocmemGateway.outbox[-1][1]


@pytest.mark.django_db
def test_code_is_used_up_after_five_wrong_tries(client):
    register(client)
    code = sent_code()
    wrong = "999999" if code != "999999" else "888888"
    for _ in range(5):
        client.post("/tai-khoan/xac-nhan/", {"code": wrong})
    client.post("/tai-khoan/xac-nhan/", {"code": code})
    assert not User.objects.get(phone="0905123456").is_active


@pytest.fixture
def member(db):
    return User.objects.create_user(
        "0905123456", phone="0905123456", password="hoa-sen-tren-song", full_name="Bình"
    )


def log_in(client, name, password):
    return client.post("/tai-khoan/dang-nhap/", {"username": name, "password": password})


def test_repeated_failures_lock_the_login_for_a_while(client, member, settings):
    for spelling in ("0905123456", "0905 123 456", "+84905123456", "090.512.3456"):
        assert log_in(client, spelling, "wrong").status_code == 200
    assert log_in(client, "0905123456", "wrong").status_code == 429  # the fifth failure
    locked = log_in(client, "0905123456", "hoa-sen-tren-song")
    assert locked.status_code == 429 and "Đăng nhập sai quá nhiều lần" in locked.content.decode()
    assert "_auth_user_id" not in client.session

    from axes.utils import reset

    reset()  # the cool-off has passed
    assert log_in(client, "0905123456", "hoa-sen-tren-song").status_code == 302


def test_the_api_token_endpoint_is_locked_too(member):
    from rest_framework.test import APIClient

    api = APIClient()
    for _ in range(5):
        api.post("/api/v1/auth/token", {"username": "0905123456", "password": "wrong"})
    locked = api.post(
        "/api/v1/auth/token", {"username": "0905123456", "password": "hoa-sen-tren-song"}
    )
    assert locked.status_code == 429


def test_an_idle_session_expires(client, member, marriage):
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    assert log_in(client, "0905123456", "hoa-sen-tren-song").status_code == 302
    assert client.get("/ho-so/").status_code == 200
    Session.objects.update(expire_date=timezone.now() - timezone.timedelta(seconds=1))
    response = client.get("/ho-so/")
    assert response.status_code == 302 and response["Location"].startswith("/tai-khoan/dang-nhap/")


def test_forgotten_password_is_reset_with_a_code(client, member):
    response = client.post("/tai-khoan/quen-mat-khau/", {"contact": "+84 905 123 456"})
    assert response.status_code == 302
    wrong = client.post(
        "/tai-khoan/dat-lai-mat-khau/",
        {
            "code": "000000" if sent_code() != "000000" else "111111",
            "password1": "mua-thu-ha-noi",
            "password2": "mua-thu-ha-noi",
        },
    )
    assert "sai hoặc đã hết hạn" in wrong.content.decode()
    done = client.post(
        "/tai-khoan/dat-lai-mat-khau/",
        {"code": sent_code(), "password1": "mua-thu-ha-noi", "password2": "mua-thu-ha-noi"},
    )
    assert done.status_code == 302
    assert log_in(client, "0905123456", "mua-thu-ha-noi").status_code == 302


def test_reset_does_not_tell_whether_an_account_exists(client, db):
    response = client.post("/tai-khoan/quen-mat-khau/", {"contact": "0999999999"})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Nếu có tài khoản" in page and LocmemGateway.outbox == []
    attempt = client.post(
        "/tai-khoan/dat-lai-mat-khau/",
        {"code": "123456", "password1": "mua-thu-ha-noi", "password2": "mua-thu-ha-noi"},
    )
    assert "sai hoặc đã hết hạn" in attempt.content.decode()


def test_profile_is_edited_checked_and_fills_the_forms(client, member, marriage):
    client.force_login(member)
    bad = client.post(
        "/tai-khoan/thong-tin-ca-nhan/",
        {"full_name": "Bình", "birth_date": "1985-03-02", "id_number": "046090001234"},
    )
    assert bad.status_code == 200 and "sinh năm 1990" in bad.content.decode()
    member.refresh_from_db()
    assert member.id_number is None
    good = client.post(
        "/tai-khoan/thong-tin-ca-nhan/",
        {
            "full_name": "Trần Văn Bình",
            "birth_date": "1985-03-02",
            "id_number": "046085001234",
            "address": "12 Lê Lợi, Huế",
        },
    )
    assert good.status_code == 302
    member.refresh_from_db()
    assert (member.id_number, member.address) == ("046085001234", "12 Lê Lợi, Huế")
    form_page = client.get(f"/thu-tuc/{marriage.code}/nop/").content.decode()
    assert 'value="Trần Văn Bình"' in form_page


def test_a_cccd_vouched_for_by_vneid_cannot_be_changed(client, member):
    member.id_number, member.identity_verified = "046085001234", True
    member.save()
    client.force_login(member)
    response = client.post(
        "/tai-khoan/thong-tin-ca-nhan/", {"full_name": "Bình", "id_number": "079085001234"}
    )
    assert "không thể sửa" in response.content.decode()
    member.refresh_from_db()
    assert member.id_number == "046085001234"

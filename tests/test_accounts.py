import pytest

from motcua.accounts.models import User
from motcua.accounts.sms import LocmemSmsBackend


@pytest.fixture(autouse=True)
def empty_sms_outbox():
    LocmemSmsBackend.outbox.clear()


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
    _phone, text = LocmemSmsBackend.outbox[-1]
    return next(word for word in text.split() if word.rstrip(".").isdigit()).rstrip(".")


@pytest.mark.django_db
def test_register_confirm_by_sms_code_and_log_in(client):
    response = register(client)
    assert response.status_code == 302 and response["Location"] == "/tai-khoan/xac-nhan/"
    user = User.objects.get(phone="0905123456")
    assert not user.is_active and user.id_number == "046085001234"
    assert LocmemSmsBackend.outbox[-1][0] == "0905123456"

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
    assert User.objects.count() == 0 and LocmemSmsBackend.outbox == []


@pytest.mark.django_db
def test_same_phone_cannot_register_twice(client):
    register(client)
    second = register(client, id_number="")
    assert "đã có tài khoản" in second.content.decode()
    assert User.objects.count() == 1


@pytest.mark.django_db
def test_code_is_used_up_after_five_wrong_tries(client):
    register(client)
    code = sent_code()
    wrong = "999999" if code != "999999" else "888888"
    for _ in range(5):
        client.post("/tai-khoan/xac-nhan/", {"code": wrong})
    client.post("/tai-khoan/xac-nhan/", {"code": code})
    assert not User.objects.get(phone="0905123456").is_active

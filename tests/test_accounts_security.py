"""Accounts against an attacker: code limits, expiring registrations, no enumeration, tokens."""

from __future__ import annotations

import datetime
import re
import socket

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.hashers import MD5PasswordHasher
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from django.utils.module_loading import import_string
from rest_framework.test import APIClient

from motcua.accounts.authentication import issue_token
from motcua.accounts.models import Role, User
from motcua.core.models import AuditEntry
from motcua.notifications.sms import LocmemGateway
from tests import factories
from tests.test_accounts import register

PASSWORD = "hoa-sen-tren-song"
NEW_PASSWORD = "mua-thu-ha-noi"
CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]*"')


class CountingHasher(MD5PasswordHasher):
    """The test suite's hasher, counting how often a password is hashed or checked."""

    calls = 0

    def encode(self, password, salt):
        CountingHasher.calls += 1
        return super().encode(password, salt)


@pytest.fixture(autouse=True)
def empty_sms_outbox():
    LocmemGateway.outbox.clear()


@pytest.fixture
def hashing(settings):
    settings.PASSWORD_HASHERS = ["tests.test_accounts_security.CountingHasher"]
    CountingHasher.calls = 0
    return CountingHasher


@pytest.fixture
def member(db):
    return User.objects.create_user(
        "0905123456", phone="0905123456", email="binh@example.vn", password=PASSWORD
    )


def code_in(text: str) -> str:
    return re.search(r"\b(\d{6})\b", text).group(1)


def last_sms_code() -> str:
    return code_in(LocmemGateway.outbox[-1][1])


def page(client, url: str) -> bytes:
    return CSRF.sub(b"", client.get(url).content)


def ask_reset(client, contact="0905123456"):
    return client.post("/tai-khoan/quen-mat-khau/", {"contact": contact})


def reset_with(client, code: str, password: str = NEW_PASSWORD):
    return client.post(
        "/tai-khoan/dat-lai-mat-khau/",
        {"code": code, "password1": password, "password2": password},
    )


def wrong(code: str) -> str:
    return "000000" if code != "000000" else "111111"


# Finding 8: the forms tell nobody which phones, addresses and CCCD numbers have an account.


def a_code_not_sent() -> str:
    texts = [text for _phone, text in LocmemGateway.outbox]
    texts += [message.body for message in getattr(mail, "outbox", [])]
    unsent = ("000000", "111111", "222222")
    return next(code for code in unsent if not any(code in text for text in texts))


def registration_answers(contact: str) -> list:
    """Everything a newcomer sees: the answer, the code page, a wrong guess, a resend."""
    browser = Client()
    answer = register(browser, contact=contact)
    guess = browser.post(answer["Location"], {"code": a_code_not_sent()})
    resend = browser.post(answer["Location"], {"resend": "1"}, follow=True)
    return [
        answer.status_code,
        answer["Location"],
        page(browser, answer["Location"]),
        CSRF.sub(b"", guess.content),
        CSRF.sub(b"", resend.content),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "taken",
    [
        {"phone": "0905123456"},
        {"email": "binh@example.vn"},
        {"id_number": "046085001234", "identity_verified": True},
    ],
    ids=["phone", "e-mail", "verified CCCD"],
)
def test_registration_answers_alike_whether_or_not_an_account_exists(taken, mailoutbox):
    contact = "binh@example.vn" if "email" in taken else "0905 123 456"
    fresh = registration_answers(contact)
    User.objects.all().delete()
    owner = User.objects.create_user("owner", password="mat-khau-chu", is_active=True, **taken)

    known = registration_answers(contact)
    assert known == fresh
    assert "sai hoặc đã hết hạn" in known[3].decode() and "Đã gửi mã mới" in known[4].decode()
    if "id_number" not in taken:  # a known CCCD with a new phone is a registration like any
        assert list(User.objects.all()) == [owner]


def test_the_owner_of_a_known_phone_is_told_instead(client, member):
    register(client)
    assert User.objects.count() == 1
    phone, text = LocmemGateway.outbox[-1]
    assert phone == "0905123456" and "đã có tài khoản" in text
    assert not re.search(r"\b\d{6}\b", text)


def test_login_hashes_a_password_whether_or_not_the_account_exists(client, member, hashing):
    member.set_password(PASSWORD)
    member.save()
    hashing.calls = 0
    client.post("/tai-khoan/dang-nhap/", {"username": "0905123456", "password": "sai-mat-khau"})
    known = hashing.calls
    hashing.calls = 0
    client.post("/tai-khoan/dang-nhap/", {"username": "0999999999", "password": "sai-mat-khau"})
    assert known == hashing.calls >= 1


def test_reset_hashes_alike_whether_or_not_the_account_exists(client, member, hashing):
    ask_reset(client)
    asked_known = hashing.calls
    hashing.calls = 0
    reset_with(client, wrong(last_sms_code()))
    guessed_known = hashing.calls

    stranger = Client()
    hashing.calls = 0
    ask_reset(stranger, "0999999999")
    assert hashing.calls == asked_known >= 1
    hashing.calls = 0
    reset_with(stranger, "123456")
    assert hashing.calls == guessed_known >= 1


def test_registration_hashes_alike_whether_or_not_the_phone_is_known(client, db, hashing):
    register(client)
    fresh = hashing.calls
    User.objects.update(is_active=True, registration_expires_at=None)
    hashing.calls = 0
    register(Client())
    assert hashing.calls == fresh >= 1


# Finding 5: codes sent per address, and wrong codes per account over all its codes.


def test_codes_sent_to_one_phone_are_limited_across_processes(client, db, settings):
    settings.CODE_SENDS_PER_HOUR = 3
    register(client)
    client.post("/tai-khoan/xac-nhan/", {"resend": "1"})
    cache.clear()  # the count does not live in one process's memory
    client.post("/tai-khoan/xac-nhan/", {"resend": "1"})
    assert len(LocmemGateway.outbox) == 3
    refused = client.post("/tai-khoan/xac-nhan/", {"resend": "1"}, follow=True)
    assert "Đã gửi quá nhiều mã" in refused.content.decode()
    assert len(LocmemGateway.outbox) == 3


@pytest.mark.parametrize("contact", ["0905123456", "binh@example.vn"], ids=["phone", "e-mail"])
def test_reset_codes_are_limited_per_address_and_answer_alike(
    client, member, settings, mailoutbox, contact
):
    settings.CODE_SENDS_PER_HOUR = 2
    if contact.startswith("binh"):
        member.phone = None
        member.save()
    for _ in range(2):
        assert ask_reset(client, contact).status_code == 302
    refused = ask_reset(client, contact)
    assert refused.status_code == 200 and "Đã gửi quá nhiều mã" in refused.content.decode()
    assert len(LocmemGateway.outbox) + len(mailoutbox) == 2

    unknown = "0999999999" if contact[0] == "0" else "ai@example.vn"
    for _ in range(2):
        assert ask_reset(client, unknown).status_code == 302
    again = ask_reset(client, unknown)
    assert CSRF.sub(b"", again.content).replace(unknown.encode(), b"?") == CSRF.sub(
        b"", refused.content
    ).replace(contact.encode(), b"?")


def test_wrong_codes_are_counted_over_all_codes_of_the_account(client, member, settings):
    settings.CODE_WRONG_GUESSES = 5
    ask_reset(client)
    for _ in range(3):
        reset_with(client, wrong(last_sms_code()))
    ask_reset(client)  # a new code brings no new guesses
    for _ in range(2):
        reset_with(client, wrong(last_sms_code()))
    ask_reset(client)
    refused = reset_with(client, last_sms_code())
    assert "Nhập sai mã quá nhiều lần" in refused.content.decode()
    member.refresh_from_db()
    assert member.check_password(PASSWORD)


@pytest.mark.parametrize("contact", ["0905123456", "0999999999"], ids=["account", "no account"])
def test_guesses_run_out_alike_with_or_without_an_account(member, settings, contact):
    """A new session for each guess, as an attacker would start: the count stays the same."""
    settings.CODE_WRONG_GUESSES = 2
    answers = []
    for _ in range(3):
        browser = Client()
        ask_reset(browser, contact)
        sent = last_sms_code() if LocmemGateway.outbox else ""
        answers.append(reset_with(browser, wrong(sent)).content.decode())
    assert "sai hoặc đã hết hạn" in answers[0] and "sai hoặc đã hết hạn" in answers[1]
    assert "Nhập sai mã quá nhiều lần" in answers[2]


def test_the_right_code_starts_the_count_again(client, member, settings):
    settings.CODE_WRONG_GUESSES = 3
    ask_reset(client)
    reset_with(client, wrong(last_sms_code()))
    reset_with(client, wrong(last_sms_code()))
    assert reset_with(client, last_sms_code()).status_code == 302
    ask_reset(client)
    reset_with(client, wrong(last_sms_code()))
    reset_with(client, wrong(last_sms_code()))
    assert reset_with(client, last_sms_code(), "ca-dao-xu-hue").status_code == 302


# Finding 7: unconfirmed registrations expire and hold nothing.


def expire_registrations() -> None:
    """As if the registrations' time had passed."""
    past = timezone.now() - datetime.timedelta(seconds=1)
    User.objects.filter(registration_expires_at__isnull=False).update(registration_expires_at=past)


def test_an_unconfirmed_registration_expires_and_frees_the_phone(client, db):
    register(client, full_name="Kẻ lạ")
    expire_registrations()

    owner = Client()
    answer = register(owner)
    assert answer.status_code == 302
    assert owner.post("/tai-khoan/xac-nhan/", {"code": last_sms_code()}).status_code == 302
    account = User.objects.get(phone="0905123456")
    assert account.is_active and account.full_name == "Trần Văn Bình"
    assert User.objects.count() == 1


def test_an_expired_registration_cannot_be_confirmed(client, db):
    register(client)
    code = last_sms_code()
    expire_registrations()
    client.post("/tai-khoan/xac-nhan/", {"code": code})
    assert not User.objects.filter(is_active=True).exists()


def test_a_pending_registration_is_replaced_by_a_new_one_of_the_same_phone(client, db):
    register(client, full_name="Kẻ lạ")
    owner = Client()
    register(owner)
    assert owner.post("/tai-khoan/xac-nhan/", {"code": last_sms_code()}).status_code == 302
    assert list(User.objects.values_list("full_name", "is_active")) == [("Trần Văn Bình", True)]


def test_the_periodic_purge_deletes_expired_registrations(client, member):
    register(client, contact="an@example.vn", id_number="046085001234")
    register(Client(), contact="ha@example.vn", id_number="")
    User.objects.filter(email="an@example.vn").update(
        registration_expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    entry = django_settings.CELERY_BEAT_SCHEDULE["accounts-purge-registrations"]
    task = import_string(entry["task"])
    assert task.delay().get() == 1
    emails = set(User.objects.values_list("email", flat=True))
    assert emails == {"binh@example.vn", "ha@example.vn"}


# Finding 9: bearer tokens end with the password, at logout, or by an administrator.


def token_for(username: str, password: str) -> str:
    answer = APIClient().post("/api/v1/auth/token", {"username": username, "password": password})
    assert answer.status_code == 200, answer.content
    return answer.json()["token"]


def works(token: str) -> bool:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return api.get("/api/v1/dossiers").status_code == 200


def test_a_password_reset_revokes_the_tokens(client, member):
    token = token_for("0905123456", PASSWORD)
    assert works(token)
    ask_reset(client)
    assert reset_with(client, last_sms_code()).status_code == 302
    assert not works(token)
    assert works(token_for("0905123456", NEW_PASSWORD))


def test_a_password_change_on_the_profile_page_revokes_the_tokens(client, member):
    token = token_for("0905123456", PASSWORD)
    client.force_login(member)
    assert b"/tai-khoan/doi-mat-khau/" in client.get("/tai-khoan/thong-tin-ca-nhan/").content
    changed = client.post(
        "/tai-khoan/doi-mat-khau/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert changed.status_code == 302
    assert not works(token)
    assert client.get("/tai-khoan/thong-tin-ca-nhan/").status_code == 200  # still logged in


def test_a_password_set_in_the_admin_revokes_the_tokens(admin_client, member):
    token = token_for("0905123456", PASSWORD)
    changed = admin_client.post(
        f"/admin/accounts/user/{member.pk}/password/",
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )
    assert changed.status_code == 302
    assert not works(token)


def test_the_admin_action_revokes_tokens(admin_client, officials):
    token = issue_token(officials["specialist"])[0]
    answer = admin_client.post(
        "/admin/accounts/user/",
        {"action": "revoke_api_tokens", "_selected_action": [officials["specialist"].pk]},
        follow=True,
    )
    assert "Số mã truy cập API đã thu hồi: 1." in answer.content.decode()
    assert not works(token)
    assert AuditEntry.objects.filter(action="accounts.tokens_revoked").count() == 1


def test_other_saves_of_the_account_keep_the_tokens(client, member):
    token = token_for("0905123456", PASSWORD)
    client.force_login(member)
    client.post("/tai-khoan/thong-tin-ca-nhan/", {"full_name": "Bình", "address": "Huế"})
    assert works(token)


def test_logout_revokes_the_callers_token_only(member):
    token, other = token_for("0905123456", PASSWORD), token_for("0905123456", PASSWORD)
    api = APIClient()
    assert api.post("/api/v1/auth/logout").status_code == 401
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert api.post("/api/v1/auth/logout").status_code == 204
    assert not works(token) and works(other)
    assert api.post("/api/v1/auth/logout").status_code == 401


@pytest.fixture
def officials(province):
    commune_a, commune_b = province["commune_a"], province["commune_b"]
    return {
        "specialist": factories.official(commune_a, Role.SPECIALIST),
        "desk": factories.official(commune_a, Role.DESK_OFFICER),
        "admin": factories.official(commune_a, Role.AGENCY_ADMIN),
        "other_admin": factories.official(commune_b, Role.AGENCY_ADMIN),
        "supervisor": factories.official(province["district"], Role.SUPERVISOR),
        "citizen": User.objects.create_user("0912345678", phone="0912345678", password=PASSWORD),
        "system": User.objects.create_user("he-thong", password="x", is_staff=True),
    }


def revoke(caller: User | None, target: User):
    api = APIClient()
    if caller is not None:
        api.credentials(HTTP_AUTHORIZATION=f"Bearer {issue_token(caller)[0]}")
    return api.post(f"/api/v1/officials/{target.username}/revoke-tokens")


@pytest.mark.parametrize(
    ("caller", "target", "status"),
    [
        (None, "specialist", 401),
        ("citizen", "specialist", 403),
        ("desk", "specialist", 403),
        ("supervisor", "specialist", 403),
        ("other_admin", "specialist", 404),
        ("admin", "citizen", 404),
        ("admin", "system", 404),
        ("admin", "other_admin", 404),
    ],
)
def test_who_may_not_revoke_an_officials_tokens(officials, caller, target, status):
    token = issue_token(officials[target])[0]
    refused = revoke(officials.get(caller), officials[target])
    assert refused.status_code == status
    assert works(token)
    assert not AuditEntry.objects.filter(action="accounts.tokens_revoked").exists()


@pytest.mark.parametrize("caller", ["admin", "system"])
def test_the_agency_administrator_and_staff_revoke_an_officials_tokens(officials, caller):
    tokens = [issue_token(officials["specialist"])[0] for _ in range(2)]
    answer = revoke(officials[caller], officials["specialist"])
    assert answer.status_code == 200 and answer.json() == {"revoked": 2}
    assert not any(works(token) for token in tokens)
    entry = AuditEntry.objects.get(action="accounts.tokens_revoked")
    assert entry.actor == officials[caller] and entry.object_ref == "user:" + "specialist-" + (
        officials["specialist"].agency.code
    )


def test_unknown_accounts_answer_as_those_out_of_reach(officials):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {issue_token(officials['admin'])[0]}")
    assert api.post("/api/v1/officials/khong-co/revoke-tokens").status_code == 404


def test_the_schema_describes_logout_and_revocation(client, db):
    paths = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()["paths"]
    assert "post" in paths["/api/v1/auth/logout"]
    revoke_path = paths["/api/v1/officials/{username}/revoke-tokens"]["post"]
    assert {"200", "401", "403", "404"} <= set(revoke_path["responses"])


# Finding 13: a mail server that does not answer gets a message, not an error page.


@pytest.fixture
def silent_mail_server(settings):
    """An SMTP port that accepts connections and never says a word."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.getsockname()[1]
    settings.EMAIL_TIMEOUT = 1
    yield
    server.close()


def test_a_reset_by_email_when_the_mail_server_is_silent(client, member, silent_mail_server):
    member.phone = None
    member.save()
    answer = ask_reset(client, "binh@example.vn")
    assert answer.status_code == 200
    assert "Chưa gửi được tin nhắn" in answer.content.decode()


def test_a_registration_by_email_when_the_mail_server_is_silent(client, db, silent_mail_server):
    answer = register(client, contact="an@example.vn")
    assert answer.status_code == 200
    assert "Chưa gửi được tin nhắn" in answer.content.decode()
    assert not User.objects.exists()

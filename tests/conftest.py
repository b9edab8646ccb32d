import datetime
import io
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone

from motcua.accounts.models import Role, User
from motcua.agencies.models import Kind
from motcua.dossiers.models import Dossier
from tests import factories, second_factor
from tests.payment_sandbox import (
    GATEWAY,
    IPN_PATH,
    SECRET,
    TMN_CODE,
    Sandbox,
    running_simulator,
)

HUE = ZoneInfo("Asia/Ho_Chi_Minh")


class Clock:
    """The time the code under test reads; it starts on Monday 2 March 2020, 9:00 in Huế."""

    def __init__(self):
        self.now = datetime.datetime(2020, 3, 2, 9, tzinfo=HUE)

    def set(self, *moment) -> datetime.datetime:
        self.now = datetime.datetime(*moment, tzinfo=HUE)
        return self.now


@pytest.fixture
def clock(monkeypatch):
    """Every `timezone.now()` (event times, milestones, calendars) answers the test's moment."""
    clock = Clock()
    monkeypatch.setattr(timezone, "now", lambda: clock.now)
    return clock


@pytest.fixture(autouse=True)
def fresh_cache():
    """Rate limits count in the cache: each test starts with none spent."""
    cache.clear()


@pytest.fixture(autouse=True)
def officials_pass_the_second_factor(monkeypatch):
    """`client.force_login(official)` stands for the whole login, the authenticator's code
    included (a real device, through django-otp); the second factor's own tests log in
    through the pages."""
    monkeypatch.setattr(
        Client, "force_login", second_factor.force_login_with_second_factor(Client.force_login)
    )


def _demo(django_db_blocker, *options: str):
    """The demo province for the tests of one module, rolled back after the last of them."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", *options, stdout=io.StringIO())
        # Checked once here: otherwise each test's end checks the whole load again.
        connection.check_constraints()
        yield
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def demo_db(django_db_setup, django_db_blocker):
    """The whole demo province: agencies, catalog, accounts and the dossiers of 2020."""
    yield from _demo(django_db_blocker)


@pytest.fixture(scope="module")
def demo_catalog_db(django_db_setup, django_db_blocker):
    """The demo province without its dossiers."""
    yield from _demo(django_db_blocker, "--without-dossiers")


@pytest.fixture
def province(db):
    """A small province: its committee, one department, one district with two communes."""
    root = factories.agency("000.00.00.H57", "Ủy ban nhân dân tỉnh Thừa Thiên Huế", "province")
    justice = factories.agency("000.00.02.H57", "Sở Tư pháp", "department", root)
    district = factories.agency("000.00.31.H57", "Ủy ban nhân dân huyện Phú Vang", "district", root)
    commune_a = factories.agency("000.01.31.H57", "Ủy ban nhân dân xã Phú An", "commune", district)
    commune_b = factories.agency("000.02.31.H57", "Ủy ban nhân dân xã Phú Mỹ", "commune", district)
    return {
        "root": root,
        "justice": justice,
        "district": district,
        "commune_a": commune_a,
        "commune_b": commune_b,
    }


@pytest.fixture
def catalog(province):
    """A few real procedures, online and not, at several tiers."""
    communes = [province["commune_a"], province["commune_b"]]
    return {
        "marriage": factories.procedure(
            "Đăng ký kết hôn",
            code="1.000894",
            agencies=communes,
            level=4,
            documents=[{"name": "Tờ khai đăng ký kết hôn", "originals": 1, "copies": 0}],
            fees=[{"kind": "fee", "description": "Lệ phí đăng ký kết hôn", "amount": 0}],
        ),
        "marriage_foreign": factories.procedure(
            "Đăng ký kết hôn có yếu tố nước ngoài",
            tier="district",
            agencies=[province["district"]],
            level=3,
            fees=[{"kind": "fee", "description": "Lệ phí đăng ký kết hôn", "amount": 1000000}],
        ),
        "mobile_marriage": factories.procedure(
            "Đăng ký kết hôn lưu động", agencies=communes, level=2
        ),
        "birth": factories.procedure("Đăng ký khai sinh", agencies=communes, level=4),
        "criminal_record": factories.procedure(
            "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam",
            sector="Lý lịch tư pháp",
            tier="department",
            agencies=[province["justice"]],
            level=4,
            processing_days=10,
            fees=[
                {
                    "kind": "fee",
                    "description": "Lệ phí cấp Phiếu lý lịch tư pháp",
                    "amount": 200000,
                },
            ],
        ),
        "construction": factories.procedure(
            "Cấp giấy phép xây dựng nhà ở riêng lẻ",
            sector="Xây dựng",
            tier="district",
            agencies=[province["district"]],
            level=1,
        ),
    }


@pytest.fixture
def center(province):
    """The province's Public Administration Service Center: a one-stop desk that receives the
    departments' procedures and decides none."""
    return factories.agency(
        "000.00.99.H57",
        "Trung tâm Phục vụ hành chính công tỉnh",
        "department",
        province["root"],
        kind=Kind.SERVICE_CENTER,
    )


@pytest.fixture
def record(province, center):
    """The judicial record: decided by the Department of Justice, received at the center and
    at the department's own desk."""
    justice = province["justice"]
    return factories.procedure(
        "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam",
        tier="department",
        agencies=[justice],
        receiving_points=[center.code, justice.code],
        level=4,
        processing_days=10,
        documents=[
            {"name": "Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp", "originals": 1, "copies": 0},
            {"name": "Bản chụp giấy tờ tùy thân", "originals": 0, "copies": 1},
        ],
    )


@pytest.fixture
def citizen(db):
    return User.objects.create_user(
        "0905123456",
        password="hoa-sen-tren-song",
        full_name="Trần Văn Bình",
        phone="0905123456",
        id_number="046085001234",
    )


@pytest.fixture
def marriage(catalog):
    procedure = catalog["marriage"]
    procedure.form_fields = [
        {
            "name": "ho_ten",
            "label": "Họ và tên",
            "type": "text",
            "required": True,
            "profile": "full_name",
        },
        {
            "name": "cccd_vo",
            "label": "Số CCCD bên nữ",
            "type": "text",
            "required": True,
            "validator": "cccd",
        },
        {"name": "so_ban", "label": "Số bản sao", "type": "integer", "required": False},
    ]
    procedure.save()
    return procedure


@pytest.fixture
def signed_in(client, citizen):
    client.force_login(citizen)
    return client


@pytest.fixture
def staff(province):
    """Every role at commune A and at commune B, and supervisors over the district and elsewhere."""
    people = {}
    for place in ("commune_a", "commune_b"):
        for role in Role.values:
            if role != Role.SUPERVISOR:
                people[(place, role)] = factories.official(province[place], role)
    people["supervisor_district"] = factories.official(province["district"], Role.SUPERVISOR)
    people["supervisor_justice"] = factories.official(province["justice"], Role.SUPERVISOR)
    return people


@pytest.fixture
def dossier(signed_in, marriage):
    """A marriage dossier the signed-in citizen submitted through the page."""
    signed_in.post(f"/thu-tuc/{marriage.code}/nop/", factories.form_data(marriage))
    return Dossier.objects.get()


@pytest.fixture
def official(django_user_model, province):
    """A specialist of commune A."""
    return django_user_model.objects.create_user(
        "chuyenvien", password="x", kind="official", role="specialist", agency=province["commune_a"]
    )


def _named(person, name: str):
    person.full_name = name
    person.save(update_fields=["full_name"])
    return person


@pytest.fixture
def people(staff):
    """The officials of commune A, each with a one-word name that a wrapped cell keeps whole."""
    names = {
        Role.DESK_OFFICER: "Thu",
        Role.HEAD_OF_DIVISION: "Hải",
        Role.SPECIALIST: "Lan",
        Role.LEADER: "Quang",
    }
    return {role: _named(staff[("commune_a", role)], name) for role, name in names.items()}


# ---------------------------------------------------------------- payments


@pytest.fixture
def gateway(settings):
    """A configured gateway; starting a payment only builds its URL, it calls nobody."""
    settings.PAYMENT_PROVIDERS = GATEWAY
    settings.PAYMENT_PROVIDER = "vnpay"


@pytest.fixture
def fee_dossier(fee_procedure, citizen):
    """A criminal record dossier with its fee and three copies' charge to pay."""
    return factories.submitted(fee_procedure, citizen, ho_ten="Trần Văn Bình", so_ban=3)


@pytest.fixture(scope="session")
def sandbox_url():
    """The simulator, started once for the run on a free port, stopped at the end."""
    with running_simulator("vnpay", TMN_CODE, SECRET) as url:
        yield url


@pytest.fixture
def sandbox(sandbox_url, transactional_db, live_server, settings) -> Sandbox:
    """A fresh simulator state whose IPN calls reach this test's live server."""
    gateway = Sandbox(sandbox_url)
    gateway.control("reset", ipn_url=f"{live_server.url}{IPN_PATH}")
    settings.PAYMENT_PROVIDERS = gateway.provider_settings()
    settings.PAYMENT_PROVIDER = "vnpay"
    return gateway


@pytest.fixture
def fee_procedure(province):
    """A level-4 procedure with a fee and a charge per copy asked for in its form."""
    return factories.procedure(
        "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam",
        code="1.001234",
        sector="Lý lịch tư pháp",
        tier="department",
        agencies=[province["justice"]],
        level=4,
        form_fields=[
            {
                "name": "ho_ten",
                "label": "Họ và tên",
                "type": "text",
                "required": True,
                "profile": "full_name",
            },
            {"name": "so_ban", "label": "Số bản sao", "type": "integer", "required": False},
        ],
        fees=[
            {"kind": "fee", "description": "Lệ phí cấp Phiếu lý lịch tư pháp", "amount": 200000},
            {
                "kind": "charge",
                "description": "Phí cấp thêm bản",
                "amount": 5000,
                "per_field": "so_ban",
            },
        ],
    )


# --- The national public service portal's simulator -------------------------------------------


@pytest.fixture(scope="module")
def simulator_urls():
    """The national portal's simulator, started once per test module."""
    from tests.national_portal import start

    with start() as urls:
        yield urls


@pytest.fixture
def simulator(simulator_urls, transactional_db, live_server, settings):
    """A fresh simulator pushing dossiers and feedback to this test's live server, and the site
    configured for it, retrying after a second."""
    from tests.national_portal import FEEDBACK_PATH, INBOUND_TOKEN, INTAKE_PATH, Simulator

    portal = Simulator(*simulator_urls)
    portal.control(
        "reset",
        push_url=f"{live_server.url}{INTAKE_PATH}",
        feedback_push_url=f"{live_server.url}{FEEDBACK_PATH}",
        push_token=INBOUND_TOKEN,
    )
    settings.NATIONAL_PORTAL = portal.portal_settings()
    settings.NATIONAL_PORTAL_RETRY_SECONDS = 1
    return portal


@pytest.fixture
def now(django_capture_on_commit_callbacks):
    """Run `step` and what its transaction leaves for after the commit (deliveries, tasks)."""

    def run(step, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return step(*args, **kwargs)

    return run

"""The connection page at 1366×768 with all six national connections configured and working:
it reads "6/6" at the top and each row says how its connection stands."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from motcua.accounts.models import User
from motcua.catalog.models import NationalEntry
from motcua.dossiers.models import Status
from motcua.feedback.models import Feedback, Subject
from motcua.integrations import outbox
from motcua.integrations.models import (
    MessageKind,
    MessageState,
    OutboxMessage,
    ReceivedDossier,
    Sender,
)
from motcua.payments.models import Payment, PaymentStatus
from tests import factories

pytestmark = pytest.mark.browser


@pytest.fixture
def everything_connected(settings, marriage, citizen, province):
    """Each connection configured and each having exchanged something an hour ago."""
    hour_ago = timezone.now() - datetime.timedelta(hours=1)
    dossier = factories.dossier(marriage, citizen, province["commune_a"], Status.ACCEPTED)
    feedback = Feedback.objects.create(
        code="PAKN-250801-0001",
        subject=Subject.AGENCY,
        agency=province["commune_a"],
        name="Phạm Thị Hoa",
        title="Cảm ơn",
        text="Cán bộ tận tình.",
        national_code="PAKN-QG-250801-0001",
        received_at=hour_ago,
        received_on=hour_ago.date(),
        answer_due=hour_ago.date(),
        refuse_by=hour_ago.date(),
        ask_by=hour_ago.date(),
    )
    settings.NATIONAL_CATALOG_URL = "https://csdl.dichvucong.gov.vn/export"
    NationalEntry.objects.create(procedure=marriage, synced_at=hour_ago)
    settings.OIDC_RP_CLIENT_ID = "motcua-h57"
    settings.OIDC_ISSUER = "https://sso.dancuquocgia.gov.vn"
    User.objects.filter(pk=citizen.pk).update(identity_verified=True, last_login=hour_ago)
    settings.NATIONAL_PORTAL = {
        "CLASS": "motcua.integrations.portal.HttpPortal",
        "URL": "https://api.dichvucong.gov.vn/",
        "TOKEN": "t",
        "INBOUND_TOKEN": "i",
    }
    ReceivedDossier.objects.create(dossier=dossier, received_at=hour_ago)
    for kind, subject in (
        (MessageKind.STATUS, {"dossier": dossier}),
        (MessageKind.FEEDBACK, {"feedback": feedback}),
    ):
        OutboxMessage.objects.create(
            kind=kind,
            sequence=1,
            payload={},
            state=MessageState.DELIVERED,
            delivered_at=hour_ago,
            **subject,
        )
    Sender.objects.create(name=outbox.SENDER, last_success=hour_ago)
    settings.PAYMENT_PROVIDERS = {
        **settings.PAYMENT_PROVIDERS,
        "paygov": {"CLASS": "motcua.payments.paygov.PaygovProvider"},
    }
    Payment.objects.create(
        dossier=dossier,
        provider="paygov",
        reference="PG-1",
        amount=100_000,
        status=PaymentStatus.PAID,
        expires_at=hour_ago,
        paid_at=hour_ago,
    )


def test_the_connection_page_reads_six_of_six_at_1366(
    page, live_server, everything_connected, django_user_model, tmp_path
):
    session = Client()
    session.force_login(django_user_model.objects.create_user("quantri", is_staff=True))
    page.context.add_cookies(
        [{"name": "sessionid", "value": session.cookies["sessionid"].value, "url": live_server.url}]
    )
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto("/ket-noi-quoc-gia/")
    lead = page.locator("p.lead").inner_text()
    assert lead.startswith("6/6") and "6/6" in lead.split("·")[1], lead
    rows = page.locator("tbody tr")
    assert rows.count() == 6
    for index in range(6):
        assert rows.nth(index).locator(".badge").count() == 1, rows.nth(index).inner_text()
    assert "1 phản ánh" in rows.nth(5).inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    page.screenshot(path=tmp_path / "connection-6-of-6.png", full_page=True)

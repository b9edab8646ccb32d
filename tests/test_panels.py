"""The applicant's dossier page shows the panels other apps register, in their order."""

import datetime

from django.utils import timezone

from motcua.backoffice.models import Apology
from motcua.dossiers import panels


def _signed_apology(dossier) -> Apology:
    return Apology.objects.create(
        dossier=dossier,
        reason="Cần xác minh thêm tại cơ quan công an",
        original_due_date=datetime.date(2025, 3, 7),
        new_due_date=datetime.date(2025, 3, 14),
        signed_at=timezone.now(),
    )


def test_the_fees_and_the_apology_come_between_the_receipt_and_the_history(signed_in, fee_dossier):
    _signed_apology(fee_dossier)
    page = signed_in.get(f"/ho-so/{fee_dossier.code}/").content.decode()
    order = [
        page.index('id="receipt-title"'),
        page.index('id="payment-title"'),
        page.index("Cần xác minh thêm tại cơ quan công an"),
        page.index("14/03/2025"),
        page.index('id="history-title"'),
    ]
    assert order == sorted(order)
    assert page.count('id="payment-title"') == 1 and page.count('id="apology-title"') == 1


def test_a_panel_shows_only_while_registered_and_while_it_has_something_to_show(
    signed_in, fee_dossier
):
    apology = _signed_apology(fee_dossier)
    apology.signed_at = None
    apology.save()
    url = f"/ho-so/{fee_dossier.code}/"
    assert 'id="apology-title"' not in signed_in.get(url).content.decode(), "not signed yet"
    template = "payments/_dossier_payment.html"
    registered = panels._PANELS[template]
    panels.unregister_panel(template)
    try:
        assert 'id="payment-title"' not in signed_in.get(url).content.decode()
    finally:
        panels.register_panel(template, registered.context, registered.order)
    assert 'id="payment-title"' in signed_in.get(url).content.decode()

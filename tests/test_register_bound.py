"""A register PDF is drawn while the official waits: a period with more dossiers than one PDF
holds in good time is refused with a clear message, and a normal period still prints."""

import datetime

from motcua.accounts.models import Role
from motcua.core.models import AuditEntry
from motcua.dossiers.models import Status
from tests.factories import dossier_in, local, received
from tests.factories import flat_pdf_text as pdf_text

REGISTER = "/mot-cua/so-theo-doi.pdf"
JUNE = {"from": "2020-06-01", "to": "2020-06-30"}


def june_dossiers(marriage, citizen, province, count: int) -> list:
    made = []
    for day in range(1, count + 1):
        dossier = dossier_in(marriage, citizen, province["commune_a"], Status.SUBMITTED)
        at = local(2020, 6, day, 9, 0)
        made.append(received(dossier, at, at.date() + datetime.timedelta(days=7)))
    return made


def test_a_period_with_too_many_dossiers_is_refused_in_vietnamese(
    marriage, citizen, province, people, client, settings
):
    settings.REGISTER_MAX_DOSSIERS = 2
    june_dossiers(marriage, citizen, province, 3)
    client.force_login(people[Role.DESK_OFFICER])
    before = AuditEntry.objects.count()
    response = client.get(REGISTER, JUNE)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")
    assert response.content.decode() == (
        "Kỳ này có 3 hồ sơ, mỗi tệp PDF sổ theo dõi chỉ in được tối đa 2 hồ sơ. "
        "Vui lòng chọn khoảng thời gian ngắn hơn."
    )
    assert AuditEntry.objects.count() == before  # nothing was read


def test_a_period_within_the_bound_still_prints(
    marriage, citizen, province, people, client, settings
):
    settings.REGISTER_MAX_DOSSIERS = 3
    made = june_dossiers(marriage, citizen, province, 3)
    client.force_login(people[Role.DESK_OFFICER])
    response = client.get(REGISTER, JUNE)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert all(dossier.code in text for dossier in made)
    # A shorter period of the same month, as the message advises, prints too.
    settings.REGISTER_MAX_DOSSIERS = 2
    shorter = client.get(REGISTER, {"from": "2020-06-01", "to": "2020-06-02"})
    assert shorter.status_code == 200 and made[2].code not in pdf_text(shorter.content)

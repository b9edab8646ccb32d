"""The append-only audit log: every state change lands in it, and tampering is detected."""

import hashlib
import hmac
import importlib
import json

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from rest_framework.test import APIClient

from motcua import config
from motcua.accounts.models import Role
from motcua.core import audit
from motcua.core.models import GENESIS_HASH, AuditEntry, AuditHead
from motcua.dossiers import services


@pytest.fixture
def history(marriage, citizen):
    draft, _ = services.start_draft(
        procedure=marriage, agency=marriage.agencies.first(), applicant=citizen, form_data={}
    )
    dossier = services.submit(draft, actor=citizen)
    services.withdraw(dossier, citizen, "Nộp nhầm")
    audit.log("dossier.view", dossier.code, citizen, fields=["form_data"])
    return dossier


def test_every_state_change_is_logged_with_who_and_why(history, citizen):
    changes = AuditEntry.objects.filter(action="dossier.status", object_ref=history.code)
    assert [(e.detail["from_status"], e.detail["to_status"]) for e in changes] == [
        ("draft", "submitted"),
        ("submitted", "withdrawn"),
    ]
    withdrawn = changes.last()
    assert withdrawn.actor == citizen and withdrawn.detail["note"] == "Nộp nhầm"


def test_an_intact_log_verifies(history, capsys):
    assert audit.verify() == (AuditEntry.objects.count(), None)
    call_command("verify_audit")
    # The three entries of the story, and the opening of the agency's chain.
    assert "intact: 4 entries" in capsys.readouterr().out


def test_an_edited_entry_is_detected(history):
    second = AuditEntry.objects.order_by("pk")[1]
    AuditEntry.objects.filter(pk=second.pk).update(detail={"note": "đã sửa"})
    checked, broken = audit.verify()
    assert (checked, broken.entry_id) == (1, second.pk)
    with pytest.raises(CommandError, match=f"entry {second.pk}"):
        call_command("verify_audit")


def test_a_deleted_entry_is_detected(history):
    second = AuditEntry.objects.order_by("pk")[1]
    AuditEntry.objects.filter(pk=second.pk).delete()
    _checked, broken = audit.verify()
    assert broken.entry_id == AuditEntry.objects.order_by("pk")[1].pk


def test_deleting_the_last_entries_is_detected(history):
    AuditEntry.objects.filter(pk=AuditEntry.objects.last().pk).delete()
    _checked, broken = audit.verify()
    assert broken is not None and broken.entry_id is None


def test_entries_cannot_be_changed_or_deleted_one_by_one(history):
    entry = AuditEntry.objects.first()
    entry.action = "other"
    with pytest.raises(ValueError):
        entry.save()
    with pytest.raises(ValueError):
        entry.delete()


# ---------------------------------------------------------------- chains sealed with a key


def _chain(chain: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(chain=chain).order_by("pk"))


def _plain(entry: AuditEntry) -> str:
    return entry.plain_hash()


def _guessed_key(entry: AuditEntry) -> str:
    with override_settings(AUDIT_KEY="a-key-guessed-by-the-forger"):
        return entry.compute_hash()


def _forge(entries: list[AuditEntry], edit: dict, seal) -> None:
    """What whoever can write to the database would do: edit the first entry, re-hash the rest
    of its chain with `seal` and move the chain's head to the new end."""
    entries[0].detail = {**entries[0].detail, **edit}
    previous = entries[0].previous_hash
    for entry in entries:
        entry.previous_hash = previous
        entry.hash = previous = seal(entry)
        AuditEntry.objects.filter(pk=entry.pk).update(
            detail=entry.detail, previous_hash=entry.previous_hash, hash=entry.hash
        )
    AuditHead.objects.filter(chain=entries[0].chain).update(last_hash=previous)


def test_entries_are_sealed_with_the_key_the_database_does_not_hold(history, settings):
    entry = _chain(history.agency.code)[0]
    content = [entry.chain, entry.previous_hash, entry.at.isoformat(), entry.actor_id]
    content += [entry.action, entry.object_ref, entry.detail]
    encoded = json.dumps(content, sort_keys=True, ensure_ascii=False, default=str).encode()
    assert entry.hash == hmac.new(b"test-suite-only-audit-key", encoded, hashlib.sha256).hexdigest()
    settings.AUDIT_KEY = "another-installation's-key"
    first = AuditEntry.objects.order_by("pk").first()
    assert audit.verify() == (0, audit.Break(first.pk, audit.SEALED_ELSEWHERE, first.chain))


@pytest.mark.parametrize("seal", [_plain, _guessed_key], ids=["plain-sha256", "guessed-key"])
def test_an_edited_entry_with_its_chain_rehashed_is_found_by_verify_audit(history, seal):
    entries = _chain(history.agency.code)
    _forge(entries, {"note": "Không rút"}, seal)
    with pytest.raises(CommandError) as failure:
        call_command("verify_audit")
    assert failure.value.returncode == 1
    message = str(failure.value)
    assert f"entry {entries[0].pk} of chain “{history.agency.code}”" in message
    reason = audit.REHASHED if seal is _plain else audit.SEALED_ELSEWHERE
    assert reason in message


def test_the_last_entry_of_one_chain_deleted_is_found_even_with_its_head_moved_back(history):
    chain = history.agency.code
    *_, before, last = _chain(chain)
    AuditEntry.objects.filter(pk=last.pk).delete()
    assert audit.verify()[1] == audit.Break(None, "the last entries were deleted", chain)
    AuditHead.objects.filter(chain=chain).update(last_hash=before.hash)
    assert audit.verify()[1] == audit.Break(None, audit.HEAD_CHANGED, chain)
    with pytest.raises(CommandError, match=f"the end of chain “{chain}”"):
        call_command("verify_audit")


def test_a_whole_chain_deleted_head_and_all_is_found(history):
    chain = history.agency.code
    AuditEntry.objects.filter(chain=chain).delete()
    AuditHead.objects.filter(chain=chain).delete()
    assert audit.verify()[1] == audit.Break(None, "the whole chain was deleted", chain)


def test_an_entry_moved_to_another_chain_is_found(history):
    moved = _chain(history.agency.code)[-1]
    AuditEntry.objects.filter(pk=moved.pk).update(chain="000.02.31.H57")
    assert audit.verify()[1].entry_id == moved.pk


CHAINS = ["000.01.31.H57", "000.02.31.H57"]


def test_each_chain_has_its_own_head_and_an_append_touches_only_its_own(db):
    for chain in CHAINS * 2:
        audit.log("dossier.view", "H57.01-260101-0001", chain=chain)
    other = AuditHead.objects.get(chain=CHAINS[1])
    with CaptureQueriesContext(connection) as queries:
        audit.log("dossier.view", "H57.01-260101-0002", chain=CHAINS[0])
    heads = [q["sql"] for q in queries if "core_audithead" in q["sql"]]
    assert heads and all(CHAINS[1] not in sql and f"= {other.pk}" not in sql for sql in heads)
    for chain in CHAINS:
        entries = _chain(chain)
        assert [e.previous_hash for e in entries] == [GENESIS_HASH, *[e.hash for e in entries[:-1]]]
        assert AuditHead.objects.get(chain=chain).last_hash == entries[-1].hash
    opened = AuditEntry.objects.filter(chain="", action=audit.CHAIN_OPENED)
    assert sorted(opened.values_list("object_ref", flat=True)) == CHAINS
    assert audit.verify() == (AuditEntry.objects.count(), None)


def test_a_head_another_transaction_created_first_is_taken_not_duplicated(db):
    theirs = AuditHead.objects.create(chain=CHAINS[0])
    assert audit._create_head(CHAINS[0]).pk == theirs.pk
    assert AuditHead.objects.filter(chain=CHAINS[0]).count() == 1


def test_production_refuses_to_start_without_an_audit_key(monkeypatch):
    monkeypatch.delenv("AUDIT_KEY", raising=False)
    with pytest.raises(ImproperlyConfigured, match="AUDIT_KEY must be set"):
        config.audit_key(False, "a-secret-key")
    derived = config.audit_key(True, "a-secret-key")
    assert derived == config.audit_key(True, "a-secret-key") != config.audit_key(True, "other")
    assert "a-secret-key" not in derived
    monkeypatch.setenv("AUDIT_KEY", "k" * 50)
    assert config.audit_key(False, "a-secret-key") == "k" * 50


# ---------------------------------------------------------------- re-sealing the existing log

MIGRATION = importlib.import_module("motcua.core.migrations.0003_audit_chains_keyed")


def _plain_log(count: int) -> list[AuditEntry]:
    """A log as the first version wrote it: one plain SHA-256 chain."""
    for number in range(count):
        audit.log("dossier.view", f"H57.01-260101-{number:04d}", note="cũ")
    MIGRATION.unchain(apps, None)
    entries = list(AuditEntry.objects.order_by("pk"))
    assert all(e.hash == e.plain_hash() for e in entries)
    return entries


def test_the_existing_log_is_resealed_under_the_key_and_verifies(db):
    entries = _plain_log(3)
    MIGRATION.rechain(apps, None)
    assert audit.verify() == (len(entries) + 1, None)
    note = AuditEntry.objects.order_by("pk").last()
    assert note.action == "audit.rekeyed"
    assert note.detail == {"entries": len(entries), "plain_chain_intact": True, "break": None}


def test_resealing_keeps_the_record_of_an_earlier_break(db):
    edited = _plain_log(3)[1]
    AuditEntry.objects.filter(pk=edited.pk).update(detail={"note": "đã sửa"})
    MIGRATION.rechain(apps, None)
    assert audit.verify()[1] is None
    note = AuditEntry.objects.order_by("pk").last()
    assert note.detail["plain_chain_intact"] is False
    assert note.detail["break"] == {"entry": edited.pk, "reason": "its content was changed"}


# ---------------------------------------------------------------- every official read, every door


@pytest.fixture
def received(marriage, citizen, province):
    draft, _ = services.start_draft(
        procedure=marriage, agency=province["commune_a"], applicant=citizen, form_data={}
    )
    return services.submit(draft, actor=citizen)


API_READS = [
    ("/api/v1/dossiers", "dossier.list"),
    ("/api/v1/dossiers/{code}", "dossier.view"),
    ("/api/v1/dossiers/{code}/history", "dossier.history"),
    ("/api/v1/inbox", "dossier.inbox"),
]
PAGE_READS = [
    ("/mot-cua/ho-so/{code}/", "dossier.view"),
    ("/mot-cua/ho-so/{code}/giay-tiep-nhan.pdf", "dossier.receipt"),
    ("/mot-cua/ho-so/{code}/bieu-mau/control_sheet.pdf", "dossier.form"),
]
OWN_READS = [
    *[url for url, _action in API_READS[:3]],
    "/ho-so/{code}/",
    "/ho-so/{code}/giay-tiep-nhan.pdf",
]


def _reads_by(person, code: str) -> list[AuditEntry]:
    entries = AuditEntry.objects.filter(actor=person).order_by("pk")
    return [e for e in entries if code in (e.object_ref, *e.detail.get("codes", []))]


def _assert_one_read(person, received, action: str, chain: str) -> None:
    (entry,) = _reads_by(person, received.code)
    assert (entry.action, entry.chain) == (action, chain)
    assert audit.verify()[1] is None


@pytest.mark.parametrize(("url", "action"), API_READS)
def test_an_officials_read_through_the_api_is_audited(url, action, received, staff):
    specialist = staff[("commune_a", Role.SPECIALIST)]
    api = APIClient()
    api.force_authenticate(specialist)
    assert api.get(url.format(code=received.code)).status_code == 200
    _assert_one_read(specialist, received, action, received.agency.code)


@pytest.mark.parametrize(("url", "action"), PAGE_READS)
def test_an_officials_page_or_pdf_read_is_audited(url, action, received, staff, client):
    specialist = staff[("commune_a", Role.SPECIALIST)]
    client.force_login(specialist)
    assert client.get(url.format(code=received.code)).status_code == 200
    _assert_one_read(specialist, received, action, received.agency.code)


def test_a_supervisor_paging_through_dossiers_leaves_a_trace_in_their_agencys_chain(
    received, staff, province
):
    supervisor = staff["supervisor_district"]
    api = APIClient()
    api.force_authenticate(supervisor)
    assert api.get("/api/v1/dossiers", {"page_size": 100}).json()["count"] == 1
    (entry,) = _reads_by(supervisor, received.code)
    assert entry.detail == {"codes": [received.code], "door": "api", "page": "1"}
    assert entry.chain == province["district"].code


@pytest.mark.parametrize("url", OWN_READS)
def test_an_applicant_reading_their_own_dossier_leaves_no_entry(url, received, citizen, client):
    before = AuditEntry.objects.count()
    api = APIClient()
    api.force_authenticate(citizen)
    client.force_login(citizen)
    reader = api if url.startswith("/api/") else client
    assert reader.get(url.format(code=received.code)).status_code == 200
    assert AuditEntry.objects.count() == before

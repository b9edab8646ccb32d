"""The append-only audit log: every state change lands in it, and tampering is detected."""

import pytest
from django.core.management import CommandError, call_command

from motcua.core import audit
from motcua.core.models import AuditEntry
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
    assert "intact: 3 entries" in capsys.readouterr().out


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

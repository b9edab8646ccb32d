"""`manage.py reconcile_payments`: our records against the simulator's daily statement."""

# The shared fixtures (the simulator, a procedure with fees) are imported by name, and the
# tests take them as arguments of the same name.

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone, translation

from motcua.payments import providers
from motcua.payments.models import Payment, PaymentStatus
from motcua.payments.reconcile import KINDS
from tests.factories import submitted, vi
from tests.payment_sandbox import begin, signed_pay_url

pytestmark = pytest.mark.django_db(transaction=True)


def reconcile(*options: str) -> tuple[str, CommandError | None]:
    """The command's output and, when it fails, its error (it exits with status 1)."""
    out = io.StringIO()
    with translation.override("vi"):
        try:
            call_command("reconcile_payments", *options, stdout=out)
        except CommandError as error:
            return out.getvalue(), error
    return out.getvalue(), None


def today() -> str:
    return timezone.localdate().isoformat()


def paid_through(client, sandbox, dossier) -> Payment:
    payment = begin(client, sandbox, dossier)
    sandbox.pay(payment.reference)
    return Payment.objects.get(pk=payment.pk)


def test_a_day_that_agrees(signed_in, sandbox, fee_procedure, citizen):
    for copies in (0, 1):
        paid_through(signed_in, sandbox, submitted(fee_procedure, citizen, so_ban=copies))
    output, error = reconcile("--date", today())
    assert error is None, output
    agreed = vi("Our payments agree with the statement of %(day)s (%(count)s transactions).")
    assert agreed % {"day": timezone.localdate().strftime("%d/%m/%Y"), "count": 2} in output


def test_every_kind_of_difference_is_listed_and_fails(
    signed_in, sandbox, fee_procedure, citizen, live_server, tmp_path
):
    agreed = paid_through(signed_in, sandbox, submitted(fee_procedure, citizen, so_ban=0))
    changed = paid_through(signed_in, sandbox, submitted(fee_procedure, citizen, so_ban=1))
    Payment.objects.filter(pk=changed.pk).update(amount=1_000)
    stranger_url = signed_pay_url(
        sandbox, vnp_TxnRef="LA0001", vnp_ReturnUrl=f"{live_server.url}/thanh-toan/ket-qua/vnpay/"
    )
    sandbox.open(stranger_url)
    sandbox.pay("LA0001")  # a transaction we never made: its IPN is refused, 01
    sandbox.control("config", ipn_mode="hold")
    unconfirmed = paid_through(signed_in, sandbox, submitted(fee_procedure, citizen, so_ban=2))
    only_ours = Payment.objects.create(
        dossier=submitted(fee_procedure, citizen, so_ban=3),
        provider="vnpay",
        reference="CHICOBENTA01",
        amount=215_000,
        status=PaymentStatus.PAID,
        expires_at=timezone.now(),
        paid_at=timezone.now(),
    )

    output, error = reconcile("--date", today())
    assert error is not None and error.returncode == 1
    lines = {line.split("\t")[1]: line.split("\t")[0] for line in output.splitlines()}
    assert lines == {
        "LA0001": vi(KINDS["missing_here"]),
        changed.reference: vi(KINDS["amount"]),
        unconfirmed.reference: vi(KINDS["status"]),
        only_ours.reference: vi(KINDS["missing_there"]),
    }
    assert agreed.reference not in lines

    statement = tmp_path / "saoke.csv"
    gateway = providers.get("vnpay")
    statement.write_bytes(gateway.fetch_statement(timezone.localdate()))
    from_file, error = reconcile("--date", today(), "--statement", str(statement))
    assert from_file == output and error is not None


def test_bad_input_is_explained(sandbox, tmp_path, settings):
    _output, error = reconcile("--date", "2020-13-45")
    assert str(error) == vi("Write the date as YYYY-MM-DD, e.g. 2020-05-26.")
    _output, error = reconcile("--date", today(), "--statement", str(tmp_path / "khong-co.csv"))
    assert str(tmp_path / "khong-co.csv") in str(error)
    broken = tmp_path / "hong.csv"
    broken.write_text("ma,so_tien\n1,2\n", encoding="utf-8")
    _output, error = reconcile("--date", today(), "--statement", str(broken))
    assert "vnp_TxnRef" in str(error)
    bad_row = tmp_path / "dong-sai.csv"
    header = "vnp_TxnRef,vnp_TransactionNo,vnp_Amount,vnp_BankCode,vnp_PayDate,"
    header += "vnp_TransactionType,vnp_TransactionStatus"
    bad_row.write_text(f"{header}\nX1,1,12345,NCB,20200526120000,01,00\n", encoding="utf-8")
    _output, error = reconcile("--date", today(), "--statement", str(bad_row))
    assert str(error) == vi("Line %(line)s: the amount is not a VND amount.") % {"line": 2}
    _output, error = reconcile("--date", today(), "--provider", "khac")
    assert "khac" in str(error)
    settings.PAYMENT_PROVIDERS["vnpay"]["STATEMENT_URL"] = ""
    _output, error = reconcile("--date", today())
    assert error is not None

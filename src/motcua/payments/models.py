"""Payments of a dossier's fees through an online gateway."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PaymentStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting payment")
    PAID = "paid", _("Paid")
    FAILED = "failed", _("Payment failed")
    CANCELLED = "cancelled", _("Payment cancelled")
    EXPIRED = "expired", _("Payment expired")
    REFUNDED = "refunded", _("Refunded")


class Payment(models.Model):
    """One attempt to pay a dossier's fees at a gateway, identified there by `reference`."""

    dossier = models.ForeignKey(
        "dossiers.Dossier",
        verbose_name=_("dossier"),
        on_delete=models.PROTECT,
        related_name="payments",
    )
    provider = models.CharField(_("payment gateway"), max_length=32)
    reference = models.CharField(_("transaction reference"), max_length=64, unique=True)
    amount = models.PositiveBigIntegerField(_("amount (VND)"))
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=PaymentStatus.choices,
        default=PaymentStatus.PENDING,
        db_index=True,
    )
    created_at = models.DateTimeField(_("started"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)
    refunded_at = models.DateTimeField(_("refunded"), null=True, blank=True)
    provider_transaction = models.CharField(
        _("gateway transaction number"), max_length=64, blank=True
    )
    bank_code = models.CharField(_("bank"), max_length=32, blank=True)
    # The gateway's last response code (00 success, 24 cancelled, 51 insufficient funds…).
    response_code = models.CharField(_("gateway response code"), max_length=8, blank=True)
    client_ip = models.CharField(_("payer's IP address"), max_length=45, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # One open attempt per dossier: a second click reuses it instead of paying twice.
            models.UniqueConstraint(
                fields=["dossier"],
                condition=models.Q(status="pending"),
                name="payment_one_pending_per_dossier",
            )
        ]
        indexes = [
            models.Index(fields=["provider", "paid_at"], name="payment_paid_day_idx"),
            models.Index(fields=["status", "expires_at"], name="payment_sweep_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} ({self.amount:,} VND, {self.get_status_display()})"

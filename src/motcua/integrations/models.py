"""The outbox of messages to the national portal, and the dossiers that came from it."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.models import Dossier
from motcua.feedback.models import Feedback


class MessageState(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    DELIVERED = "delivered", _("Delivered")


class MessageKind(models.TextChoices):
    """The outbox's two streams: a dossier's statuses, and a feedback's changes."""

    STATUS = "status", _("Dossier status")
    FEEDBACK = "feedback", _("Feedback")


class OutboxMessage(models.Model):
    """One change of a dossier or of a feedback as the national portal must learn it, written
    in the change's own transaction (so it exists exactly when the change does) and sent
    after it.

    `sequence` numbers a dossier's (or a feedback's) messages 1, 2, 3… without gaps; the portal
    takes them in that order and recognises a message it already has by it, so a resend
    delivers nothing twice.
    """

    kind = models.CharField(
        _("kind"), max_length=8, choices=MessageKind.choices, default=MessageKind.STATUS
    )
    dossier = models.ForeignKey(
        Dossier,
        verbose_name=_("dossier"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    feedback = models.ForeignKey(
        Feedback,
        verbose_name=_("feedback"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    sequence = models.PositiveIntegerField(_("sequence"))
    payload = models.JSONField(_("message"))
    state = models.CharField(
        _("state"), max_length=10, choices=MessageState.choices, default=MessageState.PENDING
    )
    created_at = models.DateTimeField(_("queued"), default=timezone.now)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    # Set after a refusal of this message: not tried again before then.
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)

    class Meta:
        verbose_name = _("message to the national portal")
        verbose_name_plural = _("messages to the national portal")
        ordering = ["dossier_id", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "sequence"], name="outbox_sequence_unique"),
            models.UniqueConstraint(
                fields=["feedback", "sequence"], name="outbox_feedback_sequence_unique"
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(kind="status", dossier__isnull=False, feedback__isnull=True)
                    | models.Q(kind="feedback", dossier__isnull=True, feedback__isnull=False)
                ),
                name="outbox_one_subject",
            ),
        ]
        indexes = [
            # What waits, dossier by dossier (feedback by feedback) in order: the sender's and
            # the sweep's scan.
            models.Index(
                fields=["dossier", "sequence"],
                condition=models.Q(state="pending"),
                name="outbox_pending_idx",
            ),
            models.Index(
                fields=["feedback", "sequence"],
                condition=models.Q(state="pending"),
                name="outbox_feedback_pending_idx",
            ),
            models.Index(fields=["-delivered_at"], name="outbox_delivered_idx"),
        ]

    def __str__(self) -> str:
        code = self.payload.get("dossier_code") or self.payload.get("feedback_code")
        return f"{code or self.dossier_id or self.feedback_id} #{self.sequence}"


class Sender(models.Model):
    """The one sender of the outbox at a time (a lease), and the portal's health as it saw it.

    One sender keeps every dossier's order without a lock per dossier; after a failure the
    whole portal is left alone until `retry_at`, doubling the wait each time it fails again.
    """

    name = models.CharField(max_length=32, primary_key=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    lease_holder = models.CharField(max_length=64, blank=True)
    failures = models.PositiveIntegerField(default=0)
    retry_at = models.DateTimeField(null=True, blank=True)
    last_success = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.name


class ReceivedDossier(models.Model):
    """A dossier submitted on the national portal and registered here under its national code."""

    dossier = models.OneToOneField(
        Dossier, on_delete=models.CASCADE, primary_key=True, related_name="national_intake"
    )
    received_at = models.DateTimeField(default=timezone.now)
    # How it arrived: pushed by the portal to our endpoint, or pulled from it.
    pulled = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("dossier from the national portal")
        verbose_name_plural = _("dossiers from the national portal")

    def __str__(self) -> str:
        return str(self.dossier_id)

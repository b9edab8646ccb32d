"""Notices to citizens and officials, their deliveries per channel, the editable texts, each
person's choice of channels, and the record of every message sent (limits and statistics)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.models import Dossier
from motcua.feedback.models import Feedback


class Kind(models.TextChoices):
    """What a notice tells; each has its texts per channel and language (Template)."""

    RECEIVED = "received", _("Dossier received")
    SUPPLEMENT = "supplement", _("Supplement requested")
    NEW_DATE = "new_date", _("Apology and new appointment date")
    RESULT = "result", _("Result ready")
    PAYMENT = "payment", _("Fees to pay")
    ASSIGNED = "assigned", _("Dossier assigned to you")
    ARRIVED = "arrived", _("New dossier at your desk")
    TRANSFERRED = "transferred", _("Dossier transferred to your agency")
    DEADLINE = "deadline", _("Deadline approaching")
    FEEDBACK_ANSWERED = "fb_answered", _("Feedback answered")
    FEEDBACK_REFUSED = "fb_refused", _("Feedback not handled")
    FEEDBACK_INFO = "fb_info", _("More information asked about feedback")
    FEEDBACK_NEW = "fb_new", _("New feedback for your agency")
    FEEDBACK_DUE = "fb_due", _("Feedback answer due soon")


# The notices an applicant gets; the others go to officials.
CITIZEN_KINDS = frozenset(
    {Kind.RECEIVED, Kind.SUPPLEMENT, Kind.NEW_DATE, Kind.RESULT, Kind.PAYMENT}
)


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")
    ZALO = "zalo", _("Zalo")
    IN_APP = "in_app", _("On this site")


# Channels that reach a person away from the site: a notice none of them delivered goes to
# the desk, which calls the applicant.
EXTERNAL = frozenset({Channel.EMAIL, Channel.SMS, Channel.ZALO})


class Template(models.Model):
    """The text of one kind of notice on one channel in one language, edited in the admin.

    Placeholders in braces ({code}, {procedure}, {due_date}…, listed in messages.PLACEHOLDERS)
    are filled when a notice is written. A Zalo text names the ZNS template approved at Zalo;
    its placeholders are the template's parameters.
    """

    kind = models.CharField(_("notice"), max_length=16, choices=Kind.choices)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    body = models.TextField(_("text"))
    zns_template_id = models.CharField(_("Zalo ZNS template id"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("notice text")
        verbose_name_plural = _("notice texts")
        ordering = ["kind", "channel", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "channel", "language"], name="notice_template_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.get_channel_display()} · {self.language}"


class Preference(models.Model):
    """How a person wants to be told: the channels and the language of the messages."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notice_preference"
    )
    email = models.BooleanField(_("by e-mail"), default=True)
    sms = models.BooleanField(_("by SMS"), default=True)
    zalo = models.BooleanField(_("by Zalo"), default=False)
    in_app = models.BooleanField(_("on this site"), default=True)
    language = models.CharField(
        _("language of the messages"),
        max_length=8,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )

    class Meta:
        verbose_name = _("notice preference")
        verbose_name_plural = _("notice preferences")

    def __str__(self) -> str:
        return str(self.user)


class Notice(models.Model):
    """One thing one person is told about one dossier, or one feedback; `key` makes it once
    per event."""

    key = models.CharField(max_length=120, unique=True)
    kind = models.CharField(_("notice"), max_length=16, choices=Kind.choices)
    dossier = models.ForeignKey(
        Dossier, null=True, blank=True, on_delete=models.CASCADE, related_name="notices"
    )
    feedback = models.ForeignKey(
        Feedback, null=True, blank=True, on_delete=models.CASCADE, related_name="notices"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notices",
    )
    # Where the person is reached when they have no account (a dossier handed in on paper).
    phone = models.CharField(_("phone"), max_length=16, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    language = models.CharField(max_length=8, choices=settings.LANGUAGES)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    # Set when no channel away from the site delivered it: the desk calls the applicant.
    undelivered_at = models.DateTimeField(_("undelivered"), null=True, blank=True)
    called_at = models.DateTimeField(_("called"), null=True, blank=True)
    called_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notice_recipient_idx"),
            models.Index(
                fields=["undelivered_at"],
                condition=models.Q(undelivered_at__isnull=False, called_at__isnull=True),
                name="notice_to_call_idx",
            ),
        ]

    def __str__(self) -> str:
        about = self.dossier or self.feedback
        return f"{self.get_kind_display()} · {about.code if about else ''}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class Delivery(models.Model):
    """A notice on one channel, with the text as written when the notice was made."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    address = models.CharField(_("sent to"), max_length=254, blank=True)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    body = models.TextField(_("text"))
    # The ZNS template and its parameters, for Zalo.
    external_template = models.CharField(max_length=32, blank=True)
    parameters = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        max_length=8, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    provider = models.CharField(_("provider"), max_length=32, blank=True)
    error = models.TextField(_("error"), blank=True)
    # When a worker claimed it (pending → sending): a claim never finished is given up.
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(fields=["notice", "channel"], name="delivery_once_per_channel")
        ]

    def __str__(self) -> str:
        return f"{self.notice} · {self.get_channel_display()}"


class SendRecord(models.Model):
    """One message handed to a provider (a notice or a one-time code): counted by the rate
    limits per phone number and client address, and by the statistics per day and channel."""

    channel = models.CharField(max_length=8, choices=Channel.choices)
    address = models.CharField(max_length=254)
    client_ip = models.CharField(max_length=45, blank=True)
    purpose = models.CharField(max_length=16)  # "code" or a notice's kind
    delivered = models.BooleanField(default=False)
    at = models.DateTimeField(db_index=True)

    class Meta:
        indexes = [
            models.Index(fields=["channel", "address", "at"], name="send_address_idx"),
            models.Index(fields=["channel", "client_ip", "at"], name="send_client_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.channel} · {self.purpose} · {self.at:%d/%m/%Y %H:%M}"


class ProviderToken(models.Model):
    """A provider's current access token and its single-use refresh token (Zalo rotates it)."""

    provider = models.CharField(max_length=32, unique=True)
    access_token = models.TextField(blank=True)
    refresh_token = models.TextField()
    expires_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.provider

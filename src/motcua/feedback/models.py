"""Citizen feedback (phản ánh, kiến nghị, Decree 20/2008): what a citizen says about a
procedure, a dossier or an agency, routed to the agency concerned and answered in time."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.agencies.models import Agency
from motcua.catalog.models import Procedure
from motcua.dossiers.models import Dossier, Satisfaction
from motcua.dossiers.uploads import EXTENSIONS


class Subject(models.TextChoices):
    PROCEDURE = "procedure", _("An administrative procedure")
    DOSSIER = "dossier", _("One of my dossiers")
    AGENCY = "agency", _("An agency")


class State(models.TextChoices):
    RECEIVED = "received", _("Received, being handled")
    INFO_REQUESTED = "info_requested", _("More information asked of the sender")
    ANSWERED = "answered", _("Answered")
    REFUSED = "refused", _("Not handled")


# Still with the agency, or waiting for the sender; closed once answered or refused.
OPEN_STATES = (State.RECEIVED, State.INFO_REQUESTED)
CLOSED_STATES = (State.ANSWERED, State.REFUSED)


class FeedbackDay(models.Model):
    """The last feedback number given on a day: codes are gap-free per day."""

    day = models.DateField(unique=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.day}: {self.last}"


def attachment_name(feedback: Feedback, filename: str) -> str:
    """A random stored name with the extension of the content's type, never the sender's."""
    extension = EXTENSIONS.get(feedback.content_type, "bin")
    return f"feedback/{timezone.localtime():%Y/%m}/{uuid.uuid4().hex}.{extension}"


class Feedback(models.Model):
    code = models.CharField(_("feedback code"), max_length=24, unique=True)
    subject = models.CharField(_("about"), max_length=16, choices=Subject.choices)
    procedure = models.ForeignKey(
        Procedure,
        verbose_name=_("procedure"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    dossier = models.ForeignKey(
        Dossier,
        verbose_name=_("dossier"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="feedback",
    )
    # The agency that handles it: the dossier's deciding agency, the procedure's, or the one
    # the sender chose.
    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="feedback"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sender's account"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="feedback",
    )
    name = models.CharField(_("sender"), max_length=150)
    phone = models.CharField(_("phone"), max_length=16, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    # An anonymous sender follows their feedback with the code and this key (its SHA-256 here).
    access_key_hash = models.CharField(max_length=64, blank=True, editable=False)
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("feedback"), max_length=5000)
    publish_consent = models.BooleanField(_("the answer may be published"), default=False)
    attachment = models.FileField(_("attachment"), upload_to=attachment_name, blank=True)
    attachment_name = models.CharField(_("file name"), max_length=255, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.RECEIVED, db_index=True
    )
    received_at = models.DateTimeField(_("sent"))
    # The working day it was received (the next one when sent after hours), and the deadlines
    # counted from it (rules.py); the answer's moves while the sender is asked for more.
    received_on = models.DateField(_("received"))
    answer_due = models.DateField(_("answer due"))
    refuse_by = models.DateField(_("a refusal due by"))
    ask_by = models.DateField(_("more information asked by"))
    question = models.TextField(_("information asked for"), blank=True)
    asked_at = models.DateTimeField(_("information asked"), null=True, blank=True)
    # Working days left before `answer_due` when the question was asked.
    remaining_days = models.PositiveSmallIntegerField(null=True, blank=True)
    reply = models.TextField(_("sender's reply"), blank=True)
    replied_at = models.DateTimeField(_("replied"), null=True, blank=True)
    answer = models.TextField(_("answer"), blank=True)
    refusal_reason = models.TextField(_("reason it is not handled"), blank=True)
    closed_at = models.DateTimeField(_("answered or refused"), null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True, db_index=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    rating = models.CharField(
        _("satisfaction with the answer"), max_length=16, choices=Satisfaction.choices, blank=True
    )
    rated_at = models.DateTimeField(_("rated"), null=True, blank=True)
    # Feedback sent on the national public service portal: its code there (a delivery twice
    # is found by it); empty for feedback sent here.
    national_code = models.CharField(
        _("national portal code"), max_length=48, null=True, blank=True, unique=True
    )
    # The address the feedback was sent from, counted by the sending limit (services.py).
    client_ip = models.CharField(max_length=45, blank=True, editable=False)

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        ordering = ["-received_at", "-pk"]
        indexes = [
            models.Index(fields=["agency", "state", "answer_due"], name="feedback_agency_due_idx"),
            models.Index(fields=["client_ip", "received_at"], name="feedback_client_idx"),
            models.Index(
                fields=["-closed_at"],
                condition=models.Q(state="answered", publish_consent=True),
                name="feedback_published_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def about(self) -> str:
        """What the feedback is about, without personal data (a dossier by its procedure)."""
        return self.procedure.name if self.procedure_id else self.agency.name

"""Dossiers (hồ sơ): one application by a citizen or a business, from draft to result."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.agencies.models import Agency
from motcua.catalog.models import Procedure, RequiredDocument
from motcua.core.text import padded_fold
from motcua.dossiers.uploads import stored_name


class Channel(models.TextChoices):
    """How the dossier reached the agency; the online share counts these (national codes 1–3)."""

    DESK = "desk", _("At the desk")
    ONLINE = "online", _("Online")
    POST = "post", _("By post")


class Status(models.TextChoices):
    """A dossier's state; the national portal's status codes are in NATIONAL_STATUS."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted, awaiting the desk")
    ACCEPTED = "accepted", _("Accepted")
    NOT_ACCEPTED = "not_accepted", _("Not accepted")
    PROCESSING = "processing", _("Being processed")
    CONSULTING = "consulting", _("Awaiting another agency's opinion")
    UNDER_REVIEW = "under_review", _("Under review by the head of division")
    AWAITING_APPROVAL = "awaiting_approval", _("Awaiting the leader's approval")
    SUPPLEMENT = "supplement", _("Supplement requested")
    FEES_REQUESTED = "fees_requested", _("Fees requested before the result")
    PAUSED = "paused", _("Paused")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    STOPPED = "stopped", _("Processing stopped")
    FINISHED = "finished", _("Result ready")
    RETURNED = "returned", _("Result returned")


# The groups of states the rest of the code reasons with, defined here and nowhere else.
# Being processed by officials, from the assignment to the leader's desk.
IN_PROCESS = (
    Status.PROCESSING,
    Status.CONSULTING,
    Status.UNDER_REVIEW,
    Status.AWAITING_APPROVAL,
)
# Accepted and not yet at the leader's desk: what cannot be finished within a working day.
BEFORE_APPROVAL = (Status.ACCEPTED, Status.PROCESSING, Status.CONSULTING, Status.UNDER_REVIEW)
# Waiting on the applicant (documents or fees) or on a lawful pause: the clock stands still.
CLOCK_STOPPED = (Status.SUPPLEMENT, Status.FEES_REQUESTED, Status.PAUSED)
# Registered and not yet decided: the applicant may still withdraw.
UNDECIDED = (Status.SUBMITTED, Status.ACCEPTED, *IN_PROCESS, *CLOCK_STOPPED)
# The result is out: ready at the desk, or handed over.
RESULT_OUT = (Status.FINISHED, Status.RETURNED)
# Ended without a result.
ENDED_WITHOUT_RESULT = (Status.NOT_ACCEPTED, Status.WITHDRAWN, Status.STOPPED)
# Dossiers that still need an official's work (the inbox): undecided, or a result to hand over.
OPEN_STATUSES = (*UNDECIDED, Status.FINISHED)

NATIONAL_STATUS = {
    Status.SUBMITTED: 1,
    Status.ACCEPTED: 2,
    Status.NOT_ACCEPTED: 3,
    Status.PROCESSING: 4,
    Status.CONSULTING: 4,
    Status.UNDER_REVIEW: 4,
    Status.AWAITING_APPROVAL: 4,
    Status.SUPPLEMENT: 5,
    Status.FEES_REQUESTED: 6,
    # A lawful pause is still processing for the national portal; its clock stands still here.
    Status.PAUSED: 4,
    Status.WITHDRAWN: 7,
    Status.STOPPED: 8,
    Status.FINISHED: 9,
    Status.RETURNED: 10,
}


class Delivery(models.TextChoices):
    """How the result reaches the applicant."""

    ONLINE = "online", _("Downloaded online")
    DESK = "desk", _("Collected at the desk")
    POST = "post", _("Sent by post")


class DailySequence(models.Model):
    """The last dossier number an agency gave on a day; codes are gap-free per agency and day."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "day"], name="daily_sequence_unique")
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.day}: {self.last}"


class ResultRegister(models.Model):
    """The last number an agency gave a kind of result (its symbol) in a year: results are
    numbered from 1 each year in their agency's register, gap-free (Decree 30/2020)."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    symbol = models.CharField(max_length=40, blank=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "year", "symbol"], name="result_register_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.year} {self.symbol}: {self.last}"


class Dossier(models.Model):
    code = models.CharField(_("dossier code"), max_length=48, unique=True, null=True, blank=True)
    procedure = models.ForeignKey(
        Procedure, verbose_name=_("procedure"), on_delete=models.PROTECT, related_name="dossiers"
    )
    # Where the dossier is received and its code taken (a one-stop desk, Circular 01/2018),
    # and the agency that decides it; the same agency unless the desk receives for others.
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("receiving point"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dossiers",
    )
    decider = models.ForeignKey(
        Agency,
        verbose_name=_("deciding agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="decided_dossiers",
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("applicant account"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dossiers",
    )
    applicant_name = models.CharField(_("applicant"), max_length=200)
    # The name folded for search (core.text.padded_fold): officials find "Nguyễn" by "nguyen".
    applicant_name_folded = models.CharField(max_length=210, blank=True, editable=False)
    applicant_id_number = models.CharField(_("applicant's CCCD number"), max_length=12, blank=True)
    applicant_phone = models.CharField(_("phone"), max_length=16, blank=True)
    applicant_email = models.EmailField(_("e-mail"), blank=True)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("specialist in charge"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_dossiers",
    )
    form_data = models.JSONField(_("form answers"), default=dict, blank=True)
    # What the specialist found, by the form's official fields (catalog.formdef): printed on the
    # result, never part of the applicant's answers. Empty by the database's own default too,
    # for the loaders that insert rows with SQL.
    findings = models.JSONField(_("findings"), default=dict, db_default={}, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    # The day the dossier counts as received: the day of submission, or the next working day
    # for one submitted online after office hours or on a day off (core.calendar.received_on).
    received_on = models.DateField(_("receipt date"), null=True, blank=True)
    due_date = models.DateField(_("appointment date"), null=True, blank=True)
    # Milestones kept on the row so that statistics count without reading the history.
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    # Received at a one-stop desk for another agency (decider ≠ agency): the few dossiers that
    # two agencies read, kept apart so that each agency's list stays one index range.
    for_another_agency = models.BooleanField(default=False, editable=False)
    transferred_at = models.DateTimeField(
        _("transferred to the deciding agency"), null=True, blank=True
    )
    finished_at = models.DateTimeField(_("result ready"), null=True, blank=True)
    returned_at = models.DateTimeField(_("result handed over"), null=True, blank=True)
    delivery = models.CharField(
        _("result handed over"), max_length=8, choices=Delivery.choices, blank=True
    )
    supplement_count = models.PositiveSmallIntegerField(_("supplement requests"), default=0)
    fee_amount = models.PositiveBigIntegerField(_("fees due (VND)"), default=0)
    # The applicant's account was verified by VNeID when the dossier was handed in.
    identity_verified = models.BooleanField(_("account verified by VNeID"), default=False)
    # The client's Idempotency-Key (or the form's one-time token): a retried submission
    # finds the dossier it already created instead of creating a second one.
    idempotency_key = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        ordering = ["-submitted_at", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["applicant", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="dossier_idempotency_unique",
            )
        ]
        indexes = [
            # The dossier list in its order (Meta.ordering), without a sort: for a
            # supervisor, whose agencies span the province, and for one agency's officials.
            models.Index(fields=["-submitted_at", "-created_at"], name="dossier_list_idx"),
            models.Index(
                fields=["agency", "-submitted_at", "-created_at"], name="dossier_agency_list_idx"
            ),
            # The inbox of one status (and any filter by agency and status): by deadline.
            models.Index(
                fields=["agency", "status", "due_date", "submitted_at"],
                name="dossier_status_due_idx",
            ),
            # The officials' inbox: an agency's open dossiers by deadline, without a sort.
            models.Index(
                fields=["agency", "due_date", "submitted_at"],
                condition=models.Q(status__in=OPEN_STATUSES),
                name="dossier_open_due_idx",
            ),
            # A deciding agency's list, when the Service Center receives everything for it.
            models.Index(
                fields=["decider", "-submitted_at", "-created_at"], name="dossier_decider_list_idx"
            ),
            # Whether an agency received for others, or had dossiers received for it.
            models.Index(
                fields=["agency"],
                condition=models.Q(for_another_agency=True),
                name="dossier_received_for_idx",
            ),
            models.Index(
                fields=["decider"],
                condition=models.Q(for_another_agency=True),
                name="dossier_received_by_idx",
            ),
            # The deciding agency's inbox: its open dossiers, by deadline.
            models.Index(
                fields=["decider", "due_date", "submitted_at"],
                condition=models.Q(status__in=OPEN_STATUSES),
                name="dossier_decider_open_due_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.code or _("Draft of %(procedure)s") % {"procedure": self.procedure.name}

    def save(self, *args, **kwargs) -> None:
        self.applicant_name_folded = padded_fold(self.applicant_name)
        fields = kwargs.get("update_fields")
        if fields is not None and "applicant_name" in fields:
            kwargs["update_fields"] = {*fields, "applicant_name_folded"}
        super().save(*args, **kwargs)

    @property
    def deciding_agency_id(self) -> int | None:
        """The agency whose officials process the dossier (its receiving point's, if unset)."""
        return self.decider_id or self.agency_id

    @property
    def submitted_elsewhere(self) -> bool:
        """Submitted online on another portal (the national one): online, and no account of
        ours owns it; its applicant acts on that portal (workflow.ON_ANOTHER_PORTAL)."""
        return self.channel == Channel.ONLINE and self.applicant_id is None


class Attachment(models.Model):
    """A file the applicant handed in for one of the procedure's required documents (or, at
    the desk, the note that the document was received on paper only)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="attachments")
    document = models.ForeignKey(
        RequiredDocument, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    supplement = models.ForeignKey(
        "SupplementRequest", null=True, blank=True, on_delete=models.SET_NULL, related_name="files"
    )
    # A document the desk received on paper and kept without a scan has no file: the dossier
    # is then not digitised (Decision 766).
    file = models.FileField(_("file"), upload_to=stored_name, blank=True)
    on_paper = models.BooleanField(_("received on paper, not scanned"), default=False)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name


# The applicant's own steps, which a dossier submitted on another portal takes there.
APPLICANT_STEPS = frozenset({"submit", "answer_supplement", "withdraw"})


class Event(models.Model):
    """One step of a dossier's history: what happened, when, by whom."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The workflow table's action (dossiers/workflow.py) that made this step.
    action = models.CharField(max_length=32, blank=True)
    from_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Status.choices)
    # What the applicant reads in their dossier's history (a refusal's reason, what is missing).
    note = models.TextField(blank=True)
    # The officials' remark on the step, never shown to the applicant.
    internal_note = models.TextField(blank=True)

    class Meta:
        verbose_name = _("dossier event")
        verbose_name_plural = _("dossier events")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.dossier} {self.from_status} → {self.to_status}"

    @property
    def label(self) -> str:
        """What happened, in words: the state reached, or, for a step that keeps the state
        (a transfer, an apology's new date, a rating), the action taken."""
        from motcua.dossiers.workflow import TRANSITIONS

        transition = TRANSITIONS.get(self.action)
        if transition is not None and self.from_status == self.to_status:
            return str(transition.label).capitalize()
        return self.get_to_status_display()

    @property
    def taken_by(self) -> str:
        """Who took the step, as the history names them: the official or applicant, or, for a
        step without an account, the applicant on the national portal or the online payment."""
        if self.actor_id is not None:
            return str(self.actor)
        if self.action in APPLICANT_STEPS and self.dossier.submitted_elsewhere:
            return str(_("the applicant, on the national portal"))
        if self.action == "confirm_fees":
            return str(_("the online payment"))
        return ""


class SupplementRequest(models.Model):
    """An official's request for more documents; the clock waits while the applicant answers."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="supplements")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested"))
    items = models.JSONField(_("what is missing"), default=list)
    note = models.TextField(_("note"), blank=True)
    # Working days left before the appointment when the request came; empty when the dossier
    # was not yet accepted, so that the full processing time starts once it is complete.
    remaining_days = models.PositiveSmallIntegerField(null=True, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answer_note = models.TextField(_("answer"), blank=True)

    class Meta:
        verbose_name = _("supplement request")
        verbose_name_plural = _("supplement requests")
        ordering = ["requested_at"]

    def __str__(self) -> str:
        return f"{self.dossier} {self.requested_at:%Y-%m-%d}"


class Satisfaction(models.TextChoices):
    VERY_SATISFIED = "very_satisfied", _("Very satisfied")
    SATISFIED = "satisfied", _("Satisfied")
    DISSATISFIED = "dissatisfied", _("Dissatisfied")


class Rating(models.Model):
    """The applicant's judgement of the service once the result is out; one per dossier."""

    dossier = models.OneToOneField(Dossier, on_delete=models.CASCADE, related_name="rating")
    level = models.CharField(_("satisfaction"), max_length=16, choices=Satisfaction.choices)
    comment = models.TextField(_("comment"), blank=True, max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")

    def __str__(self) -> str:
        return f"{self.dossier}: {self.get_level_display()}"


class ResultDocument(models.Model):
    """The signed result of a dossier (licence, certificate, decision), issued on approval.

    The stored file is the signed PDF; its hash and the random verification code let anyone
    holding a copy check it on the public verification page.
    """

    dossier = models.OneToOneField(Dossier, on_delete=models.PROTECT, related_name="result")
    file = models.FileField(_("file"), upload_to="results/%Y/%m/")
    title = models.CharField(_("title"), max_length=500)
    number = models.CharField(_("number"), max_length=64)
    signed_at = models.DateTimeField(_("signed"))
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    verification_code = models.CharField(max_length=64, unique=True, editable=False)
    sha256 = models.CharField(_("SHA-256 of the signed file"), max_length=64, editable=False)

    class Meta:
        verbose_name = _("result document")
        verbose_name_plural = _("result documents")

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class Consultation(models.Model):
    """An inter-agency step (liên thông): another agency's opinion on the dossier."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="consultations")
    agency = models.ForeignKey(
        Agency, verbose_name=_("agency consulted"), on_delete=models.PROTECT, related_name="+"
    )
    question = models.TextField(_("question"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested"))
    due_date = models.DateField(_("answer due"))
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    opinion = models.TextField(_("opinion"), blank=True)

    class Meta:
        verbose_name = _("inter-agency consultation")
        verbose_name_plural = _("inter-agency consultations")
        ordering = ["requested_at"]
        indexes = [
            models.Index(
                fields=["agency", "due_date"],
                condition=models.Q(answered_at=None),
                name="consultation_open_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.dossier} → {self.agency_id}"


class Pause(models.Model):
    """A lawful pause (tạm dừng): the clock stops until the leader resumes processing."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="pauses")
    reason = models.TextField(_("reason"))
    paused_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    paused_at = models.DateTimeField(_("paused"))
    # Working days left before the appointment when the pause began.
    remaining_days = models.PositiveSmallIntegerField()
    resumed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resumed_at = models.DateTimeField(_("resumed"), null=True, blank=True)

    class Meta:
        verbose_name = _("pause")
        verbose_name_plural = _("pauses")
        ordering = ["paused_at"]

    def __str__(self) -> str:
        return f"{self.dossier} {self.paused_at:%Y-%m-%d}"

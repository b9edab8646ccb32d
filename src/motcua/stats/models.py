"""Statistics: dossiers counted per day, kept in step with every change, and yearly targets.

The counters are derived data. `aggregates.py` keeps them in step inside each change's
transaction and can rebuild them from the records at any time; `manage.py verify_stats`
recounts and fails on any difference.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.agencies.models import Agency
from motcua.catalog.models import Procedure
from motcua.dossiers.deadlines import Timeliness
from motcua.dossiers.models import Dossier


def _agency(**options) -> models.ForeignKey:
    # Derived rows: no constraint to check on each of millions of inserts; verify_stats checks.
    return models.ForeignKey(
        Agency,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
        **options,
    )


def _procedure() -> models.ForeignKey:
    return models.ForeignKey(
        Procedure,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )


class Outcome(models.TextChoices):
    """How a dossier left the work: its result (early, on time, late) or its end without one."""

    # The judgement of a result is dossiers.deadlines' own.
    EARLY = Timeliness.EARLY.value, Timeliness.EARLY.label
    ON_TIME = Timeliness.ON_TIME.value, Timeliness.ON_TIME.label
    LATE = Timeliness.LATE.value, Timeliness.LATE.label
    NOT_ACCEPTED = "not_accepted", _("Not accepted")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    STOPPED = "stopped", _("Processing stopped")


class DossierFact(models.Model):
    """What the counters hold of one registered dossier, as local dates.

    Kept so that a change can take the dossier's old contribution out before putting the new
    one in, whatever changed (status, appointment date, rating, payment).
    """

    dossier = models.OneToOneField(
        Dossier,
        primary_key=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    # Where it was received, and the agency that decides it (the same but for dossiers a
    # one-stop desk received for another agency).
    agency = _agency()
    decider = _agency(null=True)
    procedure = _procedure()
    channel = models.CharField(max_length=8)
    received = models.DateField()
    due = models.DateField(null=True)
    # The day it left the work (result ready, refused, withdrawn, stopped); never before receipt.
    closed = models.DateField(null=True)
    outcome = models.CharField(max_length=12, choices=Outcome.choices, blank=True)
    supplements = models.PositiveSmallIntegerField()
    fee = models.BooleanField()
    paid = models.BooleanField()
    digitised = models.BooleanField()
    rating = models.CharField(max_length=16, blank=True)
    rated = models.DateField(null=True)

    class Meta:
        indexes = [models.Index(fields=["agency", "received"], name="stats_fact_agency_received")]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.received} {self.outcome}"


class PauseFact(models.Model):
    """One stretch of a dossier's history with its clock stopped (waiting for a supplement or
    for fees, or paused)."""

    dossier = models.ForeignKey(
        Dossier, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    agency = _agency()
    decider = _agency(null=True)
    procedure = _procedure()
    kind = models.CharField(max_length=20)
    began = models.DateField()
    ended = models.DateField(null=True)

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.kind} {self.began}–{self.ended or ''}"


class AgencyCounters(models.Model):
    """Per agency: flows counted on the day they happened, and the entries and exits of the
    stocks (overdue, waiting) whose running sum gives their size on any day."""

    received_desk = models.IntegerField(default=0)
    received_online = models.IntegerField(default=0)
    received_post = models.IntegerField(default=0)
    # Of the dossiers received that day: fees due, paid online, digitised with an e-result,
    # supplement requests (total and dossiers with one).
    with_fee = models.IntegerField(default=0)
    paid_online = models.IntegerField(default=0)
    digitised = models.IntegerField(default=0)
    supplement_requests = models.IntegerField(default=0)
    supplemented = models.IntegerField(default=0)
    # Closed that day.
    finished_early = models.IntegerField(default=0)
    finished_on_time = models.IntegerField(default=0)
    finished_late = models.IntegerField(default=0)
    # In time by the date, but asked for supplements more than once: late for Decision 766.
    finished_resupplied = models.IntegerField(default=0)
    days_taken = models.IntegerField(default=0)
    not_accepted = models.IntegerField(default=0)
    withdrawn = models.IntegerField(default=0)
    stopped = models.IntegerField(default=0)
    # Rated that day.
    very_satisfied = models.IntegerField(default=0)
    satisfied = models.IntegerField(default=0)
    dissatisfied = models.IntegerField(default=0)
    # Stocks: in on the day a dossier joins, out on the day it leaves.
    overdue_in = models.IntegerField(default=0)
    overdue_out = models.IntegerField(default=0)
    resupplied_in = models.IntegerField(default=0)
    resupplied_out = models.IntegerField(default=0)
    resupplied_overdue_in = models.IntegerField(default=0)
    resupplied_overdue_out = models.IntegerField(default=0)
    # One stock per status of dossiers.models.CLOCK_STOPPED, named after it.
    supplement_in = models.IntegerField(default=0)
    supplement_out = models.IntegerField(default=0)
    fees_requested_in = models.IntegerField(default=0)
    fees_requested_out = models.IntegerField(default=0)
    paused_in = models.IntegerField(default=0)
    paused_out = models.IntegerField(default=0)

    class Meta:
        abstract = True


class ProcedureCounters(models.Model):
    """Per procedure, of the dossiers received that day: what became of them so far."""

    received = models.IntegerField(default=0)
    received_online = models.IntegerField(default=0)
    supplement_requests = models.IntegerField(default=0)
    finished = models.IntegerField(default=0)
    finished_late = models.IntegerField(default=0)
    refused = models.IntegerField(default=0)
    dissatisfied = models.IntegerField(default=0)
    days_taken = models.IntegerField(default=0)

    class Meta:
        abstract = True


class AgencyDay(AgencyCounters):
    agency = _agency()
    day = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency", "day"], name="stats_agency_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.agency_id}"


class AgencyMonth(AgencyCounters):
    """The days of a month added up: a year is read from twelve rows per agency."""

    agency = _agency()
    month = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "month"], name="stats_agency_month")
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.agency_id}"


class DeciderDay(AgencyCounters):
    """The same counts by the agency that decides the dossiers: a department's own, and those
    the Service Center received for it (AgencyDay counts them where they were received)."""

    decider = _agency()
    day = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["decider", "day"], name="stats_decider_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.decider_id}"


class DeciderMonth(AgencyCounters):
    decider = _agency()
    month = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["decider", "month"], name="stats_decider_month")
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.decider_id}"


class ProcedureDay(ProcedureCounters):
    """Per agency and procedure; a subtree's procedures are read from its agencies' rows."""

    agency = _agency()
    day = models.DateField()
    procedure = _procedure()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "day", "procedure"], name="stats_procedure_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.agency_id} {self.procedure_id}"


class ProcedureMonth(ProcedureCounters):
    agency = _agency()
    month = models.DateField()
    procedure = _procedure()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "month", "procedure"], name="stats_procedure_month"
            )
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.agency_id} {self.procedure_id}"


class ProcedureTotalDay(ProcedureCounters):
    """Per procedure, all agencies together: the province's figures without reading each
    agency's rows."""

    day = models.DateField()
    procedure = _procedure()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "procedure"], name="stats_procedure_total_day")
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.procedure_id}"


class ProcedureTotalMonth(ProcedureCounters):
    month = models.DateField()
    procedure = _procedure()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["month", "procedure"], name="stats_procedure_total_month"
            )
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.procedure_id}"


class Target(models.Model):
    """The share of dossiers to receive online, from `year` until the next target's year."""

    year = models.PositiveSmallIntegerField(
        _("from year"), unique=True, validators=[MinValueValidator(2000)]
    )
    online_rate = models.DecimalField(
        _("online dossiers, at least (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    basis = models.CharField(_("legal basis"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("online dossier target")
        verbose_name_plural = _("online dossier targets")
        ordering = ["year"]

    def __str__(self) -> str:
        return f"{self.year}: {self.online_rate} %"

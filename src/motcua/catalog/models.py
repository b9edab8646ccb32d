"""The catalog of administrative procedures (thủ tục hành chính) and what each one asks for."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.agencies.models import Agency, Tier
from motcua.catalog.formdef import applicant_fields
from motcua.core.text import fold, padded_fold

# National codes look like 1.001612; localised ones like 2.000815.000.00.00.H55.
PROCEDURE_CODE_PATTERN = r"^\d\.\d{6}(?:\.[0-9A-Z]+)*$"


class OnlineMode(models.TextChoices):
    """Decree 42/2022: fully online (toàn trình), partly online (một phần) or not online."""

    FULL = "full", _("Fully online")
    PARTIAL = "partial", _("Partly online")
    NONE = "none", _("Not online")


class Level(models.IntegerChoices):
    """Decree 43/2011 online service levels."""

    INFORMATION = 1, _("Level 1: information")
    FORMS = 2, _("Level 2: downloadable forms")
    SUBMISSION = 3, _("Level 3: online submission")
    PAYMENT = 4, _("Level 4: online submission, payment and result")


def mode_for_level(level: int) -> str:
    """The Decree 42 mode a Decree 43 level usually maps to."""
    return {4: OnlineMode.FULL, 3: OnlineMode.PARTIAL}.get(level, OnlineMode.NONE)


class Sector(models.Model):
    code = models.SlugField(_("code"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=255, unique=True)

    class Meta:
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Procedure(models.Model):
    code = models.CharField(
        _("procedure code"),
        max_length=40,
        unique=True,
        validators=[
            RegexValidator(
                PROCEDURE_CODE_PATTERN,
                _("A procedure code looks like 1.001612 or 2.000815.000.00.00.H55."),
            )
        ],
    )
    name = models.CharField(_("name"), max_length=500)
    sector = models.ForeignKey(
        Sector, verbose_name=_("sector"), on_delete=models.PROTECT, related_name="procedures"
    )
    # The agencies that decide it, and the one-stop desks that receive it for them (the
    # province's Service Center, a district's one-stop unit); catalog/reception.py pairs them.
    agencies = models.ManyToManyField(
        Agency, verbose_name=_("deciding agencies"), blank=True, related_name="procedures"
    )
    receiving_points = models.ManyToManyField(
        Agency,
        verbose_name=_("receiving points"),
        blank=True,
        related_name="received_procedures",
        help_text=_(
            "The one-stop desks that receive it for the deciding agencies. When none is "
            "named, each deciding agency receives it at its own desk."
        ),
    )
    level = models.PositiveSmallIntegerField(
        _("online service level"),
        choices=Level.choices,
        validators=[MinValueValidator(1), MaxValueValidator(4)],
    )
    online_mode = models.CharField(
        _("online mode (Decree 42/2022)"), max_length=8, choices=OnlineMode.choices
    )
    processing_days = models.PositiveSmallIntegerField(
        _("processing time (working days)"),
        help_text=_("0 means the result is returned on the day of receipt."),
    )
    processing_note = models.CharField(_("note on processing time"), max_length=500, blank=True)
    requirements = models.TextField(_("requirements and conditions"), blank=True)
    steps = models.TextField(_("steps"), blank=True)
    result_type = models.CharField(_("result"), max_length=500, blank=True)
    legal_basis = models.TextField(_("legal basis"), blank=True)
    form_fields = models.JSONField(
        _("online form fields"),
        default=list,
        blank=True,
        help_text=_(
            "A list of fields: name, label, type, required, choices, validator; official: true"
            " for a finding the specialist fills in."
        ),
    )
    published = models.BooleanField(_("published"), default=True)
    payment_first = models.BooleanField(
        _("payment before processing"),
        default=False,
        help_text=_("The desk accepts a dossier paid online only once its fees are paid."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Folded copies for diacritic-free search, kept in step by save().
    name_folded = models.CharField(max_length=520, editable=False, default="")
    search_text = models.TextField(editable=False, default="")

    class Meta:
        verbose_name = _("procedure")
        verbose_name_plural = _("procedures")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def save(self, *args, **kwargs) -> None:
        self.refresh_search_text()
        super().save(*args, **kwargs)

    def refresh_search_text(self) -> None:
        self.name_folded = padded_fold(self.name)
        self.search_text = padded_fold(f"{self.name} {self.code} {self.sector.name}")

    @property
    def is_online(self) -> bool:
        return self.level >= Level.SUBMISSION

    @property
    def questions(self) -> list[dict]:
        """The form's fields the applicant answers; the official's findings left out."""
        return applicant_fields(self.form_fields)

    @property
    def tier_codes(self) -> list[str]:
        return [link.tier for link in self.tier_links.all()]

    def total_fee(self) -> int:
        return sum(fee.amount for fee in self.fees.all())


class ProcedureTier(models.Model):
    """A tier of government at which the procedure is carried out (cấp thực hiện)."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="tier_links")
    tier = models.CharField(_("tier"), max_length=16, choices=Tier.choices)

    class Meta:
        verbose_name = _("tier")
        verbose_name_plural = _("tiers")
        constraints = [
            models.UniqueConstraint(fields=["procedure", "tier"], name="procedure_tier_unique")
        ]
        indexes = [models.Index(fields=["tier", "procedure"])]

    def __str__(self) -> str:
        return self.get_tier_display()


class FeeKind(models.TextChoices):
    FEE = "fee", _("Fee (lệ phí)")
    CHARGE = "charge", _("Charge (phí)")


class Fee(models.Model):
    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="fees")
    kind = models.CharField(_("kind"), max_length=8, choices=FeeKind.choices)
    description = models.CharField(_("description"), max_length=500)
    amount = models.PositiveBigIntegerField(_("amount (VND)"))
    per_field = models.CharField(
        _("multiplied by form field"),
        max_length=64,
        blank=True,
        help_text=_("Name of a number field of the form, e.g. the number of copies."),
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("fee or charge")
        verbose_name_plural = _("fees and charges")
        ordering = ["procedure", "position", "pk"]

    def __str__(self) -> str:
        return f"{self.description}: {self.amount:,} VND"


class RequiredDocument(models.Model):
    """One item of the dossier's composition (thành phần hồ sơ)."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="documents")
    name = models.CharField(_("name"), max_length=500)
    originals = models.PositiveSmallIntegerField(_("originals"), default=1)
    copies = models.PositiveSmallIntegerField(_("copies"), default=0)
    mandatory = models.BooleanField(_("mandatory"), default=True)
    template = models.FileField(_("template form"), upload_to="templates/", blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("required document")
        verbose_name_plural = _("required documents")
        ordering = ["procedure", "position", "pk"]

    def __str__(self) -> str:
        return self.name


class StepKind(models.TextChoices):
    """The stages of processing a procedure's workflow is made of."""

    TRANSFER = "transfer", _("Transfer from the receiving desk to the deciding agency")
    PROCESS = "process", _("Processing by the specialist")
    CONSULT = "consult", _("Opinion of another agency (inter-agency)")
    REVIEW = "review", _("Review by the head of division")
    APPROVE = "approve", _("Approval and signature by the leader")
    RETURN = "return", _("Returning the result")


class WorkflowStep(models.Model):
    """One step of a procedure's time plan, with its share of the processing time.

    The steps plan the time (each step's last day) and name the agencies that may be consulted;
    what may be done next is the workflow table's alone. A procedure without steps follows
    workflow.DEFAULT_STEPS; the shares of a procedure's steps add up to 100 % (check_shares).
    """

    procedure = models.ForeignKey(
        Procedure, on_delete=models.CASCADE, related_name="workflow_steps"
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    kind = models.CharField(_("step"), max_length=8, choices=StepKind.choices)
    share = models.PositiveSmallIntegerField(
        _("share of the processing time (%)"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    consulted_agency = models.ForeignKey(
        Agency,
        verbose_name=_("agency consulted"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("For an inter-agency step: the agency whose opinion is needed."),
    )

    class Meta:
        # The table of the dossiers app, where the model began: moved without copying a row.
        db_table = "dossiers_workflowstep"
        verbose_name = _("step of the time plan")
        verbose_name_plural = _("time plan: steps and their share of the processing time")
        ordering = ["procedure", "position", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.share} %)"

    def clean(self) -> None:
        if self.kind == StepKind.CONSULT and self.consulted_agency_id is None:
            raise ValidationError(_("An inter-agency step names the agency consulted."))


def check_shares(shares: Iterable[int]) -> None:
    """The steps share out the whole processing time, or there are none (the default path)."""
    shares = list(shares)
    if shares and sum(shares) != 100:
        raise ValidationError(
            _("The steps' shares of the processing time add up to %(total)s %%, not 100 %%.")
            % {"total": sum(shares)},
            code="shares",
        )


def sector_code(name: str) -> str:
    return fold(name).replace(" ", "-")[:80]


class NationalEntry(models.Model):
    """A procedure's place in the national procedure database, as the last sync found it.

    The sync (catalog/national.py) tells from it which procedures the nation has withdrawn:
    those it gave before and no longer gives.
    """

    procedure = models.OneToOneField(
        Procedure, on_delete=models.CASCADE, related_name="national_entry"
    )
    synced_at = models.DateTimeField(_("last synced from the national database"))
    withdrawn_at = models.DateTimeField(_("withdrawn nationally"), null=True, blank=True)

    class Meta:
        verbose_name = _("national catalog entry")
        verbose_name_plural = _("national catalog entries")

    def __str__(self) -> str:
        return str(self.procedure)


class ResultTemplate(models.Model):
    """How a procedure's result is worded, laid out as Decree 30/2020 presents a document.

    The wording (`title`, `body`, `recipients`) takes the form's answers as placeholders in the
    restricted language of `catalog/sandbox.py`, checked when saved; a procedure without one
    issues the generic notice of `catalog/result_templates.py`.
    """

    procedure = models.OneToOneField(
        Procedure,
        verbose_name=_("procedure"),
        on_delete=models.CASCADE,
        related_name="result_template",
    )
    document_type = models.CharField(
        _("document type"),
        max_length=200,
        help_text=_("Printed centred in capitals, e.g. Giấy chứng nhận kết hôn or Thông báo."),
    )
    symbol = models.CharField(
        _("symbol"),
        max_length=40,
        blank=True,
        help_text=_("Printed after the number, e.g. TB-UBND for Số: …/TB-UBND."),
    )
    title = models.CharField(
        _("summary"),
        max_length=300,
        blank=True,
        help_text=_("Printed under the document type, e.g. Về kết quả giải quyết hồ sơ."),
    )
    body = models.TextField(
        _("body"),
        help_text=_(
            "The text of the result, with the form's answers as placeholders such as "
            "{{ ho_ten }} or {{ ngay_sinh|ngay_thang_nam }}. A blank line starts a paragraph."
        ),
    )
    recipients = models.TextField(
        _("recipients (Nơi nhận)"), blank=True, default="- Như trên;\n- Lưu: VT."
    )
    signer_position = models.CharField(
        _("signer's position"),
        max_length=200,
        blank=True,
        help_text=_(
            "Its lines separated by /, e.g. TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH. Empty: the head of "
            "a People's Committee or the director of a department, by the issuing agency."
        ),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("result template")
        verbose_name_plural = _("result templates")
        ordering = ["procedure"]

    def __str__(self) -> str:
        return f"{self.document_type} ({self.procedure.code})"

    def clean(self) -> None:
        from motcua.catalog.result_templates import check_wording

        if self.procedure_id is not None:
            check_wording(self)

"""People who use Motcua: citizens, businesses and officials."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.agencies.models import Agency


class AccountKind(models.TextChoices):
    CITIZEN = "citizen", _("Citizen")
    BUSINESS = "business", _("Business")
    OFFICIAL = "official", _("Official")


class Role(models.TextChoices):
    """What an official does at their agency's one-stop process."""

    DESK_OFFICER = "desk_officer", _("One-stop desk officer")
    SPECIALIST = "specialist", _("Specialist")
    HEAD_OF_DIVISION = "head_of_division", _("Head of division")
    LEADER = "leader", _("Agency leader")
    AGENCY_ADMIN = "agency_admin", _("Agency administrator")
    SUPERVISOR = "supervisor", _("Provincial supervisor")


class User(AbstractUser):
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=16, unique=True, null=True, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    # A typed CCCD is a claim that many accounts may make; only one account holds it verified.
    id_number = models.CharField(  # noqa: DJ001 (None, as before, for "no number")
        _("CCCD number"), max_length=12, null=True, blank=True, db_index=True
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    # Set once the national identity provider vouched for this person (synced upward as
    # "account verified by VNeID"); a CCCD typed at registration proves nothing.
    identity_verified = models.BooleanField(_("identity verified by VNeID"), default=False)
    tax_code = models.CharField(_("tax code"), max_length=14, blank=True)
    kind = models.CharField(
        _("account kind"), max_length=16, choices=AccountKind.choices, default=AccountKind.CITIZEN
    )
    role = models.CharField(_("role"), max_length=24, choices=Role.choices, blank=True)
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="officials",
    )
    # Set while a registration waits for its code; past it the registration is void.
    registration_expires_at = models.DateTimeField(
        _("unconfirmed registration expires at"), null=True, blank=True, db_index=True
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(
                fields=["id_number"],
                condition=Q(identity_verified=True),
                name="one_verified_account_per_cccd",
            )
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    @classmethod
    def from_db(cls, db, field_names, values):
        user = super().from_db(db, field_names, values)
        user._stored_password = user.__dict__.get("password")
        return user

    def save(self, *args, **kwargs) -> None:
        """A new password, whichever page or tool set it, ends every API token of the account."""
        stored = getattr(self, "_stored_password", None)
        password_changed = stored is not None and self.password != stored
        super().save(*args, **kwargs)
        self._stored_password = self.password
        if password_changed:
            self.api_tokens.all().delete()


class OneTimeCode(models.Model):
    """A short code sent by SMS or e-mail to confirm an account; only its hash is kept."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="one_time_codes")
    code_hash = models.CharField(max_length=128)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("one-time code")
        verbose_name_plural = _("one-time codes")

    def __str__(self) -> str:
        return f"{self.user} {self.expires_at:%Y-%m-%d %H:%M}"


class CodeDelivery(models.Model):
    """A code or notice sent to a phone number or e-mail address: sends are limited per address."""

    address = models.CharField(max_length=254, db_index=True)
    sent_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("code delivery")
        verbose_name_plural = _("code deliveries")

    def __str__(self) -> str:
        return f"{self.address} {self.sent_at:%Y-%m-%d %H:%M}"


class WrongCode(models.Model):
    """A wrong code typed where no account counts it (a reset asked for an unknown address), so
    that such guesses run out as an account's do and the answers tell nothing."""

    address = models.CharField(max_length=254, db_index=True)
    typed_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("wrong code")
        verbose_name_plural = _("wrong codes")

    def __str__(self) -> str:
        return f"{self.address} {self.typed_at:%Y-%m-%d %H:%M}"


class ApiToken(models.Model):
    """A bearer token for API clients (mobile apps, kiosks); only its SHA-256 is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.user} → {self.expires_at:%Y-%m-%d %H:%M}"

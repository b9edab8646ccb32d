"""People who use Motcua: citizens, businesses and officials."""

from django.contrib.auth.models import AbstractUser
from django.db import models
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

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.username

"""The tree of agencies: the province, its departments, districts and communes, over time."""

from __future__ import annotations

import datetime
import re

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models, transaction
from django.db.models import Q, Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext_lazy as _

from motcua.core.text import padded_fold

# QCVN 102:2016/BTTTT: up to four levels, e.g. 000.00.01.H57; the province alone may be written H57.
AGENCY_CODE_PATTERN = r"^(?:\d{2,3}\.){0,3}[A-Z]\d{2}$"
_BARE_PROVINCE = re.compile(r"^[A-Z]\d{2}$")


def canonical_code(code: str) -> str:
    """The four-level form of an agency code: "H57" is the province, 000.00.00.H57."""
    code = code.strip().upper()
    return f"000.00.00.{code}" if _BARE_PROVINCE.match(code) else code


class Tier(models.TextChoices):
    PROVINCE = "province", _("Province")
    DEPARTMENT = "department", _("Department")
    DISTRICT = "district", _("District")
    COMMUNE = "commune", _("Commune")


class Kind(models.TextChoices):
    PEOPLES_COMMITTEE = "peoples_committee", _("People's Committee")
    DEPARTMENT = "department", _("Department or sector")
    SERVICE_CENTER = "service_center", _("Public administration service center")
    CITY = "city", _("City")
    TOWN = "town", _("Town")
    DISTRICT = "district", _("District")
    WARD = "ward", _("Ward")
    COMMUNE = "commune", _("Commune")
    TOWNSHIP = "township", _("Township")


class AgencyQuerySet(models.QuerySet):
    def active_on(self, day: datetime.date) -> AgencyQuerySet:
        return self.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day), valid_from__lte=day)

    def subtree(self, root: Agency) -> AgencyQuerySet:
        """`root` and every agency below it, at any depth."""
        return self.filter(path__startswith=root.path)

    def by_code(self, code: str) -> Agency:
        return self.get(code=canonical_code(code))


class Agency(models.Model):
    code = models.CharField(
        _("agency code"),
        max_length=32,
        unique=True,
        validators=[
            RegexValidator(
                AGENCY_CODE_PATTERN,
                _("An agency code looks like 000.00.01.H57 (QCVN 102:2016/BTTTT)."),
            )
        ],
    )
    name = models.CharField(_("name"), max_length=255)
    short_name = models.CharField(_("short name"), max_length=80, blank=True)
    tier = models.CharField(_("tier"), max_length=16, choices=Tier.choices)
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    has_one_stop_desk = models.BooleanField(_("has a one-stop desk"), default=False)
    address = models.CharField(_("address"), max_length=255, blank=True)
    # What a citizen needs to go to the desk: when it is open and whom to call.
    opening_hours = models.CharField(
        _("opening hours"),
        max_length=255,
        blank=True,
        help_text=_("E.g. Monday to Friday 7:00–11:30 and 13:30–17:00; Saturday morning."),
    )
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    valid_from = models.DateField(_("valid from"), default=datetime.date(2000, 1, 1))
    valid_to = models.DateField(_("valid to (last day)"), null=True, blank=True)
    successors = models.ManyToManyField(
        "self",
        verbose_name=_("successors"),
        symmetrical=False,
        blank=True,
        related_name="predecessors",
    )
    # Ids from the root down, e.g. "1/5/23/": a subtree is one prefix query.
    path = models.CharField(max_length=255, editable=False, db_index=True, default="")
    search_text = models.CharField(max_length=400, editable=False, default="")

    objects = AgencyQuerySet.as_manager()

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["path"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="agency_valid_to_after_valid_from",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.code = canonical_code(self.code)
        self.search_text = padded_fold(f"{self.name} {self.short_name} {self.code}")
        with transaction.atomic():
            if self.pk is None:
                super().save(*args, **kwargs)  # the path is made of ids: get one first
                self.path = self._path_below_parent()
                super().save(update_fields=["path"])
                return
            old_path, self.path = self.path, self._path_below_parent()
            super().save(*args, **kwargs)
            if old_path and old_path != self.path:
                self._move_descendants(old_path)

    def _path_below_parent(self) -> str:
        return f"{self.parent.path if self.parent_id else ''}{self.pk}/"

    def _move_descendants(self, old_path: str) -> None:
        Agency.objects.filter(path__startswith=old_path).exclude(pk=self.pk).update(
            path=Concat(Value(self.path), Substr("path", len(old_path) + 1))
        )

    @property
    def depth(self) -> int:
        return self.path.count("/") - 1

    def is_active_on(self, day: datetime.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or self.valid_to >= day)

    def clean(self) -> None:
        self.code = canonical_code(self.code)
        if self.parent_id is None:
            return
        if self.pk and self.parent.path.startswith(self.path):
            raise ValidationError({"parent": _("An agency cannot be placed under itself.")})
        if self.parent.valid_to and self.parent.valid_to < self.valid_from:
            raise ValidationError(
                {"parent": _("The parent agency had ended before this agency began.")}
            )

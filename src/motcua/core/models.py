"""Shared records: the working-day calendar's entries and the audit log."""

from __future__ import annotations

import hashlib
import json

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

GENESIS_HASH = "0" * 64


class DayKind(models.TextChoices):
    DAY_OFF = "day_off", _("Day off")
    WORKING_DAY = "working_day", _("Working day")


class CalendarDay(models.Model):
    """A day the Government's schedule makes different from the statutory calendar.

    Weekends and the statutory public holidays are known without entries; the administrator
    enters only the extra days off (the yearly Tết schedule, bridge days) and the Saturdays or
    Sundays worked to make up for them.
    """

    day = models.DateField(_("day"), unique=True)
    kind = models.CharField(
        _("kind"),
        max_length=16,
        choices=DayKind.choices,
        help_text=_(
            "A day off closes a weekday, e.g. in the Government's Tết schedule or a bridge day;"
            " a working day opens a Saturday or Sunday worked to make up for a swapped day."
            " Statutory public holidays need no entry."
        ),
    )
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day.isoformat()} {self.get_kind_display()}"


class AuditEntry(models.Model):
    """One line of the append-only audit log; each line carries the hash of the one before.

    Editing or deleting a line breaks the chain, which `manage.py verify_audit` detects.
    """

    at = models.DateTimeField(_("time"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=64)
    object_ref = models.CharField(_("object"), max_length=64, db_index=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.action} {self.object_ref}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise ValueError("audit entries are never changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("audit entries are never deleted")

    def compute_hash(self) -> str:
        content = [
            self.previous_hash,
            self.at.isoformat(),
            self.actor_id,
            self.action,
            self.object_ref,
            self.detail,
        ]
        encoded = json.dumps(content, sort_keys=True, ensure_ascii=False, default=str)
        return hashlib.sha256(encoded.encode()).hexdigest()


class AuditHead(models.Model):
    """The hash of the last audit entry: appends queue on this single row, one at a time."""

    last_hash = models.CharField(max_length=64, default=GENESIS_HASH)

    def __str__(self) -> str:
        return self.last_hash

"""Shared records: the working-day calendar's entries and the audit log."""

from __future__ import annotations

import hashlib
import hmac
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


def _seal(*content) -> str:
    """HMAC-SHA256 of `content` under the audit key (settings.AUDIT_KEY, never in the database)."""
    encoded = json.dumps(list(content), sort_keys=True, ensure_ascii=False, default=str)
    return hmac.new(settings.AUDIT_KEY.encode(), encoded.encode(), hashlib.sha256).hexdigest()


class AuditEntry(models.Model):
    """One line of the append-only audit log; each line carries the seal of the one before.

    The log is a set of chains (one per agency, "" for the system's own); each line is sealed
    with a key the database does not hold, so that editing or deleting a line, even re-sealing
    the rest without the key, breaks its chain, which `manage.py verify_audit` detects.
    """

    chain = models.CharField(_("chain"), max_length=32, blank=True, default="")
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

    def _content(self) -> list:
        at = self.at.isoformat()
        return [self.previous_hash, at, self.actor_id, self.action, self.object_ref, self.detail]

    def compute_hash(self) -> str:
        """The entry's seal: its chain, the seal before it and its content, under the key."""
        return _seal(self.chain, *self._content())

    def plain_hash(self) -> str:
        """The unkeyed SHA-256 of the log's first version, which anyone could recompute."""
        encoded = json.dumps(self._content(), sort_keys=True, ensure_ascii=False, default=str)
        return hashlib.sha256(encoded.encode()).hexdigest()


class AuditHead(models.Model):
    """The seal of a chain's last entry; appends to one chain queue on its row, one at a time.

    `seal` binds the head to its chain under the key, so cutting the last entries off a chain
    and moving its head back cannot be done without the key either.
    """

    chain = models.CharField(max_length=32, unique=True, default="")
    last_hash = models.CharField(max_length=64, default=GENESIS_HASH)
    seal = models.CharField(max_length=64, blank=True)

    def __str__(self) -> str:
        return f"{self.chain or '-'} {self.last_hash}"

    def compute_seal(self) -> str:
        return _seal("head", self.chain, self.last_hash)

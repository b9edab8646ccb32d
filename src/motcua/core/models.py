"""The administrator's entries in the working-day calendar; see motcua.core.calendar."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


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

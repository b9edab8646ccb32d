"""Changes to the agency tree over time: merges end agencies without rewriting history."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from motcua.agencies.models import Agency
from motcua.agencies.signals import agencies_merged


@transaction.atomic
def merge_agencies(sources: list[Agency], successor: Agency, effective: datetime.date) -> None:
    """Merge `sources` into `successor` from `effective` on.

    The sources end the day before; their past records keep pointing at them, and whatever
    they carry out from now on (procedures, for instance) moves to the successor.
    """
    last_day = effective - datetime.timedelta(days=1)
    if not successor.is_active_on(effective):
        raise ValidationError(
            _("%(agency)s is not in operation on %(day)s.")
            % {"agency": successor, "day": effective.strftime("%d/%m/%Y")}
        )
    for source in sources:
        if source.pk == successor.pk:
            raise ValidationError(_("An agency cannot be merged into itself."))
        if not source.is_active_on(last_day):
            raise ValidationError(
                _("%(agency)s is not in operation on %(day)s.")
                % {"agency": source, "day": last_day.strftime("%d/%m/%Y")}
            )
    for source in sources:
        source.valid_to = last_day
        source.save(update_fields=["valid_to"])
        source.successors.add(successor)
    agencies_merged.send(sender=Agency, sources=sources, successor=successor, effective=effective)


def current_successors(agency: Agency, day: datetime.date) -> list[Agency]:
    """The agencies in operation on `day` that took over from `agency`, following merges."""
    if agency.is_active_on(day):
        return [agency]
    found: dict[int, Agency] = {}
    for successor in agency.successors.all():
        for current in current_successors(successor, day):
            found[current.pk] = current
    return list(found.values())

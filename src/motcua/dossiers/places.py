"""The places where a citizen may hand in a dossier, as the submission form offers them.

`catalog.reception.receiving_points` decides which agencies receive a procedure; here they are
only arranged for a person choosing one on a phone: grouped under the agency above them (the
145 communes of a province under their 9 districts), the group of the applicant's own district
first, and in it their own commune first, when the profile tells where they live.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from motcua.agencies.models import Agency
from motcua.catalog import reception
from motcua.catalog.models import Procedure
from motcua.core.text import padded_fold

Choice = tuple[str, str]
# A commune's committee is named after its place: "Ủy ban nhân dân xã Phú An" is in "xã Phú An".
_COMMITTEE = re.compile(r"^\s*(?:Ủy|Uỷ) ban nhân dân\s+", re.IGNORECASE)


def place_choices(procedure: Procedure, applicant) -> list[Choice | tuple[str, list[Choice]]]:
    """The procedure's receiving points as choices; in groups when they are under several
    agencies (Django renders a group as an <optgroup>)."""
    points = reception.receiving_points(procedure)
    parents = Agency.objects.in_bulk({point.parent_id for point in points if point.parent_id})
    groups: dict[int | None, list[Agency]] = {}
    for point in points:
        groups.setdefault(point.parent_id, []).append(point)
    home = _home_of(applicant)
    order = sorted(groups, key=lambda parent_id: not _is_home(parents.get(parent_id), home))
    if len(order) == 1:
        return _choices(groups[order[0]], home)
    return [
        (_group_label(parents.get(parent_id)), _choices(groups[parent_id], home))
        for parent_id in order
    ]


def _choices(points: list[Agency], home: Home) -> list[Choice]:
    ordered = sorted(points, key=lambda point: not _is_home(point, home))
    return [(point.code, point.name) for point in ordered]


def _group_label(parent: Agency | None) -> str:
    return parent.name if parent else ""


@dataclass(frozen=True)
class Home:
    """Where the applicant lives or works, as far as the profile tells: the folded address, and
    the tree path of their agency (an official's)."""

    address: str = ""
    agency_path: str = ""


def _home_of(applicant) -> Home:
    address = (getattr(applicant, "address", "") or "").strip()
    agency = getattr(applicant, "agency", None)
    return Home(padded_fold(address) if address else "", agency.path if agency else "")


def _is_home(agency: Agency | None, home: Home) -> bool:
    """Whether `agency` is the applicant's place: named in their address, or above or at their
    own agency."""
    if agency is None:
        return False
    if home.agency_path and home.agency_path.startswith(agency.path):
        return True
    return bool(home.address) and any(
        name in home.address for name in _place_names(agency) if name.strip()
    )


def _place_names(agency: Agency) -> set[str]:
    return {padded_fold(agency.short_name), padded_fold(_COMMITTEE.sub("", agency.name))}

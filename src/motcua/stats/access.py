"""Who may read which statistics.

Province-wide aggregates are public (the portal shows them). The per-agency tables, an
agency's own figures and the exports are for officials, over their agency's subtree: a
provincial supervisor's agency is the province, so they see it all.
"""

from __future__ import annotations

from motcua.accounts.models import AccountKind
from motcua.agencies.models import Agency


def official_agency(user) -> Agency | None:
    """The agency whose subtree `user` may read in detail; None for anyone else."""
    if not user.is_authenticated or user.kind != AccountKind.OFFICIAL:
        return None
    return user.agency


def is_public(agency: Agency | None) -> bool:
    """Are `agency`'s aggregates public: the whole province (or its top agency)?"""
    return agency is None or agency.parent_id is None


def may_see_detail(user, agency: Agency | None) -> bool:
    """May `user` read `agency`'s figures agency by agency (None: the whole province's)?"""
    own = official_agency(user)
    if own is None:
        return bool(user.is_authenticated and user.is_superuser)
    if agency is None:
        return own.parent_id is None
    return agency.path.startswith(own.path)


def default_agency(user) -> Agency | None:
    """Where an official's reports start: their agency, or the whole province at its top."""
    own = official_agency(user)
    return None if own is None or own.parent_id is None else own

"""Reads of personal data, written to the audit log whatever the door (page, API, PDF, file).

An official's read of a dossier leaves an entry naming them and the dossier; an applicant
reading their own dossier needs none. Entries go to the chain of the dossier's agency, so reads
at different agencies never queue on one row.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from motcua.core import audit
from motcua.dossiers.models import Dossier


def chain_of(dossier: Dossier) -> str:
    """The audit chain of the dossier's agency ("" for the system's, when it has none)."""
    return dossier.agency.code if dossier.agency_id else ""


def _own(user, dossier: Dossier) -> bool:
    return user.is_authenticated and dossier.applicant_id == user.pk


def log_read(user, dossier: Dossier, action: str = "dossier.view", **detail: Any) -> None:
    """Note who read `dossier`, unless it is the applicant reading their own."""
    if not _own(user, dossier):
        audit.log(action, dossier.code, user, chain=chain_of(dossier), **detail)


def log_page(user, dossiers: Iterable[Dossier], action: str, **detail: Any) -> None:
    """One entry for a page of dossiers (a list, an inbox) naming each one read.

    It goes to the chain of the reader's agency: a page may span several agencies.
    """
    codes = [d.code for d in dossiers if not _own(user, d)]
    if codes:
        agency = getattr(user, "agency", None)
        audit.log(
            action, "dossiers", user, chain=agency.code if agency else "", codes=codes, **detail
        )

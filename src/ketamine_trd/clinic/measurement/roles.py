"""Who may do what in measurement-based care (deny by default): rows of the one table, ``clinic.access.ALLOWED``.

Services accept an ``actor``: a request (its user and address go to the audit trail) or a user.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any, NoReturn

from ketamine_trd.clinic.access import ALLOWED, user_of
from ketamine_trd.errors import PermissionDenied

__all__ = [
    "ACKNOWLEDGE_ROLES",
    "CLINICAL_ROLES",
    "DASHBOARD_ROLES",
    "ENTRY_ROLES",
    "require_role",
    "same_clinic",
    "user_of",
]

#: may read scores, trajectories, alerts and progress reports of identified patients
CLINICAL_ROLES = ALLOWED["measurement.view"]
#: may enter assessments
ENTRY_ROLES = ALLOWED["measurement.enter"]
#: may acknowledge alerts on the worklist
ACKNOWLEDGE_ROLES = ALLOWED["alert.acknowledge"]
#: may open the clinic dashboard (front desk and admin: no alert details; researcher: counts only)
DASHBOARD_ROLES = ALLOWED["dashboard.view"]


def require_role(actor: Any, roles: Collection[str], doing: str) -> Any:
    """Return the actor's user if signed in with one of ``roles`` and attached to a clinic, else refuse.

    A refusal is audited (``denied``, detail ``doing``), as ``clinic.access.require`` audits its own: call this
    before opening the service's transaction, or the refusal's record is rolled back with it.
    """
    user = user_of(actor)
    role = getattr(user, "role", None)
    signed_in = user is not None and getattr(user, "is_authenticated", False) and getattr(user, "is_active", False)
    if not signed_in or role not in roles:
        _refuse(actor, f"role {role or 'anonymous'!s} may not {doing}", doing)
    if getattr(user, "clinic_id", None) is None:
        _refuse(actor, f"a user without a clinic may not {doing}", doing)
    return user


def _refuse(actor: Any, message: str, doing: str) -> NoReturn:
    from ketamine_trd.clinic.audit.service import record

    record(actor, "denied", outcome="denied", detail=doing)
    raise PermissionDenied(message)


def same_clinic(actor: Any, patient: Any) -> bool:
    """Whether the patient belongs to the actor's clinic."""
    user = user_of(actor)
    return bool(patient is not None and user is not None and patient.clinic_id == getattr(user, "clinic_id", None))

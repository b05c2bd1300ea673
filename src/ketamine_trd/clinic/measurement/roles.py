"""Who may do what in measurement-based care (deny by default).

Services accept an ``actor``: a request (its user and address go to the audit trail) or a user.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from ketamine_trd.clinic.access import user_of
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
CLINICAL_ROLES = frozenset({"prescriber", "nurse"})
#: may enter assessments
ENTRY_ROLES = frozenset({"prescriber", "nurse"})
#: may acknowledge alerts on the worklist
ACKNOWLEDGE_ROLES = frozenset({"prescriber", "nurse"})
#: may open the clinic dashboard (front desk and admin: no alert details; researcher: counts only)
DASHBOARD_ROLES = frozenset({"prescriber", "nurse", "admin", "front_desk", "researcher"})


def require_role(actor: Any, roles: Collection[str], doing: str) -> Any:
    """Return the actor's user if signed in with one of ``roles`` and attached to a clinic, else refuse."""
    user = user_of(actor)
    role = getattr(user, "role", None)
    if user is None or not getattr(user, "is_authenticated", False) or role not in roles:
        raise PermissionDenied(f"role {role or 'anonymous'!s} may not {doing}")
    if getattr(user, "clinic_id", None) is None:
        raise PermissionDenied(f"a user without a clinic may not {doing}")
    return user


def same_clinic(actor: Any, patient: Any) -> bool:
    """Whether the patient belongs to the actor's clinic."""
    user = user_of(actor)
    return bool(patient is not None and user is not None and patient.clinic_id == getattr(user, "clinic_id", None))

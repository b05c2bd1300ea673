"""Who may do what: one table of actions per role, one call that decides, deny by default.

:func:`authorize` is the one authorization call (services, the API, FHIR, the research export); the view
decorator :func:`authorized` wraps it for pages (anonymous -> login, refused -> 403); :func:`can` answers the
same question without refusing, for what a page shows. Every decision reads :data:`ALLOWED`; an action not in it
is refused to everyone, and so is an object whose clinic cannot be told. Rows are fetched through clinic-scoped
helpers (``records.services._scope``): an object of another clinic fetched by id is "not found", never
"forbidden", so its existence leaks not.

>>> sorted(ALLOWED["session.sign"])
['nurse', 'prescriber']
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeAlias, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse

from ketamine_trd.errors import PermissionDenied

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from ketamine_trd.clinic.accounts.models import User

#: who acts: a request (its user and client address go to the audit trail) or a user (commands, the demo, tests)
Actor: TypeAlias = "HttpRequest | User | AnonymousUser"

PRESCRIBER, NURSE, FRONT_DESK, RESEARCHER, ADMIN = "prescriber", "nurse", "front_desk", "researcher", "admin"
CLINICAL = frozenset({PRESCRIBER, NURSE})

ALLOWED: dict[str, frozenset[str]] = {
    "patient.view": frozenset({PRESCRIBER, NURSE, FRONT_DESK, ADMIN}),
    "patient.register": frozenset({PRESCRIBER, NURSE, FRONT_DESK}),
    "patient.edit": frozenset({PRESCRIBER, NURSE, FRONT_DESK}),
    "intake.view": CLINICAL,
    "intake.record": CLINICAL,
    "intake.sign_off": frozenset({PRESCRIBER}),
    "intake.override": frozenset({PRESCRIBER}),
    "course.view": CLINICAL,
    "course.plan": frozenset({PRESCRIBER}),
    "course.change_phase": frozenset({PRESCRIBER}),
    "session.list": frozenset({PRESCRIBER, NURSE, FRONT_DESK}),
    "session.view": CLINICAL,
    "session.schedule": frozenset({PRESCRIBER, NURSE, FRONT_DESK}),
    "session.chart": CLINICAL,
    "session.sign": CLINICAL,
    # overriding a safety check (a dose outside the checks, signing while not ready for discharge)
    "dose.override": frozenset({PRESCRIBER}),
    "session.sign_override": frozenset({PRESCRIBER}),
    "rems.view": frozenset({PRESCRIBER, NURSE, FRONT_DESK}),
    "rems.export": frozenset({PRESCRIBER, NURSE, FRONT_DESK}),
    "rems.submit": CLINICAL,
    # the controlled-substance log (21 CFR 1304.22(c)): stock, receipts, witnessed waste, counts, corrections
    "controlled.view": CLINICAL,
    "controlled.record": CLINICAL,
    "research.view": frozenset({RESEARCHER}),
    # measurement-based care: scores, trajectories, alerts and progress reports of identified patients
    "measurement.view": CLINICAL,
    "measurement.enter": CLINICAL,
    "alert.acknowledge": CLINICAL,
    # the clinic dashboard (front desk and admin: no alert details; researcher: counts only)
    "dashboard.view": frozenset({PRESCRIBER, NURSE, FRONT_DESK, RESEARCHER, ADMIN}),
    # FHIR (clinic.fhir_bridge): identified export for the clinical roles; import also for admins
    "fhir.export": CLINICAL,
    "site.view": frozenset({PRESCRIBER, NURSE, FRONT_DESK, ADMIN}),
    "site.edit": frozenset({ADMIN}),
    "consent.record": frozenset({PRESCRIBER, NURSE, FRONT_DESK}),
    "consent.override": frozenset({PRESCRIBER}),
    "discharge.print": CLINICAL,
    "fhir.import": frozenset({PRESCRIBER, NURSE, ADMIN}),
    # scheduling (clinic.scheduling): chairs, hours and closed days by an admin; bookings by who schedules sessions
    "schedule.configure": frozenset({ADMIN}),
    "schedule.view": frozenset({PRESCRIBER, NURSE, FRONT_DESK}),
    "schedule.book": frozenset({PRESCRIBER, NURSE, FRONT_DESK}),
}

F = TypeVar("F", bound=Callable[..., HttpResponse])


@dataclass(frozen=True, slots=True)
class InClinic:
    """An object known only by the clinic it belongs to (a clinic-wide export, a clinic's dashboard)."""

    clinic_id: int


def user_of(actor: Actor | None) -> Any:
    """The user behind an actor: a request's user, or the actor itself (a user)."""
    return getattr(actor, "user", actor) if hasattr(actor, "META") else actor


def can(actor: Actor | None, action: str) -> bool:
    """True when the actor's user is signed in, active, in a clinic, and its role may do ``action``.

    An unknown action is denied (deny by default).
    """
    user = user_of(actor)
    if user is None or not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return False
    if getattr(user, "clinic_id", None) is None:
        return False
    return getattr(user, "role", None) in ALLOWED.get(action, frozenset())


def _clinic_of(obj: Any) -> int | None:
    """The clinic an object belongs to: its own, its patient's, or (a clinic) itself; None when it cannot be told."""
    if getattr(getattr(obj, "_meta", None), "label_lower", "") == "accounts.clinic":
        return int(obj.pk)
    for owner in (obj, getattr(obj, "patient", None)):
        clinic_id = getattr(owner, "clinic_id", None)
        if clinic_id is not None:
            return int(clinic_id)
    return None


def _record_denial(actor: Actor | None, detail: str) -> None:
    """Audit a refused access (OWASP ASVS 4.0 V7.2.2). Check access before opening the
    service's transaction: a refusal raised inside ``atomic()`` rolls this record back too."""
    from ketamine_trd.clinic.audit.service import record

    record(actor, "denied", outcome="denied", detail=detail)


def authorize(actor: Actor | None, action: str, obj: Any = None) -> Any:
    """Return the actor's user if it may do ``action`` (on ``obj``, when given); else audit and refuse.

    Refuses (:class:`ketamine_trd.errors.PermissionDenied`, audited as ``denied`` with the action as detail) an
    anonymous or inactive user, a user without a clinic, a role that :data:`ALLOWED` does not list for the action,
    an unknown action, and an ``obj`` of another clinic or whose clinic cannot be told.
    """
    user = user_of(actor)
    if not can(user, action):
        _record_denial(actor, action)
        role = getattr(user, "role", None) or "anonymous"
        if getattr(user, "is_authenticated", False) and getattr(user, "clinic_id", None) is None:
            raise PermissionDenied(f"a user without a clinic may not {action}")
        raise PermissionDenied(f"role {role!r} may not {action}")
    if obj is not None and _clinic_of(obj) != user.clinic_id:
        _record_denial(actor, f"{action} of another clinic")
        raise PermissionDenied(f"{action} is allowed only within the user's own clinic")
    return user


def authorized(action: str) -> Callable[[F], F]:
    """View decorator over :func:`authorize`: anonymous -> login redirect; signed in without the right -> 403."""

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            authorize(request, action)  # refused: 403, mapped by clinic.edge.ErrorTreeMiddleware
            return view(request, *args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorate

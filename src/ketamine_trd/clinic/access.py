"""Who may do what: one table of actions per role, deny by default.

Views use :func:`require_role`; services and the API use :func:`require`. Objects are
fetched through the helpers here, which scope every query to the user's clinic (an
object of another clinic is "not found", never "forbidden", so its existence leaks not).

>>> sorted(ALLOWED["session.sign"])
['nurse', 'prescriber']
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpRequest, HttpResponse

from ketamine_trd.errors import PermissionDenied

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
    "research.view": frozenset({RESEARCHER}),
    # measurement-based care (clinic.measurement.roles reads these rows)
    "measurement.view": CLINICAL,
    "measurement.enter": CLINICAL,
    "alert.acknowledge": CLINICAL,
    "dashboard.view": frozenset({PRESCRIBER, NURSE, FRONT_DESK, RESEARCHER, ADMIN}),
    # FHIR (clinic.fhir_bridge): identified export for the clinical roles; import also for admins
    "fhir.export": CLINICAL,
    "fhir.import": frozenset({PRESCRIBER, NURSE, ADMIN}),
}

F = TypeVar("F", bound=Callable[..., HttpResponse])


def user_of(actor: Any) -> Any:
    """The user behind an actor: a request's user, or the actor itself (a user)."""
    return getattr(actor, "user", actor) if hasattr(actor, "META") else actor


def can(user: Any, action: str) -> bool:
    """True when ``user`` is signed in, active, in a clinic, and its role may do ``action``.

    An unknown action is denied (deny by default).
    """
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if getattr(user, "clinic_id", None) is None:
        return False
    return user.role in ALLOWED.get(action, frozenset())


def _record_denial(actor: Any, action: str) -> None:
    """Audit a refused access (OWASP ASVS 4.0 V7.2.2). Check access before opening the
    service's transaction: a refusal raised inside ``atomic()`` rolls this record back too."""
    from ketamine_trd.clinic.audit.service import record

    record(actor, "denied", outcome="denied", detail=action)


def require(user: Any, action: str) -> None:
    """Raise :class:`ketamine_trd.errors.PermissionDenied` unless ``user`` may do ``action``."""
    if not can(user, action):
        role = getattr(user, "role", "anonymous")
        _record_denial(user, action)
        raise PermissionDenied(f"role {role!r} may not {action}")


def require_role(action: str) -> Callable[[F], F]:
    """View decorator: anonymous -> login redirect; signed in without the right -> 403."""

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not can(request.user, action):
                _record_denial(request, action)
                raise DjangoPermissionDenied(f"{action} is not allowed for this role")
            return view(request, *args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorate

"""Course plans as simulation input: the JSON that ``ktrd course ... --json`` prints, or an explicit spec.

Two shapes are accepted (already parsed from JSON; this module does no I/O):

* a course plan: ``{"product" or "route": ..., "sessions": [{"date", "phase", "dose_mg" or
  "mg_per_kg", "minutes"?}], "weight_kg"?}``; dates become hours from the first session (doses
  at 09:00 are irrelevant: only differences matter); ``mg_per_kg`` needs ``weight_kg``;
  sessions without a dose (reviews) are skipped;
* an explicit spec: ``{"route": ..., "doses": [{"time_h", "dose_mg", "minutes"?}], "weight_kg"?}``.

>>> spec = {"route": "esketamine-nasal", "doses": [{"time_h": 0, "dose_mg": 56}, {"time_h": 72, "dose_mg": 84}]}
>>> course_from_json(spec).regimen.doses[1].time_h
72.0
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

from ketamine_trd.errors import InputError, UnitError
from ketamine_trd.pharmacology.dosing import Dose, Regimen
from ketamine_trd.pharmacology.models import ROUTES

__all__ = ["CourseInput", "course_from_json", "default_minutes"]

PRODUCT_ROUTES = {
    "esketamine": "esketamine-nasal",
    "esketamine-nasal": "esketamine-nasal",
    "spravato": "esketamine-nasal",
    "ketamine-iv": "ketamine-iv",
    "ketamine-im": "ketamine-im",
    "ketamine-oral": "ketamine-oral",
    "ketamine-sublingual": "ketamine-sublingual",
    "ketamine-intranasal": "ketamine-intranasal",
}
IV_DEFAULT_MINUTES = 40.0
"""Infusion minutes when an IV session gives none: 0.5 mg/kg over 40 min (S23, S26)."""


def default_minutes(route: str) -> float:
    """Administration minutes assumed when a dose gives none: ``IV_DEFAULT_MINUTES`` for IV routes, else 0 (bolus).

    >>> default_minutes("ketamine-iv"), default_minutes("esketamine-nasal")
    (40.0, 0.0)
    """
    return IV_DEFAULT_MINUTES if route.endswith("-iv") else 0.0


@dataclass(frozen=True, slots=True)
class CourseInput:
    """A regimen and the weight it was computed with (kg, None if not given)."""

    regimen: Regimen
    weight_kg: float | None


def _route(data: dict[str, Any]) -> str:
    raw = str(data.get("route") or data.get("product") or "").strip().lower().replace("_", "-")
    route = PRODUCT_ROUTES.get(raw, raw)
    if route not in ROUTES:
        raise InputError("route", raw, ", ".join(sorted(ROUTES)))
    return route


def _number(item: dict[str, Any], key: str, where: str) -> float:
    try:
        value = float(item[key])
    except (TypeError, ValueError, KeyError, OverflowError):
        raise InputError(where + "." + key, item.get(key), "a number") from None
    if not math.isfinite(value):
        raise InputError(where + "." + key, item.get(key), "a finite number")
    return value


def _items(data: dict[str, Any], key: str) -> list[dict[str, Any]]:
    """The list of objects under ``key``; anything else is refused naming the entry."""
    value = data[key]
    if not isinstance(value, list):
        raise InputError(key, type(value).__name__, "a JSON list of objects")
    for i, item in enumerate(value):
        if not isinstance(item, dict):
            raise InputError(f"{key}[{i}]", type(item).__name__, "a JSON object")
    return value


def _minutes(item: dict[str, Any], where: str, default: float, *, zero_is_default: bool) -> float:
    value = item.get("minutes")
    if value is None or (zero_is_default and not value):
        return default
    return _number(item, "minutes", where)


def course_from_json(data: Any, weight_kg: float | None = None) -> CourseInput:
    """Parse a course plan or an explicit spec (see the module docstring).

    ``weight_kg`` (given on the command line) overrides the file's ``weight_kg``; either is used to
    turn mg/kg into mg and, by the caller, as the subjects' weight.
    """
    if not isinstance(data, dict):
        raise InputError("course", type(data).__name__, "a JSON object")
    route = _route(data)
    if weight_kg is None and data.get("weight_kg") is not None:
        weight_kg = _number(data, "weight_kg", "course")
    default = default_minutes(route)
    doses: list[Dose] = []
    if "doses" in data:
        for i, item in enumerate(_items(data, "doses")):
            where = f"doses[{i}]"
            minutes = _minutes(item, where, default, zero_is_default=False)
            doses.append(Dose(_number(item, "time_h", where), _number(item, "dose_mg", where), minutes))
    elif "sessions" in data:
        start: dt.date | None = None
        for i, item in enumerate(_items(data, "sessions")):
            where = f"sessions[{i}]"
            try:
                day = dt.date.fromisoformat(str(item["date"])[:10])
            except (KeyError, ValueError):
                raise InputError(where + ".date", item.get("date"), "an ISO date (YYYY-MM-DD)") from None
            start = start or day
            if item.get("dose_mg") is not None:
                dose_mg = _number(item, "dose_mg", where)
            elif item.get("mg_per_kg") is not None:
                if weight_kg is None:
                    raise UnitError(
                        "weight_kg",
                        None,
                        "a weight in kg (in the file or --weight-kg) to turn mg/kg into mg",
                        reason="is missing",
                    )
                dose_mg = _number(item, "mg_per_kg", where) * weight_kg
            else:
                continue
            minutes = _minutes(item, where, default, zero_is_default=True)
            doses.append(Dose((day - start).days * 24.0, dose_mg, minutes))
    else:
        raise InputError("course", sorted(data), "an object with 'sessions' or 'doses'")
    if not doses:
        raise InputError("course.sessions", 0, "at least one session with a dose")
    doses.sort(key=lambda d: d.time_h)
    return CourseInput(Regimen(route, tuple(doses)), weight_kg)

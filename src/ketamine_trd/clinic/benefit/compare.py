"""Schedules compared by predicted benefit for the API: ``benefit.report.compare_schedules``, nothing restated.

No patient data is read (the schedules are the caller's course plans), so nothing is audited; the label travels with
every answer.
"""

from __future__ import annotations

from typing import Any

from ketamine_trd.clinic.access import Actor
from ketamine_trd.errors import InputError
from ketamine_trd.jsonable import to_jsonable

__all__ = ["MAX_DRAWS", "MAX_PATIENTS", "MAX_SCHEDULES", "compare"]

MAX_SCHEDULES = 6
MAX_PATIENTS = 5000
MAX_DRAWS = 50
"""Site decision: one request of the web server computes at most this much (a larger study runs ``ktrd benefit``)."""


def compare(
    actor: Actor, courses: list[Any], names: list[str] | None, *, weight_kg: float | None, n: int, seed: int, draws: int
) -> dict[str, Any]:
    """Each course (``ktrd simulate``'s course JSON) parsed by the core, compared on the same virtual patients."""
    from ketamine_trd.pharmacology.benefit.patient import LABEL
    from ketamine_trd.pharmacology.benefit.report import compare_schedules, request_from
    from ketamine_trd.pharmacology.course_input import course_from_json

    if not 1 <= len(courses) <= MAX_SCHEDULES:
        raise InputError("courses", len(courses), f"1 to {MAX_SCHEDULES} course plans")
    if names is not None and (len(names) != len(courses) or len(set(names)) != len(names)):
        raise InputError("names", names, "one distinct name per course")
    if not 1 <= n <= MAX_PATIENTS:
        raise InputError("n", n, f"1 to {MAX_PATIENTS} virtual patients")
    if not 1 <= draws <= MAX_DRAWS:
        raise InputError("draws", draws, f"1 to {MAX_DRAWS} parameter draws")
    labels = names or [f"schedule {i + 1}" for i in range(len(courses))]
    requests = {}
    for label, raw in zip(labels, courses, strict=True):
        plan = course_from_json(raw, weight_kg)
        requests[label] = request_from(plan.regimen, weight_kg or plan.weight_kg or 70.0, n=n, seed=seed, draws=draws)
    result = compare_schedules(requests)
    return {"label": LABEL, "n": n, "seed": seed, "schedules": {k: to_jsonable(v) for k, v in result.items()}}

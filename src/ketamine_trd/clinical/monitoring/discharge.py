"""Discharge readiness: the minimum observation has elapsed and every criterion is met.

SPRAVATO: monitored for at least 2 hours and until sedation, dissociation and respiratory
depression resolve, then assessed for clinical stability (S6, S8, boxed warning S1/S5); vital
signs in an acceptable range before the end of the session (PMF, S8); arrangements to leave
safely, no driving until the next day after restful sleep (S1, S7). IV ketamine: the same
structure under the site profile (the sources give no verified IV discharge criteria, NF).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from ketamine_trd.clinical.monitoring.observations import SedationRating, SessionObservations
from ketamine_trd.clinical.monitoring.vocabulary import minutes_between, require_aware
from ketamine_trd.clinical.monitoring_profiles import ESKETAMINE, MonitoringProfile

__all__ = ["Criterion", "DischargeReadiness", "discharge_readiness"]


@dataclass(frozen=True, slots=True)
class Criterion:
    """One discharge criterion: its id, whether it is met, a sentence, and its source."""

    criterion: str
    met: bool
    message: str
    source: str


@dataclass(frozen=True, slots=True)
class DischargeReadiness:
    """Whether the patient may leave at ``assessed_at``; ``unmet`` lists what is still missing."""

    ready: bool
    assessed_at: dt.datetime
    earliest_at: dt.datetime | None
    criteria: tuple[Criterion, ...]
    profile: str
    notes: tuple[str, ...] = ()

    @property
    def unmet(self) -> tuple[Criterion, ...]:
        """The criteria not met yet, in the order they are checked."""
        return tuple(c for c in self.criteria if not c.met)


def _observation(obs: SessionObservations, profile: MonitoringProfile, now: dt.datetime) -> Criterion:
    minimum = profile.minimum_observation_minutes
    if obs.dosed_at is None:
        return Criterion("minimum-observation", False, "No dosing time recorded.", "S8")
    if minimum is None:
        return Criterion("minimum-observation", False, "The profile sets no minimum observation.", "site-configuration")
    elapsed = minutes_between(obs.dosed_at, now)
    return Criterion(
        "minimum-observation",
        elapsed >= minimum.value,
        f"{elapsed:.0f} of at least {minimum.value} min observed since dosing.",
        minimum.source,
    )


def _sedation(ratings: tuple[SedationRating, ...], dosed_at: dt.datetime | None) -> Criterion:
    after = [r for r in ratings if dosed_at is not None and r.rated_at >= dosed_at]
    if not after:
        return Criterion("sedation-resolved", False, "No MOAA/S rating after dosing.", "S6")
    last = max(after, key=lambda r: r.rated_at)
    return Criterion(
        "sedation-resolved",
        last.moaas_score == 5,
        f"Last MOAA/S {last.moaas_score} (5 = alert).",
        "S6",
    )


def _events(obs: SessionObservations, now: dt.datetime) -> Criterion:
    open_kinds = sorted({e.kind for e in obs.adverse_events if e.open_at(now)})
    if open_kinds:
        return Criterion("adverse-events-resolved", False, f"Not resolved: {', '.join(open_kinds)}.", "S6")
    return Criterion("adverse-events-resolved", True, "No unresolved adverse event.", "S6")


def _final_vitals(obs: SessionObservations, profile: MonitoringProfile) -> Criterion:
    minimum = profile.minimum_observation_minutes
    if obs.dosed_at is None or minimum is None:
        return Criterion("vitals-before-discharge", False, "No vital signs at the end of observation.", "S8")
    start = obs.dosed_at + dt.timedelta(minutes=minimum.value - profile.grace_minutes.value)
    late = [v for v in obs.vitals if v.taken_at >= start]
    if not late:
        return Criterion("vitals-before-discharge", False, "Take vital signs before the end of the session.", "S8")
    last = max(late, key=lambda v: v.taken_at)
    problems = []
    limit = profile.monitoring_bp_limit
    if limit is not None and limit.exceeded_by(last.systolic_mmhg, last.diastolic_mmhg, obs.age_years):
        problems.append(f"BP {last.bp_text} at or above {limit.describe(obs.age_years)}")
    spo2 = profile.spo2_below_percent
    if spo2 is not None and (last.spo2_percent is None or last.spo2_percent < spo2.value):
        problems.append("SpO2 not measured" if last.spo2_percent is None else f"SpO2 {last.spo2_percent:g}%")
    if problems:
        return Criterion("vitals-before-discharge", False, "Final vital signs: " + "; ".join(problems) + ".", "S8")
    return Criterion("vitals-before-discharge", True, f"Final vital signs {last.bp_text} in range.", "S8")


def _confirmed(criterion: str, value: bool | None, yes: str, no: str, source: str) -> Criterion:
    return Criterion(criterion, value is True, yes if value else no, source)


def discharge_readiness(
    observations: SessionObservations,
    product: str,
    profile: MonitoringProfile,
    now: dt.datetime,
    *,
    clinically_stable: bool | None,
    safe_departure_arranged: bool | None,
    moderate_hepatic_impairment: bool = False,
) -> DischargeReadiness:
    """Readiness at ``now``: never before the profile's minimum observation, and only when every criterion is met.

    ``clinically_stable`` is the clinician's assessment; ``safe_departure_arranged`` confirms a
    ride home and no driving until the next day after restful sleep (``None`` = not asked yet).

    >>> from ketamine_trd.clinical.monitoring.vitals import VitalSigns
    >>> from ketamine_trd.clinical.monitoring_profiles import get_profile
    >>> t0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    >>> obs = SessionObservations(t0, vitals=(VitalSigns(t0 + dt.timedelta(minutes=118), 128, 80, spo2_percent=98),),
    ...     sedation=(SedationRating(t0 + dt.timedelta(minutes=115), 5),))
    >>> label = get_profile("spravato-label", on=t0.date())
    >>> early = discharge_readiness(obs, "esketamine-nasal", label, t0 + dt.timedelta(minutes=90),
    ...     clinically_stable=True, safe_departure_arranged=True)
    >>> early.ready, [c.criterion for c in early.unmet]
    (False, ['minimum-observation', 'sedation-resolved', 'vitals-before-discharge'])
    >>> discharge_readiness(obs, "esketamine-nasal", label, t0 + dt.timedelta(minutes=121),
    ...     clinically_stable=True, safe_departure_arranged=True).ready
    True
    """
    key = profile.require_product(product)
    require_aware("now", now)
    obs = observations.until(now)
    label = key == ESKETAMINE
    departure_source = "S7" if label else "site-configuration"
    criteria: tuple[Criterion, ...] = (
        _observation(obs, profile, now),
        _sedation(obs.sedation, obs.dosed_at),
        _events(obs, now),
        _final_vitals(obs, profile),
        _confirmed(
            "clinically-stable",
            clinically_stable,
            "Clinician assessed the patient as clinically stable.",
            "Clinician assessment of clinical stability is pending.",
            "S1" if label else "site-configuration",
        ),
        _confirmed(
            "safe-departure",
            safe_departure_arranged,
            "Arrangements to leave safely confirmed; no driving until the next day after restful sleep.",
            "Confirm a ride home; no driving until the next day after restful sleep.",
            departure_source,
        ),
    )
    if not label:  # the REMS structure applied to racemic ketamine is the site's choice, not a published rule
        criteria = tuple(
            c if c.source == "site-configuration" else replace(c, source="site-configuration") for c in criteria
        )
    notes: tuple[str, ...] = ()
    if moderate_hepatic_impairment and label:
        notes = ("Moderate hepatic impairment (Child-Pugh B): longer monitoring may be needed (S1 p14).",)
    minimum = profile.minimum_observation_minutes
    earliest = obs.dosed_at + dt.timedelta(minutes=minimum.value) if obs.dosed_at is not None and minimum else None
    return DischargeReadiness(
        ready=all(c.met for c in criteria),
        assessed_at=now,
        earliest_at=earliest,
        criteria=criteria,
        profile=f"{profile.id}@{profile.version}",
        notes=notes,
    )

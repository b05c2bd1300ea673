"""Live monitoring alerts from a session's charted observations under a monitoring profile.

Rules (each alert names its rule, source and data):

- ``bp-outlier-*``: a reading at or above the profile's monitoring BP limit (SPRAVATO label Table 6
  outlier markers, S2; IV: site configuration).
- ``bp-rise-*``: a rise from the pre-dose reading at or above the profile's rise limit (S2).
- ``spo2-low``: SpO2 below the profile's value; the REMS monitors until respiratory depression
  resolves (S6); the value itself is a profile setting (S10, M).
- ``heart-rate-out-of-range``: only when the site profile sets a range (no published value, NF).
- ``moaas-*``: MOAA/S 4 mild sedation, <=3 moderate or greater (S10, M); 0 loss of consciousness (S1).
- ``cadss-dissociation``: a CADSS total above 0 is shown (no verified cut-off exists, so no level
  beyond ``info``); monitoring lasts until dissociation resolves (S6).
- ``ae-hypertensive-emergency``: a label symptom of hypertensive crisis: refer for emergency care (S1).
- ``ae-respiratory-depression``, ``ae-open``: adverse events that have not resolved.
- ``vitals-overdue``: a timed check of the schedule is overdue.

The BP rules are of kind ``blood_pressure``; every other rule is ``monitoring`` (``alert_vocabulary``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from ketamine_trd.clinical.monitoring.observations import AdverseEvent, SessionObservations
from ketamine_trd.clinical.monitoring.vitals import CheckStatus, VitalSigns, vitals_schedule
from ketamine_trd.clinical.monitoring.vocabulary import Alert, AlertKind, AlertLevel, Datum, require_aware
from ketamine_trd.clinical.monitoring_profiles import MonitoringProfile

__all__ = ["evaluate_monitoring"]


def _tag(profile: MonitoringProfile) -> str:
    return f"{profile.id}@{profile.version}"


def _bp_data(v: VitalSigns) -> tuple[Datum, ...]:
    return (Datum("systolic_mmhg", v.systolic_mmhg, "mmHg"), Datum("diastolic_mmhg", v.diastolic_mmhg, "mmHg"))


def _vital_alerts(obs: SessionObservations, profile: MonitoringProfile) -> Iterator[Alert]:
    tag = _tag(profile)
    baseline = obs.predose_vitals(profile.predose_window_minutes.value)
    post = [v for v in obs.vitals if obs.dosed_at is not None and v.taken_at > obs.dosed_at]
    limit = profile.monitoring_bp_limit
    for v in post:
        if limit is not None and limit.exceeded_by(v.systolic_mmhg, v.diastolic_mmhg, obs.age_years):
            yield Alert(
                limit.rule_id,
                AlertLevel.WARNING,
                f"BP {v.bp_text} reaches the profile limit ({limit.describe(obs.age_years)}): reassess and "
                "keep monitoring until values decline.",
                limit.systolic_above_mmhg.source,
                tag,
                v.taken_at,
                _bp_data(v),
                kind=AlertKind.BLOOD_PRESSURE,
            )
        rise = profile.monitoring_bp_rise
        if rise is not None and baseline is not None:
            d_sys, d_dia = v.systolic_mmhg - baseline.systolic_mmhg, v.diastolic_mmhg - baseline.diastolic_mmhg
            if rise.exceeded_by(d_sys, d_dia):
                yield Alert(
                    rise.rule_id,
                    AlertLevel.WARNING,
                    f"BP rose by {d_sys}/{d_dia} mmHg from the pre-dose {baseline.bp_text} (flagged at a rise of "
                    f"{rise.systolic_rise_mmhg.value} systolic or {rise.diastolic_rise_mmhg.value} diastolic).",
                    rise.systolic_rise_mmhg.source,
                    tag,
                    v.taken_at,
                    (
                        *_bp_data(v),
                        Datum("systolic_rise_mmhg", d_sys, "mmHg"),
                        Datum("diastolic_rise_mmhg", d_dia, "mmHg"),
                    ),
                    kind=AlertKind.BLOOD_PRESSURE,
                )
    for v in obs.vitals:
        spo2 = profile.spo2_below_percent
        if spo2 is not None and v.spo2_percent is not None and v.spo2_percent < spo2.value:
            yield Alert(
                "spo2-low",
                AlertLevel.CRITICAL,
                f"SpO2 {v.spo2_percent:g}% is below {spo2.value}%: assess for respiratory depression; monitor "
                "until it resolves.",
                spo2.source,
                tag,
                v.taken_at,
                (Datum("spo2_percent", v.spo2_percent, "%"),),
            )
        hr = profile.heart_rate_range_bpm
        if hr is not None and v.heart_rate_bpm is not None and not hr.value[0] <= v.heart_rate_bpm <= hr.value[1]:
            yield Alert(
                "heart-rate-out-of-range",
                AlertLevel.WARNING,
                f"Heart rate {v.heart_rate_bpm} bpm is outside the site range {hr.value[0]}-{hr.value[1]} bpm.",
                hr.source,
                tag,
                v.taken_at,
                (Datum("heart_rate_bpm", v.heart_rate_bpm, "bpm"),),
            )


def _rating_alerts(obs: SessionObservations, profile: MonitoringProfile) -> Iterator[Alert]:
    tag = _tag(profile)
    for r in obs.sedation:
        data = (Datum("moaas_score", r.moaas_score),)
        if r.moaas_score == 0:
            yield Alert(
                "moaas-loss-of-consciousness",
                AlertLevel.CRITICAL,
                "MOAA/S 0: no response to painful stimulus (loss of consciousness). Check airway, breathing and "
                "SpO2 now.",
                "S1",
                tag,
                r.rated_at,
                data,
            )
        elif r.moaas_score <= 3:
            yield Alert(
                "moaas-moderate-sedation",
                AlertLevel.WARNING,
                f"MOAA/S {r.moaas_score}: moderate or greater sedation. Monitor closely with pulse oximetry until "
                "resolved.",
                "S10",
                tag,
                r.rated_at,
                data,
            )
        elif r.moaas_score == 4:
            yield Alert(
                "moaas-mild-sedation", AlertLevel.INFO, "MOAA/S 4: mild sedation.", "S10", tag, r.rated_at, data
            )
    for d in obs.dissociation:
        if d.cadss_total > 0:
            yield Alert(
                "cadss-dissociation",
                AlertLevel.INFO,
                f"CADSS ({d.version}) total {d.cadss_total}: dissociation present; monitor until it resolves "
                "(no validated severity cut-off exists).",
                "S6",
                tag,
                d.rated_at,
                (Datum("cadss_total", d.cadss_total), Datum("cadss_version", d.version)),
            )


def _event_alert(event: AdverseEvent, tag: str) -> Alert:
    data = (Datum("kind", event.kind),) + ((Datum("details", event.details),) if event.details else ())
    if event.is_hypertensive_emergency_symptom:
        return Alert(
            "ae-hypertensive-emergency",
            AlertLevel.CRITICAL,
            f"{event.kind.replace('-', ' ').capitalize()} may signal hypertensive crisis or encephalopathy: "
            "refer immediately for emergency care.",
            "S1",
            tag,
            event.noted_at,
            data,
        )
    if event.kind == "respiratory-depression":
        return Alert(
            "ae-respiratory-depression",
            AlertLevel.CRITICAL,
            "Respiratory depression: monitor with pulse oximetry until it resolves; report to the REMS.",
            "S6",
            tag,
            event.noted_at,
            data,
        )
    return Alert(
        "ae-open",
        AlertLevel.INFO,
        f"Adverse event not yet resolved: {event.kind}.",
        "S6" if event.kind in ("sedation", "dissociation") else "platform-defined",
        tag,
        event.noted_at,
        data,
    )


def evaluate_monitoring(
    observations: SessionObservations, product: str, profile: MonitoringProfile, now: dt.datetime
) -> tuple[Alert, ...]:
    """Alerts for the session at ``now``, most urgent first (observations after ``now`` are ignored).

    >>> from ketamine_trd.clinical.monitoring.vitals import VitalSigns
    >>> from ketamine_trd.clinical.monitoring_profiles import get_profile
    >>> t0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    >>> obs = SessionObservations(t0, vitals=(VitalSigns(t0 - dt.timedelta(minutes=5), 130, 80),
    ...     VitalSigns(t0 + dt.timedelta(minutes=40), 184, 96, spo2_percent=97)))
    >>> label = get_profile("spravato-label", on=t0.date())
    >>> [(a.rule_id, a.level.value) for a in evaluate_monitoring(obs, "esketamine-nasal", label,
    ...     t0 + dt.timedelta(minutes=45))]
    [('bp-outlier-table6', 'warning'), ('bp-rise-table6', 'warning')]
    """
    profile.require_product(product)
    require_aware("now", now)
    obs = observations.until(now)
    tag = _tag(profile)
    alerts = [*_vital_alerts(obs, profile), *_rating_alerts(obs, profile)]
    for event in obs.adverse_events:
        alert = _event_alert(event, tag)
        if event.open_at(now) or alert.level is AlertLevel.CRITICAL:
            alerts.append(alert)
    for check in vitals_schedule(obs.vitals, product, profile, now, dosed_at=obs.dosed_at):
        if check.status is CheckStatus.OVERDUE:
            alerts.append(
                Alert(
                    "vitals-overdue",
                    AlertLevel.WARNING,
                    f"Vital signs '{check.label}' are overdue.",
                    check.source,
                    tag,
                    None,
                    (Datum("time_point", check.time_point),),
                )
            )
    return tuple(sorted(alerts, key=lambda a: -a.level.rank))  # stable: time order within a level

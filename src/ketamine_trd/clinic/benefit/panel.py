"""One patient's benefit estimate: the grid posterior of ``benefit.patient`` from their own MADRS scores.

The scores are every MADRS total of the patient, whoever entered it (staff or the patient); the baseline is the
latest MADRS at or before the first signed dose, the doses are the patient's signed sessions (mg, the course's
product as the route, the patient's weight). The posterior is a grid computation, so its result (numbers and the
drawn SVG) is cached under a hash of exactly those inputs and the model's parameters: a new score or dose is a new
key. Every estimate is labelled :data:`LABEL`; the calibration table is one click away.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.utils.html import escape

from ketamine_trd.clinic.access import Actor
from ketamine_trd.clinic.audit.service import record
from ketamine_trd.errors import InputError

__all__ = ["LABEL", "MIN_SCORES_AFTER_FIRST_DOSE", "BenefitPanel", "patient_panel"]

LABEL = "model estimate, calibrated to published group results; not a dosing instruction"

MIN_SCORES_AFTER_FIRST_DOSE = 2
"""Site decision: fewer MADRS ratings after the first dose than this and no course is drawn (with one rating the
posterior is close to the population prior, and a curve would look more certain than it is)."""

CACHE_SECONDS = 24 * 3600
#: raise when what is computed or drawn changes, so that cached panels are recomputed
PANEL_VERSION = "1"
IV_MINUTES_DEFAULT = 40.0
DAY_S = 86400.0


@dataclass(frozen=True, slots=True)
class BenefitPanel:
    """What the measurement page shows of the benefit model for one patient."""

    available: bool
    reasons: tuple[str, ...] = ()
    label: str = LABEL
    svg: str = ""
    baseline_madrs: float | None = None
    doses: int = 0
    scores: int = 0
    last_dose_on: dt.date | None = None
    #: days after the last dose until improvement falls below 50%: posterior 10th, 50th, 90th percentiles
    fade_days: dict[str, float] = field(default_factory=dict)
    window: tuple[dt.date, dt.date] | None = None
    window_days: tuple[float, float] | None = None
    responding: bool = False
    #: the suggested window ended before today (the next session is overdue by the model's estimate)
    window_passed: bool = False
    products: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class _Inputs:
    first_dose_at: dt.datetime
    baseline: float
    dose_days: tuple[float, ...]
    exposures: tuple[float, ...]
    score_days: tuple[float, ...]
    madrs: tuple[float, ...]
    products: tuple[str, ...]


def _gather(patient: Any) -> tuple[_Inputs | None, tuple[str, ...], int, int]:
    """The model's inputs from the rows, or the plain reasons why there are not enough."""
    from ketamine_trd.clinic.measurement.models import Assessment
    from ketamine_trd.clinic.records.interface import Session, SessionStatus
    from ketamine_trd.pharmacology.benefit.exposure import POTENCY, exposure_per_dose

    sessions = list(
        Session.objects.filter(patient=patient, status=SessionStatus.SIGNED, dosed_at__isnull=False)
        .order_by("dosed_at", "pk")
        .values_list("dosed_at", "dose_mg", "infusion_duration_min", "course__product")
    )
    scores = list(
        Assessment.objects.filter(patient=patient, instrument_id="madrs", total__isnull=False)
        .order_by("administered_at", "pk")
        .values_list("administered_at", "total")
    )
    reasons: list[str] = []
    if not sessions:
        reasons.append("No signed dose yet: the model predicts a course from the doses given.")
        return None, tuple(reasons), 0, len(scores)
    first = sessions[0][0]
    before = [float(total) for at, total in scores if at <= first]
    after = [((at - first).total_seconds() / DAY_S, float(total)) for at, total in scores if at > first]
    if not before:
        reasons.append("No MADRS score at or before the first dose: the model needs a baseline.")
    elif before[-1] < 1.0:
        reasons.append("The baseline MADRS is 0: there is no improvement to predict.")
    if len(after) < MIN_SCORES_AFTER_FIRST_DOSE:
        reasons.append(
            f"{len(after)} MADRS score{'' if len(after) == 1 else 's'} after the first dose; the model needs at least "
            f"{MIN_SCORES_AFTER_FIRST_DOSE} (staff- or patient-reported) to estimate this patient's course."
        )
    products = tuple(dict.fromkeys(p for *_, p in sessions))
    unknown = [p for p in products if p not in POTENCY]
    if unknown:
        reasons.append(f"The model has no exposure for {', '.join(unknown)}.")
    if any(mg is None for _, mg, _, _ in sessions):
        reasons.append("A signed dose has no amount in mg.")
    weight = float(patient.weight_kg) if patient.weight_kg is not None else None
    if weight is None or not 20.0 <= weight <= 300.0:
        reasons.append("No weight (20-300 kg) recorded: a dose's exposure depends on it.")
    if reasons or weight is None:
        return None, tuple(reasons), len(sessions), len(after)
    exposures = []
    for _, mg, minutes, product in sessions:
        over = float(minutes or IV_MINUTES_DEFAULT) if product.endswith("-iv") else 0.0
        exposures.append(exposure_per_dose(product, float(mg), weight, over))
    inputs = _Inputs(
        first_dose_at=first,
        baseline=before[-1],
        dose_days=tuple((at - first).total_seconds() / DAY_S for at, *_ in sessions),
        exposures=tuple(exposures),
        score_days=tuple(t for t, _ in after),
        madrs=tuple(y for _, y in after),
        products=products,
    )
    return inputs, (), len(sessions), len(after)


def _compute(inputs: _Inputs, zone: dt.tzinfo) -> dict[str, Any]:
    import numpy as np

    from ketamine_trd.pharmacology.benefit.model import BenefitParams, DoseSeries
    from ketamine_trd.pharmacology.benefit.patient import PatientScores, update

    doses = DoseSeries(inputs.dose_days, inputs.exposures)
    post = update(BenefitParams.calibrated(), PatientScores(inputs.baseline, doses, inputs.score_days, inputs.madrs))
    fade = post.fade()
    last = doses.last_d
    end = max(last + min(max(fade["p90"] + 14.0, 28.0), 90.0), max(inputs.score_days) + 7.0)
    times = np.arange(0.0, end + 1e-9, 0.25)
    course = post.course(times)
    window_days = (fade["p10"], fade["p50"]) if fade["p50"] > 0.0 else None
    return {"fade": fade, "window_days": window_days, "times": times, "course": course}


def _to_dt(first: dt.datetime, days: Any, zone: dt.tzinfo) -> Any:
    return [(first + dt.timedelta(days=float(d))).astimezone(zone) for d in days]


def _draw(inputs: _Inputs, computed: dict[str, Any], today: dt.date, zone: dt.tzinfo) -> str:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import dates
    from matplotlib.figure import Figure

    times, course, window_days = computed["times"], computed["course"], computed["window_days"]
    first = inputs.first_dose_at
    fig = Figure(figsize=(7.0, 4.0), dpi=110)
    ax = fig.subplots()
    x = dates.date2num(_to_dt(first, times, zone))
    ax.fill_between(x, course["p10"], course["p90"], color="#9ecae1", alpha=0.6, linewidth=0,
                    label="model band (10th-90th percentile)")  # fmt: skip
    ax.plot(x, course["p50"], color="#08519c", linewidth=1.4, label="model estimate (median)")
    ax.plot(dates.date2num(_to_dt(first, inputs.score_days, zone)), inputs.madrs, "o", color="#222222",
            markersize=4, label="MADRS after a dose")  # fmt: skip
    ax.plot(dates.date2num(_to_dt(first, [0.0], zone)), [inputs.baseline], "s", color="#222222", markersize=4,
            label=f"baseline MADRS {inputs.baseline:g} (before the first dose)")  # fmt: skip
    ax.axhline(inputs.baseline / 2.0, linestyle="--", linewidth=1, color="grey",
               label=f"50% improvement (MADRS {inputs.baseline / 2.0:g})")  # fmt: skip
    last = max(inputs.dose_days)
    if window_days is not None:
        lo, hi = (float(dates.date2num(_to_dt(first, [last + d], zone)[0])) for d in window_days)
        ax.axvspan(lo, max(hi, lo + 0.5), color="#74c476", alpha=0.35, linewidth=0,
                   label="suggested window for the next session")  # fmt: skip
    ax.plot(dates.date2num(_to_dt(first, inputs.dose_days, zone)), [0.5] * len(inputs.dose_days), "^",
            color="#7b5ea7", markersize=6, label="dose", clip_on=False)  # fmt: skip
    noon = dt.datetime.combine(today, dt.time(12), tzinfo=zone)
    ax.axvline(float(dates.date2num(noon)), color="#e76f51", linewidth=1, linestyle=":", label=f"today ({today})")
    ax.xaxis_date(tz=zone)
    ax.set_ylabel("MADRS total")
    ax.set_ylim(0, max(60.0, inputs.baseline + 4.0) if inputs.baseline > 40 else inputs.baseline + 10.0)
    fig.autofmt_xdate()
    fig.legend(fontsize=6, loc="lower center", ncol=3, frameon=False)
    fig.tight_layout(rect=(0.0, 0.14, 1.0, 1.0))
    out = io.BytesIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "ktrd-benefit"}):
        fig.savefig(out, format="svg", metadata={"Date": None})
    text = out.getvalue().decode("utf-8")
    text = text[text.index("<svg") :]
    label = escape(f"Model estimate of the MADRS course with its 10th-90th percentile band; {LABEL}")
    return re.sub(r"^<svg ", f'<svg role="img" aria-label="{label}" data-testid="benefit-svg" ', text, count=1)


def _key(inputs: _Inputs, zone: str) -> str:
    from ketamine_trd.pharmacology.benefit.calibration import FIT

    data = (PANEL_VERSION, zone, inputs, FIT.params)
    return "ktrd-benefit-panel:" + hashlib.sha256(repr(data).encode()).hexdigest()


def patient_panel(actor: Actor, patient: Any, *, today: dt.date, zone: dt.tzinfo) -> BenefitPanel:
    """The benefit panel of ``patient`` (already scoped to ``actor`` by the caller); the read is audited."""
    inputs, reasons, n_doses, n_scores = _gather(patient)
    record(actor, "read", obj=patient, patient_id=patient.pk, detail="benefit model estimate")
    if inputs is None:
        return BenefitPanel(available=False, reasons=reasons, doses=n_doses, scores=n_scores)
    key = _key(inputs, str(zone))
    computed: dict[str, Any] | None = cache.get(key)
    if computed is None:
        try:
            computed = _compute(inputs, zone)
        except InputError as error:  # a stored value outside the model's ranges: say which, draw nothing
            return BenefitPanel(False, (f"The model cannot use this patient's data ({error}).",), doses=n_doses,
                                scores=n_scores)  # fmt: skip
        cache.set(key, computed, CACHE_SECONDS)
    svg_key = f"{key}:svg:{today.isoformat()}"  # the drawing also marks today
    svg: str | None = cache.get(svg_key)
    if svg is None:
        svg = _draw(inputs, computed, today, zone)
        cache.set(svg_key, svg, CACHE_SECONDS)
    last_at = inputs.first_dose_at + dt.timedelta(days=max(inputs.dose_days))
    last_on = last_at.astimezone(zone).date()
    wd = computed["window_days"]
    window = None
    if wd is not None:
        window = tuple((last_at + dt.timedelta(days=d)).astimezone(zone).date() for d in wd)
    fade = computed["fade"]
    return BenefitPanel(
        available=True,
        svg=svg,
        baseline_madrs=inputs.baseline,
        doses=n_doses,
        scores=n_scores,
        last_dose_on=last_on,
        fade_days={k: round(v, 1) for k, v in fade.items()},
        window=window,  # type: ignore[arg-type]
        window_days=None if wd is None else (round(wd[0], 1), round(wd[1], 1)),
        responding=wd is not None,
        window_passed=window is not None and window[1] < today,
        products=inputs.products,
    )

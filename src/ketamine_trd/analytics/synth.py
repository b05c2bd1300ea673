"""A synthetic registry in the export format, driven by published figures, labelled synthetic.

Each patient has one course: racemic ketamine IV (PHQ-9 as primary scale, six infusions over
12 days) or esketamine intranasal (MADRS, twice weekly for four weeks). Response at the
end-of-induction review (day 28) follows a logistic model whose route intercepts are calibrated
to the published response rates and whose slopes are the published predictor effects
(:mod:`.synth_figures`); remission, early response and time to relapse after induction follow
the published figures too. Every row has ``synthetic = True``. Patients are generated in
vectorised chunks so that :mod:`.scale` can build Dask partitions of millions of assessments.

>>> reg = generate_registry(50, seed=1)
>>> len(reg.records("patients")), reg.records("courses")[0]["synthetic"]
(50, True)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np

from ketamine_trd.analytics.synth_assessments import FOLLOW_UP_EVERY, REVIEW_DAY, assessments
from ketamine_trd.analytics.synth_figures import FIGURES, esketamine_early_response, log_odds_per_sd, weibull_through
from ketamine_trd.analytics.synth_ids import make_ids, uniform_int
from ketamine_trd.analytics.synth_visits import visits
from ketamine_trd.errors import InputError

__all__ = ["ESKETAMINE_SHARE", "RNG_BLOCK", "SyntheticRegistry", "generate_chunk", "generate_registry", "true_effects"]

# Platform-defined mix and covariate distributions (no source gives a clinic population).
ESKETAMINE_SHARE = 0.4
ESK_MAINTENANCE_SHARE = 0.5
_BASE_DATE = np.datetime64("2021-01-04")
_BMI_MEAN, _BMI_SD, _CADSS_MEAN, _CADSS_SD = 28.5, 6.0, 15.0, 10.0


def true_effects() -> dict[str, float]:
    """Log odds ratios the generator uses (per SD for BMI and CADSS; for the family-history flag).

    >>> round(true_effects()["bmi_per_sd"], 3)
    0.544
    """
    return {
        "bmi_per_sd": log_odds_per_sd(FIGURES["bmi_beta"].value),
        "family_history_aud": log_odds_per_sd(FIGURES["fh_aud_beta"].value),
        "iv_cadss_per_sd": log_odds_per_sd(FIGURES["iv_cadss_r"].value),
        "esk_cadss_per_sd": log_odds_per_sd(FIGURES["esk_cadss_r"].value),
    }


def _covariates(rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
    return {
        "bmi": np.clip(rng.normal(_BMI_MEAN, _BMI_SD, n), 16.0, 55.0).round(1),
        "fh_aud": rng.random(n) < 0.2,
        "cadss": np.clip(rng.normal(_CADSS_MEAN, _CADSS_SD, n), 0, 92).round(),
    }


def _linear(cov: dict[str, np.ndarray], esk: np.ndarray) -> np.ndarray:
    eff = true_effects()
    cadss = np.where(esk, eff["esk_cadss_per_sd"], eff["iv_cadss_per_sd"])
    return (
        eff["bmi_per_sd"] * (cov["bmi"] - _BMI_MEAN) / _BMI_SD
        + eff["family_history_aud"] * cov["fh_aud"]
        + cadss * (cov["cadss"] - _CADSS_MEAN) / _CADSS_SD
    )


@cache
def _intercepts() -> tuple[float, float]:
    """Route intercepts that make the mean response probability equal the published rates."""
    from scipy.optimize import brentq

    rng = np.random.default_rng(20240601)
    out = []
    for esk, target in ((False, FIGURES["iv_response_rate"].value), (True, FIGURES["esk_response_rate"].value)):
        eta = _linear(_covariates(rng, 200_000), np.full(200_000, esk))
        out.append(
            float(brentq(lambda a, eta=eta, t=target: float(np.mean(1 / (1 + np.exp(-(a + eta))))) - t, -10, 10))
        )
    return out[0], out[1]


def _relapse_days(rng: np.random.Generator, esk: np.ndarray, maintenance: np.ndarray) -> np.ndarray:
    shape, scale = weibull_through(FIGURES["iv_sustained_28"].value, 28.0, FIGURES["iv_sustained_56"].value, 56.0)
    iv = scale * rng.weibull(shape, len(esk))
    rate = np.log(2) / FIGURES["esk_median_relapse_days"].value
    rate = rate * np.where(maintenance, FIGURES["esk_maintenance_hr"].value, 1.0)
    return np.where(esk, rng.exponential(1.0 / rate), iv)


def generate_chunk(n: int, seed: int, offset: int = 0, *, tables: tuple[str, ...] | None = None) -> dict[str, Any]:
    """Patients ``offset .. offset+n-1`` of the registry of ``seed``, as pandas frames by table."""
    import pandas as pd

    rng = np.random.default_rng([seed, offset])
    idx = np.arange(offset, offset + n)
    esk = rng.random(n) < ESKETAMINE_SHARE
    cov = _covariates(rng, n)
    age = np.clip(rng.normal(45, 13, n), 18, 80).round().astype(np.int64)
    failed = 2 + rng.poisson(1.5, n)
    episode = np.clip(rng.lognormal(np.log(24), 0.8, n), 1, 360).round(1)
    maudsley = np.clip(3 + failed + (episode > 12) + (episode > 24) + rng.integers(0, 3, n), 3, 15)
    start = _BASE_DATE + rng.integers(0, 1000, n).astype("timedelta64[D]")
    a_iv, a_esk = _intercepts()
    p = 1 / (1 + np.exp(-(np.where(esk, a_esk, a_iv) + _linear(cov, esk))))
    responder = rng.random(n) < p
    q = np.where(
        esk,
        FIGURES["esk_remission_rate"].value / FIGURES["esk_response_rate"].value,
        FIGURES["iv_remission_rate"].value / FIGURES["iv_response_rate"].value,
    )
    remitter = responder & (rng.random(n) < q)
    maintenance = responder & esk & (rng.random(n) < ESK_MAINTENANCE_SHARE)
    # Primary scale: baseline, day 7 (early response), day 28 (review).
    n_items, item_max, thr = np.where(esk, 10, 9), np.where(esk, 6, 3), np.where(esk, 12, 4)
    scale_max = n_items * item_max
    base = np.where(esk, np.clip(rng.normal(37, 5.5, n), 28, 60), np.clip(rng.normal(19, 4, n), 10, 27)).round()
    base = base.astype(np.int64)
    half = base // 2
    end = np.where(
        remitter,
        uniform_int(rng, np.zeros(n, np.int64), thr),
        np.where(
            responder, uniform_int(rng, thr + 1, half), uniform_int(rng, half + 1, np.minimum(base + 2, scale_max))
        ),
    )
    early_sens, early_false = esketamine_early_response()
    p_early = np.where(
        esk,
        np.where(responder, early_sens, early_false),
        np.where(responder, FIGURES["iv_early_sensitivity"].value, 1 - FIGURES["iv_early_specificity"].value),
    )
    early = rng.random(n) < p_early
    day7 = np.where(early, uniform_int(rng, (base * 0.2).astype(np.int64), half), uniform_int(rng, half + 1, base))
    # Durability after the review, for responders.
    relapse_t = np.ceil(_relapse_days(rng, esk, maintenance)).astype(np.int64)
    follow = rng.integers(120, 366, n)
    relapsed = responder & (relapse_t <= follow)
    horizon = np.where(relapsed, relapse_t, follow)
    n_follow = np.where(responder, (horizon - 1) // FOLLOW_UP_EVERY, 0)

    pid, cid = make_ids("SYN-P", idx), make_ids("SYN-C", idx)
    frames: dict[str, Any] = {}
    frames["patients"] = pd.DataFrame(
        {
            "patient_id": pid,
            "sex": np.where(rng.random(n) < 0.6, "female", "male"),
            "birth_year": (start.astype("datetime64[Y]").astype(np.int64) + 1970 - age).astype(np.int64),
            "family_history_aud": cov["fh_aud"],
            "prior_ect": rng.random(n) < 0.15,
        }
    )
    review = start + np.timedelta64(REVIEW_DAY, "D")
    end_date = np.where(
        ~responder,
        review,
        np.where(relapsed, start + (REVIEW_DAY + relapse_t).astype("timedelta64[D]"), np.datetime64("NaT")),
    )
    frames["courses"] = pd.DataFrame(
        {
            "course_id": cid,
            "patient_id": pid,
            "product": np.where(esk, "esketamine", "racemic_ketamine"),
            "route": np.where(esk, "intranasal", "iv"),
            "primary_scale": np.where(esk, "madrs", "phq9"),
            "start_date": start.astype("datetime64[ns]"),
            "induction_end_date": review.astype("datetime64[ns]"),
            "end_date": end_date.astype("datetime64[ns]"),
            "end_reason": np.where(
                ~responder, "no_response", np.where(relapsed, "relapse", np.array(None, dtype=object))
            ),
            "age_years": age,
            "bmi_kg_m2": cov["bmi"],
            "episode_duration_months": episode,
            "failed_adequate_trials": failed,
            "maudsley_score": maudsley,
            "maintenance": maintenance,
        }
    )
    frames["assessments"], frames["assessment_items"] = assessments(
        rng,
        idx,
        cid,
        esk,
        start,
        base,
        day7,
        end,
        half,
        relapsed,
        relapse_t,
        n_follow,
        items=_wants(tables, "assessment_items"),
    )
    frames["outcome_events"] = _events(idx, cid, esk, start, responder, remitter, relapsed, relapse_t)
    if _wants(tables, "sessions"):
        frames.update(visits(rng, idx, cid, esk, start, cov, maintenance, horizon))
    for name, frame in frames.items():
        frame["synthetic"] = True
        frames[name] = frame
    return frames


def _wants(tables: tuple[str, ...] | None, name: str) -> bool:
    return tables is None or name in tables


def _events(
    idx: np.ndarray,
    cid: np.ndarray,
    esk: np.ndarray,
    start: np.ndarray,
    responder: np.ndarray,
    remitter: np.ndarray,
    relapsed: np.ndarray,
    relapse_t: np.ndarray,
) -> Any:
    import pandas as pd

    review = start + np.timedelta64(REVIEW_DAY, "D")
    scale = np.where(esk, "madrs", "phq9")
    rows = []
    for kind, mask, when, definition, src in (
        ("response", responder, review, "response-50pct-v1", np.full(len(idx), "cochrane-cd011612")),
        ("remission", remitter, review, np.where(esk, "remission-madrs-le12-v1", "remission-phq9-lt5-v1"),
         np.where(esk, "popova-2019", "mcinnes-2022")),
        ("relapse", relapsed, start + (REVIEW_DAY + relapse_t).astype("timedelta64[D]"),
         np.where(esk, "relapse-sustain1-madrs-v1", "loss-of-response-v1"), np.where(esk, "S13", "mcinnes-2022")),
    ):  # fmt: skip
        sel = np.flatnonzero(mask)
        rows.append(
            pd.DataFrame(
                {
                    "event_id": make_ids(f"SYN-E{kind[:3]}-", idx[sel]),
                    "course_id": cid[sel],
                    "event_type": kind,
                    "event_date": when[sel].astype("datetime64[ns]"),
                    "scale": scale[sel],
                    "definition_id": np.broadcast_to(definition, len(idx))[sel],
                    "source_id": src[sel],
                }
            )
        )
    return pd.concat(rows, ignore_index=True)


@dataclass(frozen=True, slots=True)
class SyntheticRegistry:
    """A generated registry: ``frames`` by table (pandas), plus the seed and size that made it."""

    n_patients: int
    seed: int
    frames: dict[str, Any]

    def records(self, table_name: str) -> list[dict[str, Any]]:
        """Rows of one table as dicts (dates as ``datetime.date``, missing values as ``None``)."""
        frame = self.frames[table_name]
        out = frame.astype(object).where(frame.notna(), None).to_dict("records")
        for row in out:
            for key, value in row.items():
                if hasattr(value, "to_pydatetime"):
                    stamp = value.to_pydatetime()
                    row[key] = stamp if stamp.tzinfo is not None else stamp.date()
        return list(out)

    def to_frames(self) -> dict[str, Any]:
        """The tables as pandas DataFrames (copies)."""
        return {name: frame.copy() for name, frame in self.frames.items()}


RNG_BLOCK = 20_000
"""Patients per random-number block: patients ``k*RNG_BLOCK ..`` draw from ``default_rng([seed, k*RNG_BLOCK])``.

The block is part of the registry's definition (recorded in ``manifest.json``), not a memory setting: a registry
depends on (seed, n_patients, RNG_BLOCK) only. 20,000 was the default chunk of :func:`generate_registry` when the
documented recovery figures were made, so they are unchanged."""


def generate_registry(
    n_patients: int,
    seed: int,
    *,
    chunk_size: int | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> SyntheticRegistry:
    """Generate ``n_patients`` synthetic patients (one course each) reproducibly from ``seed``.

    The output depends on ``seed`` and ``n_patients`` only: patients are drawn in fixed blocks of
    :data:`RNG_BLOCK`. ``chunk_size`` is accepted for compatibility and has no effect on the output.
    ``on_progress(done, total)`` is called after each block (the CLI draws a progress bar with it).
    """
    import pandas as pd

    if not 1 <= n_patients <= 5_000_000:
        raise InputError("n_patients", n_patients, "1 to 5,000,000")
    if seed < 0:
        raise InputError("seed", seed, "a non-negative integer")
    if chunk_size is not None and chunk_size < 1:
        raise InputError("chunk_size", chunk_size, "a positive integer (it does not change the registry)")
    chunks = []
    for off in range(0, n_patients, RNG_BLOCK):
        chunks.append(generate_chunk(min(RNG_BLOCK, n_patients - off), seed, off))
        if on_progress is not None:
            on_progress(min(off + RNG_BLOCK, n_patients), n_patients)
    frames = {name: pd.concat([c[name] for c in chunks], ignore_index=True) for name in chunks[0]}
    return SyntheticRegistry(n_patients, seed, frames)
